// SPDX-License-Identifier: GPL-2.0
#include "server.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "call.h"
#include "log.h"
#include "service.h"
#include "varlink.h"

#define MAX_CLIENTS 64
#define MINT_GROUP  "mint"

struct client {
	int fd;
	bool may_modify;
	uid_t uid;
	pid_t pid;
	struct mint_msgbuf in;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

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
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	/* Anyone may connect and ask for status; changes are checked per call. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0666) || listen(fd, 16)) {
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

/* Root, or a member of the "mint" group (primary or supplementary), may change things. */
static bool peer_may_modify(int fd, uid_t *uid, pid_t *pid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct group *grp;
	struct passwd *pw;
	gid_t groups[256];
	int ngroups = 256;

	*uid = (uid_t)-1;
	*pid = 0;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	*uid = cred.uid;
	*pid = cred.pid;
	if (cred.uid == 0)
		return true;
	grp = getgrnam(MINT_GROUP);
	if (!grp)
		return false;
	if (cred.gid == grp->gr_gid)
		return true;
	pw = getpwuid(cred.uid);
	if (!pw || getgrouplist(pw->pw_name, pw->pw_gid, groups, &ngroups) < 0)
		return false;
	for (int i = 0; i < ngroups; i++)
		if (groups[i] == grp->gr_gid)
			return true;
	return false;
}

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

static bool get_bool(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

/* Handle one message. Returns false when the connection must be closed. */
static bool handle_message(struct mintd *d, struct client *cl, const char *text)
{
	json_object *msg = json_tokener_parse(text), *method, *params = NULL;
	struct call c = {
	    .d = d, .fd = cl->fd, .may_modify = cl->may_modify, .uid = cl->uid, .pid = cl->pid};

	if (!msg || !json_object_is_type(msg, json_type_object)) {
		json_object_put(msg);
		protocol_error(cl->fd, "the message is not a JSON object");
		return false;
	}
	if (!json_object_object_get_ex(msg, "method", &method) ||
	    !json_object_is_type(method, json_type_string)) {
		json_object_put(msg);
		protocol_error(cl->fd, "the message has no \"method\" string");
		return false;
	}
	if (json_object_object_get_ex(msg, "parameters", &params) &&
	    !json_object_is_type(params, json_type_object)) {
		json_object_put(msg);
		protocol_error(cl->fd, "\"parameters\" must be an object");
		return false;
	}
	c.method = json_object_get_string(method);
	c.params = params ? json_object_get(params) : json_object_new_object();
	c.more = get_bool(msg, "more");
	c.oneway = get_bool(msg, "oneway");
	service_dispatch(&c);
	json_object_put(c.params);
	json_object_put(msg);
	return true;
}

/* Read what the client sent and answer every whole message. False: close it. */
static bool serve_client(struct mintd *d, struct client *cl)
{
	ssize_t n = mint_msgbuf_fill(&cl->in, cl->fd);
	char *text;
	int r;

	if (n <= 0)
		return false;
	while ((r = mint_msgbuf_next(&cl->in, &text)) == 1) {
		bool keep = handle_message(d, cl, text);

		free(text);
		if (!keep)
			return false;
	}
	if (r < 0) {
		protocol_error(cl->fd, "the message is larger than 1 MiB");
		return false;
	}
	return true;
}

static void drop_client(struct client *cl)
{
	close(cl->fd);
	mint_msgbuf_free(&cl->in);
	cl->fd = -1;
}

static void accept_client(struct client *clients, int listen_fd)
{
	struct timeval tv = {.tv_sec = 5};
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	/* A client that stops reading must not wedge the daemon. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i].fd >= 0)
			continue;
		clients[i].fd = fd;
		clients[i].may_modify = peer_may_modify(fd, &clients[i].uid, &clients[i].pid);
		mint_msgbuf_init(&clients[i].in);
		return;
	}
	protocol_error(fd, "too many clients");
	close(fd);
}

int server_run(struct mintd *d, int listen_fd)
{
	struct client clients[MAX_CLIENTS];
	struct pollfd pfd[MAX_CLIENTS + 1];
	struct sigaction sa = {.sa_handler = on_signal};

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < MAX_CLIENTS; i++)
		clients[i].fd = -1;

	sd_notify(0, "READY=1\nSTATUS=serving " MINT_INTERFACE);
	log_msg(LOG_INFO, "serving %s on %s", MINT_INTERFACE,
		d->socket_activated ? "the socket passed by systemd" : d->socket_path);
	while (!stopping) {
		pfd[0] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
		for (int i = 0; i < MAX_CLIENTS; i++)
			pfd[i + 1] = (struct pollfd){.fd = clients[i].fd, .events = POLLIN};
		if (poll(pfd, MAX_CLIENTS + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERR, "poll: %m");
			return -1;
		}
		for (int i = 0; i < MAX_CLIENTS; i++)
			if (clients[i].fd >= 0 && pfd[i + 1].revents &&
			    !serve_client(d, &clients[i]))
				drop_client(&clients[i]);
		if (pfd[0].revents & POLLIN)
			accept_client(clients, listen_fd);
	}
	sd_notify(0, "STOPPING=1");
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0)
			drop_client(&clients[i]);
	/* A socket we bound ourselves goes with us; systemd's stays with systemd. */
	if (!d->socket_activated)
		unlink(d->socket_path);
	log_msg(LOG_INFO, "stopped");
	return 0;
}
