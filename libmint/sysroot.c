// SPDX-License-Identifier: GPL-2.0
#include "sysroot.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char sysroot[MINT_SYSROOT_MAX];

int mint_sysroot_set(const char *root, struct mint_error *err)
{
	size_t len = root ? strlen(root) : 0;

	if (len >= sizeof(sysroot))
		return mint_fail(err, MINT_E_INVALID, "system root %.40s... is too long (at most %d bytes)",
				 root, MINT_SYSROOT_MAX - 1);
	if (len && root[0] != '/')
		return mint_fail(err, MINT_E_INVALID, "system root %s is not an absolute path", root);
	memcpy(sysroot, root ? root : "", len);
	while (len > 0 && sysroot[len - 1] == '/')
		len--;
	sysroot[len] = '\0';
	return 0;
}

const char *mint_sysroot(void)
{
	return sysroot;
}

const char *mint_path(char buf[PATH_MAX], const char *fmt, ...)
{
	size_t root = strlen(sysroot);
	va_list ap;
	int n;

	memcpy(buf, sysroot, root + 1);
	va_start(ap, fmt);
	n = vsnprintf(buf + root, PATH_MAX - root, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= PATH_MAX - root)
		snprintf(buf, PATH_MAX, "/nonexistent/path-too-long");
	return buf;
}
