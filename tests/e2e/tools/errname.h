/* SPDX-License-Identifier: GPL-2.0 */
/*
 * errno names for the e2e tools' messages: scenarios check for "(EPERM)",
 * which does not depend on the C library's wording of strerror().
 */
#ifndef E2E_ERRNAME_H
#define E2E_ERRNAME_H

/* "EPERM" for EPERM; "errno N" for a number the table does not know (in a static buffer). */
const char *e2e_errname(int e);

#endif
