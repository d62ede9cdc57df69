/* SPDX-License-Identifier: GPL-2.0 */
/* Who is on the other end of a connection, and whether they may change the machine. */
#ifndef MINTD_ACCESS_H
#define MINTD_ACCESS_H

#include <stdbool.h>
#include <sys/types.h>

#define MINT_GROUP "mint"

struct peer {
	uid_t uid;
	pid_t pid;
	bool privileged; /* root, or a member of the mint group: may change the machine */
};

/* From SO_PEERCRED; an unidentifiable peer is unprivileged (uid -1). */
void peer_identify(int fd, struct peer *peer);

#endif
