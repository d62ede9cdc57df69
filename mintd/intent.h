/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mintd's side of the journal (libmint/journal.h): the audit record of every
 * call that changes the machine (who, what, how it ended) and the intents
 * of the operations, written before they act, which recover.c finishes or
 * undoes after a crash.
 *
 * Each call runs in a thread of its own, so the caller of the operation
 * running in this thread is kept per thread: operations need not pass it on.
 */
#ifndef MINTD_INTENT_H
#define MINTD_INTENT_H

#include <json-c/json.h>
#include <stdint.h>

#include "call.h"
#include "mintd.h"

/* Open the journal in the state directory (a failure is a warning: mintd runs without). */
void intent_open(struct mintd *d);

/* The call running in this thread: its audit record begins here (calls that change the machine). */
void intent_call_begin(struct call *c);
/* ...and ends with the call's outcome. */
void intent_call_end(struct call *c);

/* "uid 0 pid 123" or "node1 uid 0": who asked for what this thread does. */
const char *intent_caller(void);

/*
 * Write the intent of operation @op (e.g. "cpu-release") before it acts, fsynced;
 * @intent is borrowed. Fails (and the operation must not start) when the journal
 * cannot be written. *@id is 0 without a journal.
 */
int intent_begin(struct mintd *d, const char *op, json_object *intent, uint64_t *id,
		 struct mint_error *err);
/* The outcome: @ret 0 done, else failed with @err's message (which may be NULL). */
void intent_end(struct mintd *d, uint64_t id, int ret, const struct mint_error *err);
/* After a crash: what recover.c did with an intent ("recovered: ..."). */
void intent_recovered(struct mintd *d, uint64_t id, const char *what);

/* Fault injection for the crash tests: mintd --crash-after-step N kills itself
 * with SIGKILL right after the Nth plan step of an operation has been done. */
void intent_set_crash_step(unsigned step);
void intent_step_done(void);

#endif
