// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket. One thread (this loop) accepts connections and reads
 * requests; each call then runs in a thread of its own (call_thread), so a
 * long operation never holds up Status or other clients. No client can hold
 * the daemon:
 *   - a message that does not complete within PARTIAL_TIMEOUT_MS is dropped;
 *   - an unprivileged connection idle for IDLE_TIMEOUT_MS is closed;
 *   - unprivileged users share a small number of connections (per UID and in
 *     all), and root and the mint group always get through;
 *   - a client that stops reading its replies is cut off after SEND_TIMEOUT_S.
 * Calls on one connection are answered in order, one at a time (varlink).
 */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "access.h"
#include "call.h"
#include "log.h"
#include "service.h"
#include "util.h"
#include "varlink.h"

#define MAX_CONNS	       256
#define MAX_UNPRIV_CONNS       64  /* all unprivileged users together */
#define MAX_CONNS_PER_UID      8   /* one unprivileged user */
#define PARTIAL_TIMEOUT_MS     5000
#define IDLE_TIMEOUT_MS	       60000
#define SEND_TIMEOUT_S	       5
#define CALL_THREAD_STACK_SIZE (512 * 1024)

struct conn {
	int fd; /* -1: free slot */
	struct peer peer;
	struct mint_msgbuf in;
	long long partial_since; /* ms; 0 when no partial message is pending */
	long long last_active;	 /* ms */
	bool busy;		 /* a call of this connection runs in a thread */
	bool close_when_done;	 /* EOF or error while busy */
};

struct server {
	struct mintd *d;
	int listen_fd;
	int wake[2]; /* call threads write a connection index when they finish */
	struct conn conns[MAX_CONNS];
};

