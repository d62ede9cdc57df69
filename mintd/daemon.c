// SPDX-License-Identifier: GPL-2.0
/* The daemon's life: start-up (which node, saved state, reconciliation) and shared helpers. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intent.h"
#include "log.h"
#include "mintd.h"
#include "ops.h"
#include "pcidev.h"
#include "peer.h"
#include "sysroot.h"
#include "util.h"
#include "watch.h"

void mintd_warn(struct mintd *d, const char *fmt, ...)
{
	char msg[MINTD_WARNING_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(LOG_WARNING, "%s", msg);
	pthread_mutex_lock(&d->lock);
	if (d->nwarnings < MINTD_MAX_WARNINGS)
		memcpy(d->warnings[d->nwarnings++], msg, sizeof(msg));
	pthread_mutex_unlock(&d->lock);
}

int mintd_save_state(struct mintd *d, struct mint_error *err)
{
	struct mint_error local = {0};
	int ret;

	if (!err)
		err = &local;
	pthread_mutex_lock(&d->lock);
	memcpy(d->state.apic_ids, d->apic_cache, sizeof(d->state.apic_ids));
	ret = mint_state_save(d->state_dir, &d->state, err);
	pthread_mutex_unlock(&d->lock);
	if (ret)
		log_msg(LOG_ERR, "%s", err->msg);
	return ret;
}

struct mint_state *mintd_state_begin(struct mintd *d, struct mint_error *err)
{
	struct mint_state *saved = malloc(sizeof(*saved));

	if (!saved) {
		mint_fail(err, MINT_E_SYSTEM, "out of memory");
		return NULL;
	}
	pthread_mutex_lock(&d->lock);
	*saved = d->state;
	return saved;
}

int mintd_state_commit(struct mintd *d, struct mint_state *saved, struct mint_error *err)
{
	struct mint_error local = {0};
	int ret;

	if (!err)
		err = &local;
	memcpy(d->state.apic_ids, d->apic_cache, sizeof(d->state.apic_ids));
	ret = mint_state_save(d->state_dir, &d->state, err);
	if (ret) {
		/* Without a record of it the change would be forgotten: the caller undoes it. */
		d->state = *saved;
		log_msg(LOG_ERR, "%s", err->msg);
	}
	pthread_mutex_unlock(&d->lock);
	free(saved);
	return ret;
}

int mintd_lock_instance(struct mintd *d, struct mint_error *err)
{
	char path[PATH_MAX], pid[32] = "";
	int fd;

	if (!mint_fmt(path, sizeof(path), "%s/mintd.lock", d->state_dir))
		return mint_fail(err, MINT_E_INVALID, "state directory %s: path too long",
				 d->state_dir);
	if (mkdir(d->state_dir, 0755) && errno != EEXIST)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "cannot create %s: %s",
				       d->state_dir, strerror(errno));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "cannot open %s: %s", path,
				       strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int e = errno;
		ssize_t n;

		if (e != EWOULDBLOCK) {
			close(fd);
			return mint_fail_errno(err, MINT_E_SYSTEM, e, "cannot lock %s: %s", path,
					       strerror(e));
		}
		n = pread(fd, pid, sizeof(pid) - 1, 0);

		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
		return mint_fail(err, MINT_E_BUSY,
				 "another mintd%s%s is already running on this node (it holds %s)",
				 pid[0] ? " with pid " : "", pid, path);
	}
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, pid, strlen(pid), 0) < 0)
		log_msg(LOG_WARNING, "cannot write the pid into %s: %m", path);
	d->lock_fd = fd;
	return 0;
}

int mintd_init(struct mintd *d, struct mint_error *err)
{
	struct mint_error state_err = {0};
	char path[PATH_MAX];

	d->dev.fd = -1;
	d->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->stop_fd < 0)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "eventfd: %s", strerror(errno));
	pthread_mutex_init(&d->lock, NULL);
	pthread_mutex_init(&d->op_lock, NULL);
	mint_state_init(&d->state);
	if (access(mint_path(path, MINT_DEV_PATH), F_OK) == 0) {
		if (mint_dev_open(&d->dev, err))
			return -1;
		d->mint_kernel = true;
		d->self = (int)d->dev.info.node_id;
		log_msg(LOG_INFO, "Mint kernel: this is node%d", d->self);
	}
	if (mint_state_load(d->state_dir, &d->state, &state_err))
		mintd_warn(d, "%s; starting with an empty state", state_err.msg);
	/* APIC IDs of CPUs that are offline now are known only from earlier runs. */
	memcpy(d->apic_cache, d->state.apic_ids, sizeof(d->apic_cache));
	/* Finish or undo what a crashed mintd left in flight, then compare with sysfs. */
	intent_open(d);
	ops_recover(d);
	ops_reconcile(d);
	return 0;
}

void mintd_stop(struct mintd *d)
{
	uint64_t one = 1;

	/* Never read: the eventfd stays readable, every later poll() returns at once. */
	if (d->stop_fd >= 0 && write(d->stop_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_msg(LOG_ERR, "cannot wake mintd's threads: %m");
}

bool mintd_sleep(struct mintd *d, long ms)
{
	struct pollfd p = {.fd = d->stop_fd, .events = POLLIN};
	long long end = mint_now_ms() + ms;

	for (;;) {
		long long left = end - mint_now_ms();
		int n = poll(&p, 1, left > 0 ? (int)left : 0);

		if (n > 0)
			return true;
		if (n == 0)
			return false;
		if (errno != EINTR) {
			mint_sleep_ms(left > 0 ? (long)left : 0);
			return false;
		}
	}
}

void mintd_fini(struct mintd *d)
{
	/*
	 * The threads go first: they read the mapped resource table and use the
	 * channel and d, so none may still run when those go. (A thread that
	 * touched the table after munmap() crashed mintd at exit; under ASan the
	 * crash report and the exit-time leak check deadlocked and mintd hung.)
	 */
	peer_stop(d);
	watch_stop(d);
	if (d->lock_fd > 0)
		close(d->lock_fd);
	d->lock_fd = -1;
	mint_pci_cleanup();
	if (d->mint_kernel)
		mint_dev_close(&d->dev);
	if (d->stop_fd >= 0)
		close(d->stop_fd);
	d->stop_fd = -1;
}
