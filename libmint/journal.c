// SPDX-License-Identifier: GPL-2.0
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- reading ---- */

static const char *get_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool get_u64(json_object *o, const char *key, uint64_t *out)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	n = json_object_get_int64(v);
	if (n < 0)
		return false;
	*out = (uint64_t)n;
	return true;
}

static void drop_open(struct mint_journal_load *l, uint64_t id)
{
	for (size_t i = 0; i < l->nopen; i++) {
		if (l->open[i].id != id)
			continue;
		json_object_put(l->open[i].intent);
		memmove(&l->open[i], &l->open[i + 1], (l->nopen - i - 1) * sizeof(l->open[0]));
		l->nopen--;
		return;
	}
}

static void add_open(struct mint_journal_load *l, uint64_t id, json_object *rec)
{
	struct mint_journal_entry *e;
	json_object *intent;
	uint64_t t = 0;

	drop_open(l, id); /* a repeated id: the later record wins */
	if (l->nopen == MINT_JOURNAL_MAX_OPEN) {
		/* Keep the newest: the oldest intents are the least likely to matter. */
		drop_open(l, l->open[0].id);
	}
	e = &l->open[l->nopen++];
	memset(e, 0, sizeof(*e));
	e->id = id;
	snprintf(e->op, sizeof(e->op), "%s", get_str(rec, "op"));
	snprintf(e->by, sizeof(e->by), "%s", get_str(rec, "by") ? get_str(rec, "by") : "");
	get_u64(rec, "time", &t);
	e->time = (long long)t;
	if (!json_object_object_get_ex(rec, "intent", &intent) ||
	    !json_object_is_type(intent, json_type_object))
		intent = NULL;
	e->intent = intent ? json_object_get(intent) : json_object_new_object();
}

/* One line: a record or garbage. */
static void parse_line(const char *line, size_t len, struct mint_journal_load *l)
{
	struct json_tokener *tok;
	json_object *rec;
	const char *phase;
	uint64_t id;

	if (!len)
		return;
	if (len > MINT_JOURNAL_MAX_LINE) {
		l->bad_lines++;
		return;
	}
	tok = json_tokener_new();
	if (!tok) {
		l->bad_lines++;
		return;
	}
	rec = json_tokener_parse_ex(tok, line, (int)len);
	/* The whole line must be exactly one object. */
	if (!rec || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len || !json_object_is_type(rec, json_type_object) ||
	    !get_u64(rec, "id", &id) || !(phase = get_str(rec, "phase"))) {
		l->bad_lines++;
	} else if (!strcmp(phase, "begin") && get_str(rec, "op") && get_str(rec, "op")[0] &&
		   strlen(get_str(rec, "op")) < sizeof(l->open[0].op)) {
		l->records++;
		add_open(l, id, rec);
	} else if (!strcmp(phase, "end")) {
		l->records++;
		drop_open(l, id);
	} else {
		l->bad_lines++;
	}
	/* Ids continue after the highest one seen, even on lines otherwise skipped. */
	if (rec && json_object_is_type(rec, json_type_object) && get_u64(rec, "id", &id) &&
	    id > l->max_id)
		l->max_id = id;
	json_object_put(rec);
	json_tokener_free(tok);
}

void mint_journal_parse(const char *text, size_t len, struct mint_journal_load *out)
{
	size_t start = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		parse_line(text + start, i - start, out);
		start = i + 1;
	}
}

void mint_journal_load_free(struct mint_journal_load *l)
{
	for (size_t i = 0; i < l->nopen; i++)
		json_object_put(l->open[i].intent);
	l->nopen = 0;
}

static int read_all(int fd, char **out, size_t *len, struct mint_error *err)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;

	for (;;) {
		ssize_t r;

		if (n + 65536 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return mint_fail(err, MINT_E_SYSTEM, "out of memory reading the journal");
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return mint_fail_errno(err, MINT_E_SYSTEM, errno, "reading the journal failed");
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	*out = buf;
	*len = n;
	return 0;
}

int mint_journal_load(const char *dir, struct mint_journal_load *out, struct mint_error *err)
{
	char path[4096], *text = NULL;
	size_t len = 0;
	int fd, ret;

	memset(out, 0, sizeof(*out));
	if (snprintf(path, sizeof(path), "%s/%s", dir, MINT_JOURNAL_FILE) >= (int)sizeof(path))
		return mint_fail(err, MINT_E_INVALID, "state directory path too long: %s", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "cannot read %s", path);
	}
	ret = read_all(fd, &text, &len, err);
	close(fd);
	if (ret)
		return -1;
	mint_journal_parse(text, len, out);
	free(text);
	return 0;
}

/* ---- writing ---- */

