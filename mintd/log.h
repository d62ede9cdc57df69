/* SPDX-License-Identifier: GPL-2.0 */
/* mintd logging: the journal under systemd, stderr otherwise. */
#ifndef MINTD_LOG_H
#define MINTD_LOG_H

#include <syslog.h>

void log_init(void);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
