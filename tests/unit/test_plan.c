// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "plan.h"

#define assert_msg_contains(msg, part)                                                             \
	do {                                                                                       \
		if (!strstr((msg), (part)))                                                        \
			fail_msg("message \"%s\" does not contain \"%s\"", (msg), (part));         \
	} while (0)

/* A journal of everything the steps did, as "r0 r1 u0 ...". */
struct journal {
	char log[512];
	int fail_run;	/* index of the step whose run fails, -1 for none */
	int fail_undo;	/* index of the step whose undo fails, -1 for none */
	int fail_undo2; /* a second failing undo, -1 for none */
	int runs[64];
	int undos[64];
};

struct step_ctx {
	struct journal *j;
	int idx;
};

static void jlog(struct journal *j, char what, int idx)
{
	size_t len = strlen(j->log);

	snprintf(j->log + len, sizeof(j->log) - len, "%c%d ", what, idx);
}

static int step_run(void *ctx, struct mint_error *err)
{
	struct step_ctx *c = ctx;

	c->j->runs[c->idx]++;
	jlog(c->j, 'r', c->idx);
	if (c->idx == c->j->fail_run)
		return mint_fail(err, MINT_E_BUSY, "step %d exploded", c->idx);
	return 0;
}

static int step_undo(void *ctx, struct mint_error *err)
{
	struct step_ctx *c = ctx;

	c->j->undos[c->idx]++;
	jlog(c->j, 'u', c->idx);
	if (c->idx == c->j->fail_undo || c->idx == c->j->fail_undo2)
		return mint_fail(err, MINT_E_SYSTEM, "undo %d broke", c->idx);
	return 0;
}

/* A run that fails without saying why. */
static int step_fail_silent(void *ctx, struct mint_error *err)
{
	return -1;
}

struct progress_log {
	size_t calls;
	size_t index[64];
	size_t total[64];
	char desc[64][96];
	struct journal *j; /* to check progress comes before the step runs */
	char log_at_call[64][512];
};

static void progress(size_t index, size_t total, const char *desc, void *data)
{
	struct progress_log *p = data;

	assert_true(p->calls < 64);
	p->index[p->calls] = index;
	p->total[p->calls] = total;
	snprintf(p->desc[p->calls], sizeof(p->desc[0]), "%s", desc);
	if (p->j)
		snprintf(p->log_at_call[p->calls], sizeof(p->log_at_call[0]), "%s", p->j->log);
	p->calls++;
}

static void build(struct mint_plan *plan, struct journal *j, struct step_ctx *ctx, int n)
{
	mint_plan_init(plan);
	for (int i = 0; i < n; i++) {
		ctx[i].j = j;
		ctx[i].idx = i;
		assert_int_equal(mint_plan_add(plan, step_run, step_undo, &ctx[i], "step %d", i),
				 0);
	}
	assert_int_equal(plan->n, (size_t)n);
}

static void journal_init(struct journal *j)
{
	memset(j, 0, sizeof(*j));
	j->fail_run = j->fail_undo = j->fail_undo2 = -1;
}

static void test_empty_plan(void **state)
{
	struct mint_plan plan;
	struct mint_error err;
	struct progress_log p = {0};

	mint_plan_init(&plan);
	mint_error_clear(&err);
	assert_int_equal(mint_plan_run(&plan, progress, &p, &err), 0);
	assert_int_equal(p.calls, 0);
	assert_int_equal(plan.done, 0);
	assert_int_equal(plan.undone, 0);
	assert_int_equal(mint_plan_run(&plan, NULL, NULL, NULL), 0);
	mint_plan_free(&plan);
	mint_plan_free(&plan); /* freeing twice is harmless */
}

