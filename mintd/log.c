// SPDX-License-Identifier: GPL-2.0
#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>

static bool to_journal;

void log_init(void)
{
	/* systemd sets JOURNAL_STREAM when stderr is connected to the journal. */
	to_journal = getenv("JOURNAL_STREAM") != NULL;
}

void log_msg(int prio, const char *fmt, ...)
{
	static const char *const names[] = {"emerg",   "alert",	 "crit", "error",
					    "warning", "notice", "info", "debug"};
	va_list ap;

	va_start(ap, fmt);
	if (to_journal) {
		sd_journal_printv(prio, fmt, ap);
	} else {
		char up[32] = "";
		FILE *f = fopen("/proc/uptime", "r");

		if (f) {
			if (!fgets(up, sizeof(up), f))
				up[0] = 0;
			fclose(f);
		}
		up[strcspn(up, " ")] = 0;
		fprintf(stderr, "[%s] mintd: %s: ", up, names[prio & 7]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
