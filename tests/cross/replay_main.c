/* SPDX-License-Identifier: ISC */
/* replay_main.c: plain (no sanitizer, no libFuzzer) replay of a fuzz corpus through one LLVMFuzzerTestOneInput; built for armhf to catch width and endianness bugs. */
/*
 * Usage: replay SECONDS DIR. Pass 1 feeds every file of DIR whole; pass 2,
 * while time is left, feeds every prefix of every file. A failing oracle
 * aborts (SIGABRT, with the input named on stderr); otherwise one line of
 * counts and exit 0. Exit 2 if the directory cannot be read or pass 1
 * does not finish within SECONDS.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT	(1024u * 1024u)

static char	current[1024];	/* the input being replayed, for the abort note */
static uint8_t	buf[MAX_INPUT];

static void
on_abort(int sig)
{
	static const char msg[] = "replay: oracle failed on ";

	(void)sig;
	(void)write(2, msg, sizeof(msg) - 1);
	(void)write(2, current, strlen(current));
	(void)write(2, "\n", 1);
	signal(SIGABRT, SIG_DFL);
	raise(SIGABRT);
}

static double
now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read path into buf; the length, or -1. */
static long
load(const char *path)
{
	FILE *f;
	size_t n;

	f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf), f);
	(void)fclose(f);
	return (long)n;
}

int
main(int argc, char **argv)
{
	DIR *d;
	struct dirent *e;
	double deadline;
	unsigned long files, runs;
	long len, k;
	int pass;
	int late;

	if (argc != 3) {
		fprintf(stderr, "usage: replay SECONDS DIR\n");
		return 2;
	}
	signal(SIGABRT, on_abort);
	deadline = now() + atof(argv[1]);
	files = runs = 0;
	late = 0;
	for (pass = 1; pass <= 2 && !late; pass++) {
		d = opendir(argv[2]);
		if (d == NULL) {
			perror(argv[2]);
			return 2;
		}
		/* 32-bit readdir fails with EOVERFLOW on 64-bit d_off unless built
		 * with _FILE_OFFSET_BITS=64: an empty replay must not pass. */
		for (;;) {
			errno = 0;
			if (late || (e = readdir(d)) == NULL)
				break;
			if (e->d_name[0] == '.')
				continue;
			(void)snprintf(current, sizeof(current), "%s/%s", argv[2],
			    e->d_name);
			len = load(current);
			if (len < 0)
				continue;
			if (pass == 1) {
				(void)LLVMFuzzerTestOneInput(buf, (size_t)len);
				files++;
				runs++;
			} else {
				for (k = 0; k < len && !late; k++) {
					(void)snprintf(current, sizeof(current),
					    "%s/%s (first %ld bytes)", argv[2],
					    e->d_name, k);
					(void)LLVMFuzzerTestOneInput(buf, (size_t)k);
					runs++;
					late = now() > deadline;
				}
			}
			if (pass == 1 && now() > deadline) {
				(void)closedir(d);
				fprintf(stderr, "replay: %lu files replayed before "
				    "the deadline; corpus not finished\n", files);
				return 2;
			}
		}
		if (!late && errno != 0) {
			perror("replay: readdir");
			return 2;
		}
		(void)closedir(d);
	}
	printf("replay: %lu files, %lu runs (whole files, then prefixes%s)\n",
	    files, runs, late ? " until the deadline" : ", all");
	return 0;
}
