// SPDX-License-Identifier: GPL-2.0
#include "plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mint_plan_init(struct mint_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
}

void mint_plan_free(struct mint_plan *plan)
{
	free(plan->steps);
	memset(plan, 0, sizeof(*plan));
}

int mint_plan_add(struct mint_plan *plan, mint_step_fn run, mint_step_fn undo, void *ctx,
		  const char *desc_fmt, ...)
{
	struct mint_step *st;
	va_list ap;

	if (!run) {
		errno = EINVAL;
		return -1;
	}
	if (plan->n == plan->cap) {
		size_t cap = plan->cap ? plan->cap * 2 : 8;

		st = realloc(plan->steps, cap * sizeof(*st));
		if (!st)
			return -1;
		plan->steps = st;
		plan->cap = cap;
	}
	st = &plan->steps[plan->n];
	memset(st, 0, sizeof(*st));
	st->run = run;
	st->undo = undo;
	st->ctx = ctx;
	if (desc_fmt) {
		va_start(ap, desc_fmt);
		vsnprintf(st->desc, sizeof(st->desc), desc_fmt, ap);
		va_end(ap);
	}
	plan->n++;
	return 0;
}

/* Undo steps [0, plan->done) in reverse order, appending undo failures to @err. */
static void rollback(struct mint_plan *plan, struct mint_error *err)
{
	size_t failed = 0;

	plan->undone = 0;
	while (plan->done) {
		struct mint_step *st = &plan->steps[--plan->done];
		struct mint_error uerr;

		if (!st->undo)
			continue;
		mint_error_clear(&uerr);
		plan->undone++;
		if (st->undo(st->ctx, &uerr)) {
			failed++;
			mint_error_append(err, "rollback: could not undo \"%s\": %s", st->desc,
					  uerr.msg[0] ? uerr.msg : "unknown error");
		}
	}
	/* What stays done is what could not be undone. */
	plan->done = failed;
}

void (*mint_plan_step_hook)(void);

int mint_plan_run(struct mint_plan *plan, mint_plan_progress_fn progress, void *data,
		  struct mint_error *err)
{
	struct mint_error ferr;

	plan->done = 0;
	plan->undone = 0;
	for (size_t i = 0; i < plan->n; i++) {
		struct mint_step *st = &plan->steps[i];

		if (progress)
			progress(i, plan->n, st->desc, data);
		mint_error_clear(&ferr);
		if (!st->run(st->ctx, &ferr)) {
			plan->done++;
			if (mint_plan_step_hook)
				mint_plan_step_hook();
			continue;
		}
		if (ferr.kind == MINT_OK)
			ferr.kind = MINT_E_SYSTEM;
		if (!ferr.msg[0])
			snprintf(ferr.msg, sizeof(ferr.msg), "could not %s", st->desc);
		rollback(plan, &ferr);
		if (err)
			*err = ferr;
		return -1;
	}
	return 0;
}
