// SPDX-License-Identifier: GPL-2.0
#include "intent.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "log.h"
#include "plan.h"

static struct mint_journal journal = {.fd = -1, .dir_fd = -1};

/* The call this thread runs, and the audit record it opened. */
static _Thread_local char caller[64] = "mintd";
static _Thread_local uint64_t call_id;

/* Fault injection: crash after this many plan steps of an operation (0: off). */
static unsigned crash_step;
static _Thread_local unsigned steps_done;
static _Thread_local bool in_operation;

void intent_open(struct mintd *d)
{
	struct mint_error err = {0};

	mint_journal_close(&journal); /* a test may start several mintd in one process */
	if (mint_journal_open(&journal, d->state_dir, &err))
		mintd_warn(d, "%s: running without a journal (no crash recovery, no audit trail)",
			   err.msg);
}

const char *intent_caller(void)
{
	return caller;
}

void intent_call_begin(struct call *c)
{
	struct mint_error err = {0};
	json_object *rec = json_object_new_object();

	if (c->from_node >= 0)
		snprintf(caller, sizeof(caller), "node%d uid %u", c->from_node, (unsigned)c->uid);
	else
		snprintf(caller, sizeof(caller), "uid %u pid %d", (unsigned)c->uid, (int)c->pid);
	json_object_object_add(rec, "method", json_object_new_string(c->method));
	json_object_object_add(rec, "parameters", json_object_get(c->params));
	if (mint_journal_begin(&journal, "call", caller, rec, &call_id, &err))
		log_msg(LOG_ERR, "%s", err.msg);
	json_object_put(rec);
	log_msg(LOG_NOTICE, "%s: %s %s", caller, c->method,
		json_object_to_json_string_ext(c->params, JSON_C_TO_STRING_PLAIN));
}

void intent_call_end(struct call *c)
{
	struct mint_error err = {0};

	if (mint_journal_end(&journal, call_id, c->failed ? "failed" : "done",
			     c->failed ? c->error : NULL, &err))
		log_msg(LOG_ERR, "%s", err.msg);
	log_msg(LOG_NOTICE, "%s: %s %s%s%s", caller, c->method, c->failed ? "failed: " : "done",
		c->failed ? c->error : "", "");
	call_id = 0;
	mint_journal_maybe_rotate(&journal, NULL);
}

int intent_begin(struct mintd *d, const char *op, json_object *intent, uint64_t *id,
		 struct mint_error *err)
{
	(void)d;
	if (mint_journal_begin(&journal, op, caller, intent, id, err))
		return mint_fail(err, MINT_E_SYSTEM,
				 "%s; nothing was changed (mintd writes what it is about to do "
				 "before it does it)",
				 err ? err->msg : "the journal cannot be written");
	steps_done = 0;
	in_operation = true;
	if (crash_step == 1) /* step 1 is writing the intent itself */
		kill(getpid(), SIGKILL);
	return 0;
}

void intent_end(struct mintd *d, uint64_t id, int ret, const struct mint_error *err)
{
	struct mint_error werr = {0};

	(void)d;
	in_operation = false;
	if (mint_journal_end(&journal, id, ret ? "failed" : "done", ret && err ? err->msg : NULL,
			     &werr))
		log_msg(LOG_ERR, "%s", werr.msg);
}

void intent_recovered(struct mintd *d, uint64_t id, const char *what)
{
	struct mint_error err = {0};

	(void)d;
	if (mint_journal_end(&journal, id, "recovered", what, &err))
		log_msg(LOG_ERR, "%s", err.msg);
}

static void plan_step_hook(void)
{
	intent_step_done();
}

void intent_set_crash_step(unsigned step)
{
	crash_step = step;
	mint_plan_step_hook = plan_step_hook;
}

void intent_step_done(void)
{
	if (!crash_step || !in_operation)
		return;
	/* Step 1 was the intent; plan steps count from 2. */
	if (++steps_done + 1 == crash_step) {
		log_msg(LOG_WARNING, "crash test: killing mintd after step %u", crash_step);
		kill(getpid(), SIGKILL);
	}
}
