/* SPDX-License-Identifier: GPL-2.0 */
/* The Status reply: this node, the nodes of the resource table, CPUs, memory and devices. */
#ifndef MINTD_STATUS_H
#define MINTD_STATUS_H

#include <json-c/json.h>

#include "mintd.h"
#include "service.h"

/* The reply's types, for the interface description. */
extern const struct vtype *const status_types[];

/* Build the Status reply (a new object) or fail with @err. */
json_object *status_build(struct mintd *d, struct mint_error *err);

#endif
