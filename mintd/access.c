// SPDX-License-Identifier: GPL-2.0
#include "access.h"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>

/* Root, or a member of the "mint" group (primary or supplementary). */
static bool privileged(const struct ucred *cred)
{
	struct group *grp;
	struct passwd *pw;
	gid_t groups[256];
	int ngroups = 256;

	if (cred->uid == 0)
		return true;
	grp = getgrnam(MINT_GROUP);
	if (!grp)
		return false;
	if (cred->gid == grp->gr_gid)
		return true;
	pw = getpwuid(cred->uid);
	if (!pw || getgrouplist(pw->pw_name, pw->pw_gid, groups, &ngroups) < 0)
		return false;
	for (int i = 0; i < ngroups; i++)
		if (groups[i] == grp->gr_gid)
			return true;
	return false;
}

void peer_identify(int fd, struct peer *peer)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	peer->uid = (uid_t)-1;
	peer->pid = 0;
	peer->privileged = false;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return;
	peer->uid = cred.uid;
	peer->pid = cred.pid;
	peer->privileged = privileged(&cred);
}
