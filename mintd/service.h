/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The varlink service: the table of methods (each declared once, with its
 * parameters, reply type and documentation), dispatch of calls through that
 * table, and the interface description generated from it.
 *
 * Adding a method: a `const struct method` next to its function, plus one
 * line in the table in service.c.
 */
#ifndef MINTD_SERVICE_H
#define MINTD_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "call.h"
#include "param.h"
#include "varlink.h"

/* A type the interface description declares, e.g. "Cpu" and its fields. */
struct vtype {
	const char *name;
	const char *doc;    /* "# ..." lines without the "# ", '\n'-separated; may be NULL */
	const char *fields; /* "(id: int, online: bool)" */
};

struct method {
	const char *interface; /* MINT_INTERFACE or "org.varlink.service" */
	const char *name;      /* "ReleaseCpus" */
	const char *doc;       /* as in struct vtype */
	const struct param_spec *params;
	size_t nparams;
	const char *returns;		   /* "(cpus: []int)" */
	const struct vtype *const *types;  /* types the reply uses, NULL-terminated; may be NULL */
	size_t args_size;		   /* bytes of the struct params are decoded into */
	bool modifies;			   /* only root and the mint group may call it */
	void (*run)(struct call *c, void *args);
};

/* The methods, in the order the description lists them. */
const struct method *const *service_methods(size_t *n);
const struct method *service_find(const char *full_name);

/* Check permission and parameters, then run the method (or answer with a varlink error). */
void service_dispatch(struct call *c);

/* The varlink interface description of MINT_INTERFACE (malloc'd). */
char *service_description(void);

#endif
