// SPDX-License-Identifier: GPL-2.0
#include "disk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libmount/libmount.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sysfs.h"
#include "sysroot.h"
#include "util.h"

/* ---- which controller, which disks ---- */

/* The PCI function in the sysfs path of a block device: the last component that is a BDF. */
static bool controller_of(const char *disk, struct mint_bdf *bdf)
{
	char link[PATH_MAX], real[PATH_MAX], *save = NULL;
	bool found = false;

	mint_path(link, "/sys/block/%s", disk);
	if (!realpath(link, real))
		return false;
	for (char *tok = strtok_r(real, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		struct mint_bdf b;

		if (strlen(tok) == MINT_BDF_STRLEN - 1 && !mint_parse_bdf(tok, &b, NULL)) {
			*bdf = b;
			found = true;
		}
	}
	return found;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

size_t mint_disk_list(const struct mint_bdf *bdf, mint_disk_name *names, size_t cap)
{
	char path[PATH_MAX];
	struct dirent *de;
	size_t n = 0;
	DIR *d = opendir(mint_path(path, "/sys/block"));

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < cap) {
		struct mint_bdf b;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= MINT_DISK_NAME_MAX ||
		    !controller_of(de->d_name, &b) || mint_bdf_cmp(&b, bdf))
			continue;
		snprintf(names[n++], MINT_DISK_NAME_MAX, "%s", de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	return n;
}

/* The disk a block device belongs to: itself, or its parent for a partition. */
static bool disk_of_blockdev(const char *blk, char *disk, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX], *slash;

	if (mint_path_exists(mint_path(path, "/sys/block/%s", blk)))
		return mint_fmt(disk, len, "%s", blk);
	if (!mint_path_exists(mint_path(path, "/sys/class/block/%s/partition", blk)))
		return false;
	mint_path(path, "/sys/class/block/%s", blk);
	if (!realpath(path, real) || !(slash = strrchr(real, '/')))
		return false;
	*slash = '\0';
	slash = strrchr(real, '/');
	return slash && mint_fmt(disk, len, "%s", slash + 1);
}

int mint_disk_resolve(const char *disk, struct mint_bdf *bdf, char *name, size_t len,
		      struct mint_error *err)
{
	char real[PATH_MAX];
	const char *blk = disk;

	name[0] = '\0';
	if (!disk[0])
		return mint_fail(err, MINT_E_INVALID, "no disk given");
	if (strchr(disk, ':') && !strchr(disk, '/')) {
		if (mint_parse_bdf(disk, bdf, err))
			return -1;
		return 0;
	}
	if (disk[0] == '/') {
		/* /dev/vdb, or a /dev/disk/by-* link to the disk or one of its partitions. */
		if (!realpath(disk, real))
			return mint_fail_errno(err, MINT_E_NOTFOUND, errno, "disk %s does not exist",
					       disk);
		if (strncmp(real, "/dev/", 5))
			return mint_fail(err, MINT_E_INVALID, "%s is not a block device (it is %s)",
					 disk, real);
		blk = real + 5;
	}
	if (strchr(blk, '/') || !disk_of_blockdev(blk, name, len))
		return mint_fail(err, MINT_E_NOTFOUND, "disk %s does not exist", disk);
	if (!controller_of(name, bdf))
		return mint_fail(err, MINT_E_UNSUPPORTED,
				 "disk %s is not on a PCI device (only PCI disk controllers move)",
				 disk);
	return 0;
}

/* ---- mounts ---- */

static bool read_devno(const char *sysdir, dev_t *out)
{
	char path[PATH_MAX], text[32];
	unsigned maj, min;

	if (!mint_fmt(path, sizeof(path), "%s/dev", sysdir) ||
	    mint_read_file(path, text, sizeof(text)) <= 0 || sscanf(text, "%u:%u", &maj, &min) != 2)
		return false;
	*out = makedev(maj, min);
	return true;
}

struct blockdev {
	dev_t devno;
	unsigned partno;
};

/* The disk itself (partno 0) and its partitions. */
static size_t blockdevs(const char *disk, struct blockdev *out, size_t cap)
{
	char sysdir[PATH_MAX], sub[PATH_MAX], path[PATH_MAX], num[16];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	mint_path(sysdir, "/sys/block/%s", disk);
	if (read_devno(sysdir, &out[n].devno))
		out[n++].partno = 0;
	d = opendir(sysdir);
	if (!d)
		return n;
	while ((de = readdir(d)) && n < cap) {
		if (strncmp(de->d_name, disk, strlen(disk)) ||
		    !mint_fmt(sub, sizeof(sub), "%s/%s", sysdir, de->d_name) ||
		    !mint_fmt(path, sizeof(path), "%s/partition", sub) ||
		    mint_read_file(path, num, sizeof(num)) <= 0 || !read_devno(sub, &out[n].devno))
			continue;
		out[n++].partno = (unsigned)strtoul(num, NULL, 10);
	}
	closedir(d);
	return n;
}

int mint_disk_mounts(const char *disk, struct mint_disk_mount *out, size_t cap, size_t *n,
		     struct mint_error *err)
{
	struct blockdev devs[64];
	size_t ndevs = blockdevs(disk, devs, ARRAY_SIZE(devs));
	struct libmnt_table *tb = mnt_new_table();
	struct libmnt_iter *itr = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	char path[PATH_MAX];
	int ret = 0;

	*n = 0;
	if (!tb || !itr || mnt_table_parse_file(tb, mint_path(path, "/proc/self/mountinfo"))) {
		ret = mint_fail(err, MINT_E_SYSTEM, "cannot read the mount table (%s)", path);
		goto out;
	}
	while (!ret && mnt_table_next_fs(tb, itr, &fs) == 0) {
		dev_t devno = mnt_fs_get_devno(fs);

		for (size_t i = 0; i < ndevs; i++) {
			struct mint_disk_mount *m;
			const char *opts = mnt_fs_get_vfs_options(fs), *type = mnt_fs_get_fstype(fs);

			if (devs[i].devno != devno)
				continue;
			if (*n == cap) {
				ret = mint_fail(err, MINT_E_UNSUPPORTED,
						"disk %s is mounted more than %zu times", disk, cap);
				break;
			}
			m = &out[(*n)++];
			memset(m, 0, sizeof(*m));
			snprintf(m->disk, sizeof(m->disk), "%s", disk);
			m->partno = devs[i].partno;
			if (!mint_fmt(m->target, sizeof(m->target), "%s", mnt_fs_get_target(fs)) ||
			    !mint_fmt(m->fstype, sizeof(m->fstype), "%s", type ? type : "") ||
			    !mint_fmt(m->options, sizeof(m->options), "%s", opts ? opts : ""))
				ret = mint_fail(err, MINT_E_UNSUPPORTED,
						"a mount of disk %s has a too long path or options",
						disk);
		}
	}
out:
	mnt_free_iter(itr);
	mnt_unref_table(tb);
	return ret;
}

int mint_disk_unmount(const struct mint_disk_mount *m, struct mint_error *err)
{
	if (umount2(m->target, 0) == 0)
		return 0;
	if (errno == EBUSY)
		return mint_fail_errno(err, MINT_E_BUSY, errno,
				       "%s is busy (a process has files open or its working "
				       "directory there); it stays mounted",
				       m->target);
	return mint_fail_errno(err, MINT_E_SYSTEM, errno, "unmounting %s failed: %s", m->target,
			       strerror(errno));
}

int mint_disk_flush(const char *disk, struct mint_error *err)
{
	char path[PATH_MAX];
	int fd = open(mint_path(path, "/dev/%s", disk), O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "cannot open %s: %s", path,
				       strerror(errno));
	if (fsync(fd) || ioctl(fd, BLKFLSBUF, 0)) {
		int e = errno;

		close(fd);
		return mint_fail_errno(err, MINT_E_SYSTEM, e, "flushing %s failed: %s", path,
				       strerror(e));
	}
	close(fd);
	return 0;
}

/* The device node of partition @partno of @disk (0: the disk). */
static bool partition_node(const char *disk, unsigned partno, char path[PATH_MAX])
{
	char sysdir[PATH_MAX], sub[PATH_MAX], num[16];
	struct dirent *de;
	bool found = false;
	DIR *d;

	if (!partno) {
		mint_path(path, "/dev/%s", disk);
		return true;
	}
	d = opendir(mint_path(sysdir, "/sys/block/%s", disk));
	while (d && !found && (de = readdir(d))) {
		char file[PATH_MAX];

		found = !strncmp(de->d_name, disk, strlen(disk)) &&
			mint_fmt(sub, sizeof(sub), "%s/%s", sysdir, de->d_name) &&
			mint_fmt(file, sizeof(file), "%s/partition", sub) &&
			mint_read_file(file, num, sizeof(num)) > 0 &&
			strtoul(num, NULL, 10) == partno;
		if (found)
			mint_path(path, "/dev/%s", de->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

static int make_dirs(const char *target, struct mint_error *err)
{
	char path[PATH_MAX];

	if (!mint_fmt(path, sizeof(path), "%s", target))
		return mint_fail(err, MINT_E_INVALID, "mount point too long");
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return mint_fail_errno(err, MINT_E_SYSTEM, errno, "cannot create %s: %s",
					       path, strerror(errno));
		*p = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		return mint_fail_errno(err, MINT_E_SYSTEM, errno, "cannot create %s: %s", path,
				       strerror(errno));
	return 0;
}

int mint_disk_mount(const char *disk, unsigned partno, const char *target, const char *fstype,
		    const char *options, struct mint_error *err)
{
	struct libmnt_context *cxt;
	char dev[PATH_MAX], why[256] = "";
	int rc;

	if (!partition_node(disk, partno, dev))
		return mint_fail(err, MINT_E_NOTFOUND, "disk %s has no partition %u", disk, partno);
	if (make_dirs(target, err))
		return -1;
	cxt = mnt_new_context();
	if (!cxt)
		return mint_fail(err, MINT_E_SYSTEM, "out of memory");
	mnt_context_disable_helpers(cxt, 1);
	mnt_context_set_source(cxt, dev);
	mnt_context_set_target(cxt, target);
	if (fstype && fstype[0])
		mnt_context_set_fstype(cxt, fstype);
	if (options && options[0])
		mnt_context_set_options(cxt, options);
	rc = mnt_context_mount(cxt);
	if (rc)
		mnt_context_get_excode(cxt, rc, why, sizeof(why));
	mnt_free_context(cxt);
	if (rc)
		return mint_fail(err, MINT_E_SYSTEM, "mounting %s on %s failed: %s", dev, target,
				 why[0] ? why : "libmount gave no reason");
	return 0;
}

size_t mint_disk_wait(const struct mint_bdf *bdf, unsigned ms, mint_disk_name *names, size_t cap)
{
	long long deadline = mint_now_ms() + ms;
	size_t n;

	while (!(n = mint_disk_list(bdf, names, cap)) && mint_now_ms() < deadline)
		mint_sleep_ms(100);
	/* The device node appears a moment after the sysfs entry (devtmpfs). */
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];

		while (!mint_path_exists(mint_path(path, "/dev/%s", names[i])) &&
		       mint_now_ms() < deadline)
			mint_sleep_ms(50);
	}
	return n;
}
