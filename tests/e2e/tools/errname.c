// SPDX-License-Identifier: GPL-2.0
/* errno names for the e2e tools (mint-chan's approach in kernel-mint/tools, as a table). */
#include "errname.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#define E(x)                                                                                       \
	{                                                                                          \
		x, #x                                                                              \
	}

/*
 * What the kernel returns from the calls the tools make. Aliases are left out
 * (EWOULDBLOCK = EAGAIN, ENOTSUP = EOPNOTSUPP, EDEADLOCK = EDEADLK): the
 * kernel's own name comes first.
 */
static const struct {
	int num;
	const char *name;
} names[] = {
    E(EPERM),	    E(ENOENT),	   E(ESRCH),	 E(EINTR),	  E(EIO),	E(ENXIO),
    E(E2BIG),	    E(ENOEXEC),	   E(EBADF),	 E(ECHILD),	  E(EAGAIN),	E(ENOMEM),
    E(EACCES),	    E(EFAULT),	   E(EBUSY),	 E(EEXIST),	  E(EXDEV),	E(ENODEV),
    E(ENOTDIR),	    E(EISDIR),	   E(EINVAL),	 E(ENFILE),	  E(EMFILE),	E(ENOTTY),
    E(EFBIG),	    E(ENOSPC),	   E(ESPIPE),	 E(EROFS),	  E(ERANGE),	E(EDEADLK),
    E(ENOSYS),	    E(ENODATA),	   E(ETIME),	 E(EOVERFLOW),	  E(EBADMSG),	E(EMSGSIZE),
    E(EOPNOTSUPP),  E(EADDRINUSE), E(ENOTCONN),	 E(ETIMEDOUT),	  E(EHOSTDOWN), E(EALREADY),
    E(EINPROGRESS), E(ESTALE),	   E(ECANCELED), E(EKEYREJECTED),
};

const char *e2e_errname(int e)
{
	static _Thread_local char unknown[24];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].num == e)
			return names[i].name;
	snprintf(unknown, sizeof(unknown), "errno %d", e);
	return unknown;
}
