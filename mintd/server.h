/* SPDX-License-Identifier: GPL-2.0 */
/* The control socket: accept clients, frame messages, check credentials, dispatch. */
#ifndef MINTD_SERVER_H
#define MINTD_SERVER_H

#include "mintd.h"

/* The listening socket: from systemd (socket activation) or bound at d->socket_path. */
int server_open(struct mintd *d);
/* Serve until SIGTERM/SIGINT. */
int server_run(struct mintd *d, int listen_fd);

#endif
