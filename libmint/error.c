// SPDX-License-Identifier: GPL-2.0
#include "error.h"

#include "util.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[MINT_E_COUNT] = {
    [MINT_OK] = "Ok",
    [MINT_E_INVALID] = "InvalidArgument",
    [MINT_E_NOTFOUND] = "NoSuchResource",
    [MINT_E_BUSY] = "ResourceBusy",
    [MINT_E_STATE] = "WrongState",
    [MINT_E_PERM] = "PermissionDenied",
    [MINT_E_UNSUPPORTED] = "NotSupported",
    [MINT_E_SYSTEM] = "SystemError",
};

static int vfail(struct mint_error *err, enum mint_errkind kind, int errnum, const char *fmt,
		 va_list ap)
{
	if (!err)
		return -1;
	err->kind = kind;
	err->errnum = errnum;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return -1;
}

int mint_fail(struct mint_error *err, enum mint_errkind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(err, kind, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int mint_fail_errno(struct mint_error *err, enum mint_errkind kind, int errnum, const char *fmt,
		    ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(err, kind, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

void mint_error_append(struct mint_error *err, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	if (!err)
		return;
	len = strlen(err->msg);
	if (len + 2 >= sizeof(err->msg))
		return;
	if (len) {
		memcpy(err->msg + len, "; ", 2);
		len += 2;
		err->msg[len] = '\0';
	}
	va_start(ap, fmt);
	vsnprintf(err->msg + len, sizeof(err->msg) - len, fmt, ap);
	va_end(ap);
}

void mint_error_clear(struct mint_error *err)
{
	if (!err)
		return;
	err->kind = MINT_OK;
	err->errnum = 0;
	err->msg[0] = '\0';
}

const char *mint_errkind_name(enum mint_errkind kind)
{
	if ((unsigned)kind >= ARRAY_SIZE(kind_names))
		return "SystemError";
	return kind_names[kind];
}

enum mint_errkind mint_errkind_from_name(const char *name)
{
	/* From MINT_E_INVALID on: an error is never MINT_OK, not even one named "Ok". */
	for (unsigned i = MINT_E_INVALID; i < ARRAY_SIZE(kind_names); i++)
		if (name && !strcmp(name, kind_names[i]))
			return (enum mint_errkind)i;
	return MINT_E_SYSTEM;
}
