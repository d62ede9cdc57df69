// SPDX-License-Identifier: GPL-2.0
#include "sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int mint_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return (int)n;
}

int mint_read_u64(const char *path, int base, uint64_t *val)
{
	char buf[64], *end;

	if (mint_read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	errno = 0;
	*val = strtoull(buf, &end, base);
	if (errno || end == buf || *end) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

bool mint_path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int mint_write_attr(const char *path, const char *val, const char *what, struct mint_error *err)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, e;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		return mint_fail(err, MINT_E_SYSTEM, "%s: cannot open %s: %s", what, path,
				 strerror(e));
	}
	n = write(fd, val, len);
	e = errno;
	close(fd);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		e = EIO;
	return mint_fail(err, (e == EBUSY || e == EAGAIN) ? MINT_E_BUSY : MINT_E_SYSTEM,
			 "%s: writing \"%s\" to %s failed: %s", what, val, path, strerror(e));
}

int mint_link_basename(const char *path, char *buf, size_t len)
{
	char target[4096];
	const char *base;
	ssize_t n;

	buf[0] = '\0';
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	snprintf(buf, len, "%s", base);
	return 0;
}
