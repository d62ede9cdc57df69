/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel module loading and unloading through libkmod (Mint's "LKM unbinding"). */
#ifndef MINT_MODULE_H
#define MINT_MODULE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Loaded and live, or built into the kernel. */
bool mint_module_loaded(const char *name);
/* Load @name with its dependencies (like modprobe). Loaded already is success. */
int mint_module_load(const char *name, struct mint_error *err);
/*
 * Unload @name when nothing holds it (refcount 0, no holders). Returns 1 when
 * unloaded, 0 when left loaded because it is in use (@why says by what),
 * -1 on failure.
 */
int mint_module_unload_unused(const char *name, char *why, size_t whylen, struct mint_error *err);

#endif
