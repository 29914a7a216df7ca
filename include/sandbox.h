/* sandbox.h: confine a child before it touches client data. */
#ifndef SANDBOX_H
#define SANDBOX_H

/*
 * Lower the child's resource limits and confine it to the syscalls the echo
 * session needs. 0, or -1 with errno; the child must not serve on failure.
 */
int	sandbox_child(void);

#endif