static void test_success(void **state)
{
	struct mint_plan plan;
	struct journal j;
	struct step_ctx ctx[5];
	struct mint_error err;
	struct progress_log p = {0};

	journal_init(&j);
	p.j = &j;
	build(&plan, &j, ctx, 5);
	mint_error_clear(&err);
	assert_int_equal(mint_plan_run(&plan, progress, &p, &err), 0);
	assert_string_equal(j.log, "r0 r1 r2 r3 r4 ");
	assert_int_equal(plan.done, 5);
	assert_int_equal(plan.undone, 0);
	assert_int_equal(err.kind, MINT_OK);
	for (int i = 0; i < 5; i++) {
		char want[16];

		assert_int_equal(j.runs[i], 1);
		assert_int_equal(j.undos[i], 0);
		assert_int_equal(p.index[i], (size_t)i);
		assert_int_equal(p.total[i], 5);
		snprintf(want, sizeof(want), "step %d", i);
		assert_string_equal(p.desc[i], want);
	}
	assert_int_equal(p.calls, 5);
	/* progress for step i comes before step i runs, after step i-1 */
	assert_string_equal(p.log_at_call[0], "");
	assert_string_equal(p.log_at_call[3], "r0 r1 r2 ");
	mint_plan_free(&plan);
}

/* Failure at step k: k-1..0 undone in reverse, once each; k's undo not called. */
static void test_failure_each_position(void **state)
{
	const int n = 6;

	for (int k = 0; k < n; k++) {
		struct mint_plan plan;
		struct journal j;
		struct step_ctx ctx[6];
		struct mint_error err;
		struct progress_log p = {0};
		char want[128] = "", msg[64];

		journal_init(&j);
		j.fail_run = k;
		build(&plan, &j, ctx, n);
		mint_error_clear(&err);
		assert_int_equal(mint_plan_run(&plan, progress, &p, &err), -1);

		for (int i = 0; i <= k; i++)
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "r%d ", i);
		for (int i = k - 1; i >= 0; i--)
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "u%d ", i);
		assert_string_equal(j.log, want);

		for (int i = 0; i < n; i++) {
			assert_int_equal(j.runs[i], i <= k ? 1 : 0);
			assert_int_equal(j.undos[i], i < k ? 1 : 0);
		}
		assert_int_equal(p.calls, (size_t)k + 1);
		assert_int_equal(plan.undone, (size_t)k);
		assert_int_equal(plan.done, 0);
		assert_int_equal(err.kind, MINT_E_BUSY);
		snprintf(msg, sizeof(msg), "step %d exploded", k);
		assert_string_equal(err.msg, msg);
		mint_plan_free(&plan);
	}
}

static void test_undo_failure_reported(void **state)
{
	struct mint_plan plan;
	struct journal j;
	struct step_ctx ctx[5];
	struct mint_error err;

	journal_init(&j);
	j.fail_run = 3;
	j.fail_undo = 1;
	build(&plan, &j, ctx, 5);
	mint_error_clear(&err);
	assert_int_equal(mint_plan_run(&plan, NULL, NULL, &err), -1);
	/* the rollback goes on after a failing undo */
	assert_string_equal(j.log, "r0 r1 r2 r3 u2 u1 u0 ");
	assert_int_equal(err.kind, MINT_E_BUSY); /* the failed step's kind */
	assert_string_equal(err.msg,
			    "step 3 exploded; rollback: could not undo \"step 1\": undo 1 broke");
	assert_int_equal(plan.undone, 3);
	assert_int_equal(plan.done, 1); /* step 1 is still in effect */
	mint_plan_free(&plan);
}

static void test_two_undo_failures(void **state)
{
	struct mint_plan plan;
	struct journal j;
	struct step_ctx ctx[4];
	struct mint_error err;

	journal_init(&j);
	j.fail_run = 3;
	j.fail_undo = 0;
	j.fail_undo2 = 2;
	build(&plan, &j, ctx, 4);
	assert_int_equal(mint_plan_run(&plan, NULL, NULL, &err), -1);
	assert_string_equal(j.log, "r0 r1 r2 r3 u2 u1 u0 ");
	assert_msg_contains(err.msg, "step 3 exploded");
	assert_msg_contains(err.msg, "could not undo \"step 2\": undo 2 broke");
	assert_msg_contains(err.msg, "could not undo \"step 0\": undo 0 broke");
	/* reverse order in the message too */
	assert_true(strstr(err.msg, "step 2\"") < strstr(err.msg, "step 0\""));
	assert_int_equal(plan.done, 2);
	mint_plan_free(&plan);
}

