/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Plans with rollback. An operation (release three CPUs, boot a node) is a
 * list of steps, each with its inverse. mint_plan_run() runs the steps in
 * order; when one fails, the steps already done are undone in reverse order
 * and the error says which step failed (and whether any undo failed too).
 */
#ifndef MINT_PLAN_H
#define MINT_PLAN_H

#include <stddef.h>

#include "error.h"

typedef int (*mint_step_fn)(void *ctx, struct mint_error *err);

struct mint_step {
	char desc[96];	   /* "offline CPU 3" */
	mint_step_fn run;  /* returns 0 or -1 with @err filled */
	mint_step_fn undo; /* may be NULL when there is nothing to undo */
	void *ctx;
};

struct mint_plan {
	struct mint_step *steps;
	size_t n;
	size_t cap;
	/* steps that ran successfully (and were not undone); after a rollback,
	 * the steps whose undo failed (still in effect) */
	size_t done;
	size_t undone; /* how many undo calls ran during the last rollback */
};

void mint_plan_init(struct mint_plan *plan);
void mint_plan_free(struct mint_plan *plan);
int mint_plan_add(struct mint_plan *plan, mint_step_fn run, mint_step_fn undo, void *ctx,
		  const char *desc_fmt, ...) __attribute__((format(printf, 5, 6)));

/* Called before each step with its index, the total, and its description. */
typedef void (*mint_plan_progress_fn)(size_t index, size_t total, const char *desc, void *data);

/*
 * Run all steps. On failure: undo done steps in reverse (the failed step's
 * own undo is not called), return -1 with err->msg = "<failed step's
 * message>" (or "could not <desc>" when the step left it empty) and, for
 * each undo that failed, "; rollback: could not undo \"<desc>\": <msg>"
 * appended. The kind is the failed step's kind (MINT_E_SYSTEM if unset).
 */
int mint_plan_run(struct mint_plan *plan, mint_plan_progress_fn progress, void *data,
		  struct mint_error *err);

/*
 * Called after every step that succeeded, in the thread that runs the plan
 * (mintd's crash tests use it to die between two steps). NULL: nothing.
 */
extern void (*mint_plan_step_hook)(void);

#endif
