/* eva_main.c: the entry point for Frama-C EVA (make proofs): symbolic argv and signals. Never built into echod. */
#ifdef __FRAMAC__
#include <signal.h>
#include <stddef.h>
#include <__fc_builtin.h>

#include "sys/sig.h"

int	main(int argc, char *argv[]);
int	eva_main(void);

#define EVA_ARGS	6	/* most words on the command line */
#define EVA_WORD	12	/* characters per word, NUL excluded */

static char eva_words[EVA_ARGS][EVA_WORD + 1];
static char *eva_argv[EVA_ARGS + 1];

/* Any command line of up to EVA_ARGS words of up to EVA_WORD bytes each. */
int
/* cppcheck-suppress unusedFunction ; the Frama-C EVA entry point (frama-c -main eva_main), called by no C code */
eva_main(void)
{
	int argc;
	int i;

	/* One analysis state per argc, so argv[argc] == NULL stays exact. */
	argc = Frama_C_interval_split(1, EVA_ARGS);
	for (i = 0; i < EVA_ARGS; i++) {
		Frama_C_make_unknown(eva_words[i], EVA_WORD);
		eva_words[i][EVA_WORD] = '\0';
		eva_argv[i] = i < argc ? eva_words[i] : NULL;
	}
	eva_argv[EVA_ARGS] = NULL;
	/* The kernel may deliver any handled signal at any time. */
	sig_handler_for_eva(SIGCHLD);
	sig_handler_for_eva(SIGTERM);
	sig_handler_for_eva(SIGINT);
	sig_handler_for_eva(SIGHUP);
	sig_handler_for_eva(SIGUSR1);
	return main(argc, eva_argv);
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int eva_main_unused;
#endif
