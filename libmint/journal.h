/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mintd's journal: the intent of every change, written and fsynced before
 * the change starts, and its outcome when it ends. It serves two purposes:
 *   - crash safety: an intent without an outcome is an operation that was
 *     in flight when mintd died; the next mintd finishes or undoes it;
 *   - an audit trail: who (uid/pid or the calling node) changed what, when,
 *     and how it ended.
 * <dir>/journal holds one JSON object per line; a torn or corrupt line (a
 * crash in the middle of a write, a damaged disk) is skipped and counted,
 * never trusted. When the file grows past MINT_JOURNAL_MAX_BYTES and
 * nothing is in flight it is moved to <dir>/journal.old.
 */
#ifndef MINT_JOURNAL_H
#define MINT_JOURNAL_H

#include <json-c/json.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define MINT_JOURNAL_FILE      "journal"
#define MINT_JOURNAL_OLD       "journal.old"
#define MINT_JOURNAL_MAX_BYTES (1024 * 1024)
#define MINT_JOURNAL_MAX_LINE  (64 * 1024)
#define MINT_JOURNAL_MAX_OPEN  64 /* intents in flight that a load keeps */

struct mint_journal {
	int fd; /* -1: closed (every call is then a no-op that succeeds) */
	int dir_fd;
	uint64_t next_id;
	size_t open; /* intents written and not yet ended */
	pthread_mutex_t lock;
};

/* An intent without an outcome, as loaded from the file. */
struct mint_journal_entry {
	uint64_t id;
	char op[32];	      /* "ReleaseCpus", "MoveCpus", ... */
	char by[64];	      /* "uid 0 pid 123", "node1 uid 0" */
	long long time;	      /* seconds since the epoch */
	json_object *intent; /* what the operation was about to change (owned) */
};

struct mint_journal_load {
	size_t nopen;
	struct mint_journal_entry open[MINT_JOURNAL_MAX_OPEN];
	size_t records;	  /* well-formed records read */
	size_t bad_lines; /* lines that were skipped */
	uint64_t max_id;
};

/* Open (create) <dir>/journal for appending; ids continue after the file's last. */
int mint_journal_open(struct mint_journal *j, const char *dir, struct mint_error *err);
void mint_journal_close(struct mint_journal *j);

/*
 * Append an intent and fsync it before returning. @intent is borrowed.
 * *@id identifies it for mint_journal_end().
 */
int mint_journal_begin(struct mint_journal *j, const char *op, const char *by, json_object *intent,
		       uint64_t *id, struct mint_error *err);
/* Append the outcome of @id ("done", "failed", "recovered", ...) with a detail sentence. */
int mint_journal_end(struct mint_journal *j, uint64_t id, const char *outcome, const char *detail,
		     struct mint_error *err);

/* Parse journal text (any bytes): the intents without outcome, in order. */
void mint_journal_parse(const char *text, size_t len, struct mint_journal_load *out);
/* Read <dir>/journal; a missing file is an empty journal. */
int mint_journal_load(const char *dir, struct mint_journal_load *out, struct mint_error *err);
void mint_journal_load_free(struct mint_journal_load *l);

/* Move the file aside when it is large and nothing is in flight (called after an end). */
int mint_journal_maybe_rotate(struct mint_journal *j, struct mint_error *err);

#endif