static void test_null_undo_skipped(void **state)
{
	struct mint_plan plan;
	struct journal j;
	struct step_ctx ctx[3];
	struct mint_error err;

	journal_init(&j);
	j.fail_run = 2;
	mint_plan_init(&plan);
	for (int i = 0; i < 3; i++) {
		ctx[i].j = &j;
		ctx[i].idx = i;
	}
	assert_int_equal(mint_plan_add(&plan, step_run, step_undo, &ctx[0], "first"), 0);
	assert_int_equal(mint_plan_add(&plan, step_run, NULL, &ctx[1], "no undo"), 0);
	assert_int_equal(mint_plan_add(&plan, step_run, step_undo, &ctx[2], "last"), 0);
	assert_int_equal(mint_plan_run(&plan, NULL, NULL, &err), -1);
	assert_string_equal(j.log, "r0 r1 r2 u0 ");
	assert_int_equal(plan.undone, 1);
	assert_int_equal(plan.done, 0);
	mint_plan_free(&plan);
}

static void test_silent_failure(void **state)
{
	struct mint_plan plan;
	struct journal j;
	struct step_ctx ctx[1];
	struct mint_error err;

	journal_init(&j);
	mint_plan_init(&plan);
	ctx[0].j = &j;
	ctx[0].idx = 0;
	assert_int_equal(mint_plan_add(&plan, step_run, step_undo, &ctx[0], "offline CPU %d", 3),
			 0);
	assert_int_equal(mint_plan_add(&plan, step_fail_silent, NULL, NULL, "online CPU %d", 4), 0);
	assert_int_equal(mint_plan_run(&plan, NULL, NULL, &err), -1);
	assert_int_equal(err.kind, MINT_E_SYSTEM);
	assert_string_equal(err.msg, "could not online CPU 4");
	assert_string_equal(j.log, "r0 u0 ");
	/* failure with a NULL err must not crash */
	j.log[0] = '\0';
	assert_int_equal(mint_plan_run(&plan, NULL, NULL, NULL), -1);
	assert_string_equal(j.log, "r0 u0 ");
	mint_plan_free(&plan);
}

static void test_many_steps(void **state)
{
	enum { N = 50 };
	struct mint_plan plan;
	struct journal j;
	struct step_ctx ctx[N];
	struct mint_error err;
	struct progress_log p = {0};

	journal_init(&j);
	j.fail_run = N - 1;
	build(&plan, &j, ctx, N);
	assert_true(plan.cap >= N);
	assert_string_equal(plan.steps[N - 1].desc, "step 49");
	assert_int_equal(mint_plan_run(&plan, progress, &p, &err), -1);
	assert_int_equal(p.calls, N);
	assert_int_equal(p.total[0], N);
	assert_int_equal(plan.undone, N - 1);
	for (int i = 0; i < N; i++) {
		assert_int_equal(j.runs[i], 1);
		assert_int_equal(j.undos[i], i < N - 1 ? 1 : 0);
	}
	mint_plan_free(&plan);
	assert_null(plan.steps);
	assert_int_equal(plan.n, 0);
}

static void test_long_desc_truncated(void **state)
{
	struct mint_plan plan;
	char longdesc[300];

	memset(longdesc, 'a', sizeof(longdesc) - 1);
	longdesc[sizeof(longdesc) - 1] = '\0';
	mint_plan_init(&plan);
	assert_int_equal(mint_plan_add(&plan, step_fail_silent, NULL, NULL, "%s", longdesc), 0);
	assert_int_equal(strlen(plan.steps[0].desc), sizeof(plan.steps[0].desc) - 1);
	assert_int_equal(mint_plan_add(&plan, NULL, NULL, NULL, "no run"), -1);
	assert_int_equal(plan.n, 1);
	mint_plan_free(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_plan),
	    cmocka_unit_test(test_success),
	    cmocka_unit_test(test_failure_each_position),
	    cmocka_unit_test(test_undo_failure_reported),
	    cmocka_unit_test(test_two_undo_failures),
	    cmocka_unit_test(test_null_undo_skipped),
	    cmocka_unit_test(test_silent_failure),
	    cmocka_unit_test(test_many_steps),
	    cmocka_unit_test(test_long_desc_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
