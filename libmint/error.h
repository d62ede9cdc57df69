/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Errors in Mint user space: a kind (which becomes the varlink error name
 * and the process exit status) plus one human sentence naming the resource
 * and the reason, e.g. "CPU 3 belongs to node1".
 */
#ifndef MINT_ERROR_H
#define MINT_ERROR_H

#include <stdarg.h>

enum mint_errkind {
	MINT_OK = 0,
	MINT_E_INVALID,	    /* the request itself is wrong (parse, range, alignment) */
	MINT_E_NOTFOUND,    /* names a resource that does not exist */
	MINT_E_BUSY,	    /* resource in use or owned by someone else */
	MINT_E_STATE,	    /* resource not in the state the request needs */
	MINT_E_PERM,	    /* caller may not do this */
	MINT_E_UNSUPPORTED, /* this kernel or machine cannot do it */
	MINT_E_SYSTEM,	    /* the kernel refused or an I/O call failed */
	MINT_E_COUNT	    /* number of kinds */
};

#define MINT_ERR_MSG_MAX 1024

struct mint_error {
	enum mint_errkind kind;
	int errnum; /* the errno behind a MINT_E_SYSTEM/BUSY failure, 0 when none */
	char msg[MINT_ERR_MSG_MAX];
};

/* Fill @err (may be NULL) and return -1, so callers can "return mint_fail(...)". */
int mint_fail(struct mint_error *err, enum mint_errkind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like mint_fail(), and keep @errnum (an errno value) in err->errnum. */
int mint_fail_errno(struct mint_error *err, enum mint_errkind kind, int errnum, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));

/* Append "; <text>" to an existing message (used when a rollback also fails). */
void mint_error_append(struct mint_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void mint_error_clear(struct mint_error *err);

/* Short varlink-style name of a kind: "InvalidArgument", "ResourceBusy", ... */
const char *mint_errkind_name(enum mint_errkind kind);

/* Inverse of mint_errkind_name() for errors; unknown names (and "Ok") map to MINT_E_SYSTEM. */
enum mint_errkind mint_errkind_from_name(const char *name);

#endif
