/* SPDX-License-Identifier: ISC */
/* eva_main.c: the entry point for Frama-C EVA (make proofs): symbolic argv and signals. Read only by Frama-C; never built into echod. */
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
	sig_on(SIGCHLD);
	sig_on(SIGTERM);
	sig_on(SIGINT);
	sig_on(SIGHUP);
	sig_on(SIGUSR1);
	return main(argc, eva_argv);
}
