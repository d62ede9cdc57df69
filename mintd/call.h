/* SPDX-License-Identifier: GPL-2.0 */
/* One varlink call being answered, and the ways to answer it. */
#ifndef MINTD_CALL_H
#define MINTD_CALL_H

#include <json-c/json.h>
#include <stdbool.h>

#include "error.h"
#include "mintd.h"

struct call {
	struct mintd *d;
	int fd;
	const char *method;
	json_object *params; /* always an object */
	bool more;	     /* the caller accepts progress replies */
	bool oneway;	     /* the caller wants no reply */
	bool may_modify;     /* root or member of the mint group */
};

/* Final reply; takes over @params (NULL = {}). */
int call_reply(struct call *c, json_object *params);
/* Progress reply ("continues": true), sent only when the caller asked for "more". */
int call_progress(struct call *c, json_object *params);
/* Error reply with a full error name, e.g. "org.varlink.service.MethodNotFound". */
int call_error(struct call *c, const char *error, json_object *params);
/* Error reply io.mint.Node.<Kind> {"message": ...} from a mint_error. */
int call_fail(struct call *c, const struct mint_error *err);
int call_failf(struct call *c, enum mint_errkind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Dispatch a parsed call to its method (methods.c). */
void methods_dispatch(struct call *c);

#endif
