/* SPDX-License-Identifier: ISC */
/* proofs/libc/eva_models.c: bodies EVA runs for libc calls Frama-C 25 leaves unspecified or too weak (EVA only; trusted base: proofs/README.md). */
#include <__fc_builtin.h>
#include <arpa/inet.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "core/slots.h"

#define EVA_ENV_LEN	12	/* bytes of an environment value, NUL excluded */

static char eva_env[EVA_ENV_LEN + 1];
static char eva_errtext[] = "error";

/* The environment: any variable is unset or holds any short string. */
char *
getenv(const char *name)
{
	(void)name;
	if (Frama_C_nondet(0, 1))
		return NULL;
	Frama_C_make_unknown(eva_env, EVA_ENV_LEN);
	eva_env[Frama_C_interval(0, EVA_ENV_LEN)] = '\0';
	eva_env[EVA_ENV_LEN] = '\0';
	return eva_env;
}

/* glibc's strerror always returns a NUL-terminated message. */
char *
strerror(int errnum)
{
	(void)errnum;
	return eva_errtext;
}

/* A user exists with any uid/gid, or does not. */
struct passwd *
getpwnam(const char *name)
{
	(void)name;
	__fc_pwd.pw_uid = Frama_C_unsigned_int_interval(0, UINT32_MAX);
	__fc_pwd.pw_gid = Frama_C_unsigned_int_interval(0, UINT32_MAX);
	return Frama_C_nondet(0, 1) ? NULL : __fc_p_pwd;
}

/* Any device and inode numbers, or failure. */
int
fstat(int fd, struct stat *buf)
{
	(void)fd;
	Frama_C_make_unknown((char *)buf, sizeof(*buf));
	return Frama_C_nondet(0, -1);
}

/* Any NUL-terminated text that fits, or failure. */
const char *
inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	(void)af;
	(void)src;
	if (size < 2)
		return NULL;
	Frama_C_make_unknown(dst, size - 1);
	dst[size - 1] = '\0';
	return Frama_C_nondet(0, 1) ? NULL : dst;
}

/*
 * A fresh anonymous mapping, or MAP_FAILED. echod maps three objects
 * (server.c setup: the slot table, the echo buffer, the UDP counters); each
 * call returns the next pool, MAP_FAILED when len exceeds it. A pool of
 * exactly len bytes would need a precise len: EVA's malloc of an imprecise
 * size (--max-clients is any of 1..65535) is valid only up to the smallest.
 */
#define EVA_POOL	(65535u * sizeof(struct slot))
static char eva_pool[3][EVA_POOL];
char echod_fc_map_failed;	/* MAP_FAILED's address (echod_fc_extra.h) */
static int eva_pools_used;

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	char *p;

	(void)addr;
	(void)prot;
	(void)flags;
	(void)fd;
	(void)off;
	if (len > EVA_POOL || eva_pools_used >= 3 || Frama_C_nondet(0, 1))
		return MAP_FAILED;
	p = eva_pool[eva_pools_used++];
	memset(p, 0, len);
	return p;
}

int
munmap(void *addr, size_t len)
{
	(void)addr;
	(void)len;
	return 0;
}

/* getsockopt (renamed in echod_fc_extra.h, whose contract EVA checks at each call): any value, or failure. */
int
echod_fc_getsockopt(int sockfd, int level, int optname, void *optval,
    socklen_t *optlen)
{
	(void)sockfd;
	(void)level;
	(void)optname;
	Frama_C_make_unknown((char *)optval, *optlen);
	return Frama_C_nondet(0, -1);
}

/* Any current and hard limit, or failure. */
int
getrlimit(int resource, struct rlimit *rlp)
{
	(void)resource;
	Frama_C_make_unknown((char *)rlp, sizeof(*rlp));
	return Frama_C_nondet(0, -1);
}