int mint_journal_open(struct mint_journal *j, const char *dir, struct mint_error *err)
{
	struct mint_journal_load l;
	struct stat st;

	j->fd = -1;
	j->dir_fd = -1;
	j->open = 0;
	pthread_mutex_init(&j->lock, NULL);
	if (mint_journal_load(dir, &l, err))
		return -1;
	j->next_id = l.max_id + 1;
	j->open = l.nopen; /* the caller recovers them, then ends each */
	mint_journal_load_free(&l);
	j->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (j->dir_fd < 0)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "cannot open %s", dir);
	j->fd = openat(j->dir_fd, MINT_JOURNAL_FILE, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		       0600);
	if (j->fd < 0) {
		int e = errno;

		close(j->dir_fd);
		j->dir_fd = -1;
		return mint_fail_errno(err, MINT_E_SYSTEM, e, "cannot open %s/%s", dir,
				       MINT_JOURNAL_FILE);
	}
	/* A torn last line must not swallow the next record: start on a new line. */
	if (!fstat(j->fd, &st) && st.st_size > 0) {
		char c = 0;
		int rfd = openat(j->dir_fd, MINT_JOURNAL_FILE, O_RDONLY | O_CLOEXEC);

		if (rfd >= 0) {
			if (pread(rfd, &c, 1, st.st_size - 1) == 1 && c != '\n' &&
			    write(j->fd, "\n", 1) != 1)
				c = 0;
			close(rfd);
		}
	}
	return 0;
}

void mint_journal_close(struct mint_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	if (j->dir_fd >= 0)
		close(j->dir_fd);
	j->fd = j->dir_fd = -1;
}

static int append(struct mint_journal *j, json_object *rec, struct mint_error *err)
{
	const char *text = json_object_to_json_string_ext(rec, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(text), off = 0;
	char *line = malloc(len + 1);

	if (!line)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory writing the journal");
	memcpy(line, text, len);
	line[len++] = '\n';
	/* One write per record (O_APPEND): a crash leaves at most one torn line. */
	while (off < len) {
		ssize_t w = write(j->fd, line + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			free(line);
			return mint_fail_errno(err, MINT_E_SYSTEM, errno, "writing the journal failed");
		}
		off += (size_t)w;
	}
	free(line);
	if (fsync(j->fd))
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "syncing the journal failed");
	return 0;
}

static json_object *new_record(uint64_t id, const char *phase)
{
	json_object *rec = json_object_new_object();

	json_object_object_add(rec, "id", json_object_new_int64((int64_t)id));
	json_object_object_add(rec, "phase", json_object_new_string(phase));
	json_object_object_add(rec, "time", json_object_new_int64((int64_t)time(NULL)));
	return rec;
}

int mint_journal_begin(struct mint_journal *j, const char *op, const char *by, json_object *intent,
		       uint64_t *id, struct mint_error *err)
{
	json_object *rec;
	int ret;

	*id = 0;
	if (j->fd < 0)
		return 0;
	pthread_mutex_lock(&j->lock);
	*id = j->next_id++;
	rec = new_record(*id, "begin");
	json_object_object_add(rec, "op", json_object_new_string(op));
	json_object_object_add(rec, "by", json_object_new_string(by ? by : ""));
	json_object_object_add(rec, "intent",
			       intent ? json_object_get(intent) : json_object_new_object());
	ret = append(j, rec, err);
	if (!ret)
		j->open++;
	pthread_mutex_unlock(&j->lock);
	json_object_put(rec);
	return ret;
}

int mint_journal_end(struct mint_journal *j, uint64_t id, const char *outcome, const char *detail,
		     struct mint_error *err)
{
	json_object *rec;
	int ret;

	if (j->fd < 0 || !id)
		return 0;
	rec = new_record(id, "end");
	json_object_object_add(rec, "outcome", json_object_new_string(outcome));
	if (detail && detail[0])
		json_object_object_add(rec, "detail", json_object_new_string(detail));
	pthread_mutex_lock(&j->lock);
	ret = append(j, rec, err);
	if (!ret && j->open)
		j->open--;
	pthread_mutex_unlock(&j->lock);
	json_object_put(rec);
	return ret;
}

int mint_journal_maybe_rotate(struct mint_journal *j, struct mint_error *err)
{
	struct stat st;
	int fd, ret = 0;

	if (j->fd < 0)
		return 0;
	pthread_mutex_lock(&j->lock);
	if (j->open || fstat(j->fd, &st) || st.st_size < MINT_JOURNAL_MAX_BYTES)
		goto out;
	if (renameat(j->dir_fd, MINT_JOURNAL_FILE, j->dir_fd, MINT_JOURNAL_OLD)) {
		ret = mint_fail_errno(err, MINT_E_SYSTEM, errno, "rotating the journal failed");
		goto out;
	}
	fd = openat(j->dir_fd, MINT_JOURNAL_FILE, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = mint_fail_errno(err, MINT_E_SYSTEM, errno, "reopening the journal failed");
		goto out;
	}
	close(j->fd);
	j->fd = fd;
	fsync(j->dir_fd);
out:
	pthread_mutex_unlock(&j->lock);
	return ret;
}
