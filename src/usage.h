/* SPDX-License-Identifier: ISC */
/* usage.h: help text and one-line usage errors for main. */
#ifndef USAGE_H
#define USAGE_H

#include <stddef.h>
#include <stdio.h>

#include "core/args.h"

void	usage_print(FILE *fp);

/* The "WHAT: WHY" part of a usage error, e.g. "--port: out of range 0-65535". */
void	usage_error(const struct args_error *err, char *const argv[], char *out,
	    size_t size);

#endif