struct call_job {
	struct server *s;
	size_t index;
	struct call c;
	json_object *msg;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* ---- the listening socket ---- */

static int bind_socket(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[sizeof(sa.sun_path)];
	char *slash;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_msg(LOG_ERR, "socket path %s is too long", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST) {
			log_msg(LOG_ERR, "cannot create %s: %m", dir);
			return -1;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	/* The instance lock is held: a socket file left here belongs to a dead mintd. */
	unlink(path);
	/* Anyone may connect and ask for status; changes are checked per call. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0666) || listen(fd, 64)) {
		log_msg(LOG_ERR, "cannot listen on %s: %m", path);
		close(fd);
		return -1;
	}
	return fd;
}

int server_open(struct mintd *d)
{
	int n = sd_listen_fds(1);

	if (n > 1) {
		log_msg(LOG_ERR, "expected one socket from systemd, got %d", n);
		return -1;
	}
	d->socket_activated = n == 1;
	if (n == 1)
		return SD_LISTEN_FDS_START;
	return bind_socket(d->socket_path);
}

/* ---- connections ---- */

static void protocol_error(int fd, const char *message)
{
	json_object *reply = json_object_new_object(), *p = json_object_new_object();

	json_object_object_add(p, "message", json_object_new_string(message));
	json_object_object_add(reply, "error",
			       json_object_new_string(MINT_INTERFACE ".InvalidRequest"));
	json_object_object_add(reply, "parameters", p);
	mint_varlink_send(fd, reply);
	json_object_put(reply);
	log_msg(LOG_NOTICE, "rejected a request: %s", message);
}

static void drop_conn(struct conn *c)
{
	close(c->fd);
	mint_msgbuf_free(&c->in);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* Unprivileged connections: of this UID, and of all unprivileged users. */
static void count_unpriv(const struct server *s, uid_t uid, size_t *same, size_t *all)
{
	*same = *all = 0;
	for (size_t i = 0; i < MAX_CONNS; i++) {
		const struct conn *c = &s->conns[i];

		if (c->fd < 0 || c->peer.privileged)
			continue;
		(*all)++;
		*same += c->peer.uid == uid;
	}
}

/* Why @peer may not have one more connection, or NULL. */
static const char *over_limit(const struct server *s, const struct peer *peer, char *why,
			      size_t len)
{
	size_t same, all;

	if (peer->privileged)
		return NULL;
	count_unpriv(s, peer->uid, &same, &all);
	if (same >= MAX_CONNS_PER_UID)
		snprintf(why, len, "too many connections from uid %u (at most %d)",
			 (unsigned)peer->uid, MAX_CONNS_PER_UID);
	else if (all >= MAX_UNPRIV_CONNS)
		snprintf(why, len, "too many connections from unprivileged users (at most %d)",
			 MAX_UNPRIV_CONNS);
	else
		return NULL;
	return why;
}

static void accept_conn(struct server *s)
{
	struct timeval tv = {.tv_sec = SEND_TIMEOUT_S};
	struct peer peer;
	char why[128];
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	/* A client that stops reading must not hold the thread answering it. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	peer_identify(fd, &peer);
	if (over_limit(s, &peer, why, sizeof(why))) {
		protocol_error(fd, why);
		close(fd);
		return;
	}
	for (size_t i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &s->conns[i];

		if (c->fd >= 0)
			continue;
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->peer = peer;
		c->last_active = mint_now_ms();
		mint_msgbuf_init(&c->in);
		return;
	}
	protocol_error(fd, "too many connections");
	close(fd);
}

/* ---- calls ---- */

static bool get_bool(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

static void *call_thread(void *arg)
{
	struct call_job *job = arg;
	size_t index = job->index;
	ssize_t n;

	service_dispatch(&job->c);
	json_object_put(job->c.params);
	json_object_put(job->msg);
	do
		n = write(job->s->wake[1], &index, sizeof(index));
	while (n < 0 && errno == EINTR);
	free(job);
	return NULL;
}

/* Parse one message and start its call. false: the connection must be closed. */
static bool start_call(struct server *s, size_t index, const char *text)
{
	struct conn *cn = &s->conns[index];
	json_object *msg = json_tokener_parse(text), *method, *params = NULL;
	struct call_job *job;
	pthread_attr_t attr;
	pthread_t tid;
	int ret;

	if (!msg || !json_object_is_type(msg, json_type_object)) {
		json_object_put(msg);
		protocol_error(cn->fd, "the message is not a JSON object");
		return false;
	}
	if (!json_object_object_get_ex(msg, "method", &method) ||
	    !json_object_is_type(method, json_type_string)) {
		json_object_put(msg);
		protocol_error(cn->fd, "the message has no \"method\" string");
		return false;
	}
	if (json_object_object_get_ex(msg, "parameters", &params) &&
	    !json_object_is_type(params, json_type_object)) {
		json_object_put(msg);
		protocol_error(cn->fd, "\"parameters\" must be an object");
		return false;
	}
	job = calloc(1, sizeof(*job));
	if (!job) {
		json_object_put(msg);
		protocol_error(cn->fd, "mintd is out of memory");
		return false;
	}
	job->s = s;
	job->index = index;
	job->msg = msg;
	job->c = (struct call){
	    .d = s->d,
	    .fd = cn->fd,
	    .from_node = -1,
	    .method = json_object_get_string(method),
	    .params = params ? json_object_get(params) : json_object_new_object(),
	    .more = get_bool(msg, "more"),
	    .oneway = get_bool(msg, "oneway"),
	    .may_modify = cn->peer.privileged,
	    .uid = cn->peer.uid,
	    .pid = cn->peer.pid,
	};
	cn->busy = true;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, CALL_THREAD_STACK_SIZE);
	ret = pthread_create(&tid, &attr, call_thread, job);
	pthread_attr_destroy(&attr);
	if (ret) {
		cn->busy = false;
		json_object_put(job->c.params);
		json_object_put(msg);
		free(job);
		protocol_error(cn->fd, "mintd cannot start a thread for the call");
		return false;
	}
	return true;
}

/* Start the next whole message of an idle connection, if there is one. */
static bool next_message(struct server *s, size_t index)
{
	struct conn *c = &s->conns[index];
	char *text;
	int r = mint_msgbuf_next(&c->in, &text);
	bool keep = true;

	if (r < 0) {
		protocol_error(c->fd, "the message is larger than 1 MiB");
		return false;
	}
	if (r == 1) {
		keep = start_call(s, index, text);
		free(text);
	}
	c->partial_since = c->in.len ? (c->partial_since ? c->partial_since : mint_now_ms()) : 0;
	return keep;
}

static void read_conn(struct server *s, size_t index)
{
	struct conn *c = &s->conns[index];
	ssize_t n = mint_msgbuf_fill(&c->in, c->fd);

	if (n <= 0) {
		drop_conn(c);
		return;
	}
	c->last_active = mint_now_ms();
	if (!c->partial_since)
		c->partial_since = c->last_active;
	if (!next_message(s, index))
		drop_conn(c);
}

/* A call thread finished: answer the connection's next message, or close it. */
static void call_done(struct server *s)
{
	size_t index;
	ssize_t n = read(s->wake[0], &index, sizeof(index));
	struct conn *c;

	if (n != sizeof(index) || index >= MAX_CONNS)
		return;
	c = &s->conns[index];
	c->busy = false;
	c->last_active = mint_now_ms();
	if (c->close_when_done || !next_message(s, index))
		drop_conn(c);
}

/* Drop connections that hold a partial message too long, or idle unprivileged ones. */
static void expire(struct server *s)
{
	long long now = mint_now_ms();

	for (size_t i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &s->conns[i];

		if (c->fd < 0 || c->busy)
			continue;
		if (c->partial_since && now - c->partial_since > PARTIAL_TIMEOUT_MS) {
			protocol_error(c->fd, "the message did not complete within 5 s");
			drop_conn(c);
		} else if (!c->peer.privileged && !c->partial_since &&
			   now - c->last_active > IDLE_TIMEOUT_MS) {
			drop_conn(c);
		}
	}
}

/* ---- the loop ---- */

static int poll_once(struct server *s)
{
	struct pollfd pfd[MAX_CONNS + 2];
	size_t map[MAX_CONNS], n = 2;

	pfd[0] = (struct pollfd){.fd = s->listen_fd, .events = POLLIN};
	pfd[1] = (struct pollfd){.fd = s->wake[0], .events = POLLIN};
	for (size_t i = 0; i < MAX_CONNS; i++) {
		/* A busy connection is not read: its next call waits for this one. */
		if (s->conns[i].fd < 0 || s->conns[i].busy)
			continue;
		map[n - 2] = i;
		pfd[n++] = (struct pollfd){.fd = s->conns[i].fd, .events = POLLIN};
	}
	if (poll(pfd, n, 1000) < 0)
		return errno == EINTR ? 0 : -1;
	if (pfd[1].revents & POLLIN)
		call_done(s);
	for (size_t k = 2; k < n; k++) {
		struct conn *c = &s->conns[map[k - 2]];

		/* call_done() may have closed or reused the slot meanwhile. */
		if (!pfd[k].revents || c->fd != pfd[k].fd || c->busy)
			continue;
		read_conn(s, map[k - 2]);
	}
	if (pfd[0].revents & POLLIN)
		accept_conn(s);
	expire(s);
	return 0;
}

static bool calls_running(const struct server *s)
{
	for (size_t i = 0; i < MAX_CONNS; i++)
		if (s->conns[i].fd >= 0 && s->conns[i].busy)
			return true;
	return false;
}

int server_run(struct mintd *d, int listen_fd)
{
	static struct server s;
	struct sigaction sa = {.sa_handler = on_signal};
	int ret = 0;

	s.d = d;
	s.listen_fd = listen_fd;
	if (pipe2(s.wake, O_CLOEXEC)) {
		log_msg(LOG_ERR, "pipe: %m");
		return -1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < MAX_CONNS; i++)
		s.conns[i].fd = -1;

	sd_notify(0, "READY=1\nSTATUS=serving " MINT_INTERFACE);
	log_msg(LOG_INFO, "serving %s on %s", MINT_INTERFACE,
		d->socket_activated ? "the socket passed by systemd" : d->socket_path);
	while (!stopping)
		if (poll_once(&s)) {
			log_msg(LOG_ERR, "poll: %m");
			ret = -1;
			break;
		}
	sd_notify(0, "STOPPING=1");
	/*
	 * Calls that change the machine finish before mintd goes (their plans roll
	 * back or complete); none may still run when mintd_fini() lets go of the table.
	 */
	while (calls_running(&s)) {
		struct pollfd p = {.fd = s.wake[0], .events = POLLIN};

		if (poll(&p, 1, 1000) > 0)
			call_done(&s);
	}
	for (size_t i = 0; i < MAX_CONNS; i++)
		if (s.conns[i].fd >= 0)
			drop_conn(&s.conns[i]);
	/* A socket we bound ourselves goes with us; systemd's stays with systemd. */
	if (!d->socket_activated)
		unlink(d->socket_path);
	log_msg(LOG_INFO, "stopped");
	return ret;
}
