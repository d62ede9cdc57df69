// SPDX-License-Identifier: GPL-2.0
#include "module.h"

#include <errno.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* libkmod's own messages would go to stderr; failures reach the caller through mint_error. */
static void quiet_log(void *data, int priority, const char *file, int line, const char *fn,
		      const char *format, va_list args)
{
	(void)data, (void)priority, (void)file, (void)line, (void)fn, (void)format, (void)args;
}

static struct kmod_ctx *open_ctx(struct mint_error *err)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);

	if (!ctx) {
		mint_fail(err, MINT_E_SYSTEM, "libkmod: cannot create a context");
		return NULL;
	}
	kmod_set_log_fn(ctx, quiet_log, NULL);
	kmod_load_resources(ctx);
	return ctx;
}

bool mint_module_loaded(const char *name)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx = open_ctx(NULL);
	bool live = false;

	if (!ctx)
		return false;
	if (kmod_module_new_from_name(ctx, name, &mod) == 0) {
		int state = kmod_module_get_initstate(mod);

		live = state == KMOD_MODULE_LIVE || state == KMOD_MODULE_BUILTIN;
		kmod_module_unref(mod);
	}
	kmod_unref(ctx);
	return live;
}

int mint_module_load(const char *name, struct mint_error *err)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *ctx;
	int ret;

	ctx = open_ctx(err);
	if (!ctx)
		return -1;
	ret = kmod_module_new_from_lookup(ctx, name, &list);
	if (ret < 0 || !list) {
		kmod_unref(ctx);
		return mint_fail(err, MINT_E_NOTFOUND, "module %s not found", name);
	}
	kmod_list_foreach(l, list)
	{
		struct kmod_module *mod = kmod_module_get_module(l);

		ret = kmod_module_probe_insert_module(mod, KMOD_PROBE_IGNORE_LOADED, NULL, NULL,
						      NULL, NULL);
		kmod_module_unref(mod);
		if (ret < 0)
			break;
	}
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	if (ret < 0)
		return mint_fail(err, MINT_E_SYSTEM, "loading module %s failed: %s", name,
				 strerror(-ret));
	return 0;
}

static bool has_holders(struct kmod_module *mod, char *why, size_t whylen)
{
	struct kmod_list *holders = kmod_module_get_holders(mod);
	struct kmod_module *holder;

	if (!holders)
		return false;
	holder = kmod_module_get_module(holders);
	snprintf(why, whylen, "module %s is used by module %s", kmod_module_get_name(mod),
		 kmod_module_get_name(holder));
	kmod_module_unref(holder);
	kmod_module_unref_list(holders);
	return true;
}

int mint_module_unload_unused(const char *name, char *why, size_t whylen, struct mint_error *err)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	int ret, refcnt;

	why[0] = '\0';
	ctx = open_ctx(err);
	if (!ctx)
		return -1;
	if (kmod_module_new_from_name(ctx, name, &mod) < 0) {
		kmod_unref(ctx);
		return mint_fail(err, MINT_E_SYSTEM, "libkmod: cannot look up module %s", name);
	}
	ret = 0;
	if (kmod_module_get_initstate(mod) != KMOD_MODULE_LIVE)
		snprintf(why, whylen, "module %s is not loaded", name);
	else if ((refcnt = kmod_module_get_refcnt(mod)) != 0)
		snprintf(why, whylen, "module %s is still in use (%d references)", name, refcnt);
	else if (!has_holders(mod, why, whylen)) {
		ret = kmod_module_remove_module(mod, 0);
		if (ret < 0)
			ret = mint_fail(err, ret == -EBUSY ? MINT_E_BUSY : MINT_E_SYSTEM,
					"unloading module %s failed: %s", name, strerror(-ret));
		else
			ret = 1;
	}
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}
