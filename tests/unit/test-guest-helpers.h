/*
 * Helpers of the guest tests (test-guest*.c, test-virt.c): scratch trees, and result lookups on
 * top of those of tests/unit/kmod-tree.h (kt_obs_*, kt_item, kt_reason_has, kt_realdata).
 */
#pragma once

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../checks/check.h"
#include "facts.h"
#include "helpers.h"
#include "host.h"
#include "kmod-tree.h"
#include "macro.h"
#include "report.h"

/* An item about object whose reason contains text. */
static inline void g_item_has(const struct rthc_result *r, const char *object, const char *text)
{
	const struct rthc_item *it = kt_item(r, object);

	if (!it)
		fail_msg("%s: no item '%s' (%zu items)", r->check->id, object, r->nitems);
	else if (!strstr(it->reason, text))
		fail_msg("%s: item '%s' is \"%s\", wanted \"%s\"", r->check->id, object, it->reason,
			 text);
}

/* A result run in a context over root (guest mode); the caller frees the context. */
static inline const struct rthc_result *g_run(struct rthc_ctx **ctx, const char *root,
					      const char *id)
{
	*ctx = ctx_new(root, NULL, true);
	return run_check(*ctx, id);
}

/* Remove and free a scratch tree. */
static inline void g_tree_free(char *t)
{
	tmpdir_remove(t);
	free(t);
}

/* Remove a file under root. */
static inline int unlink_under(const char *root, const char *path)
{
	char full[PATH_MAX];

	snprintf(full, sizeof(full), "%s/%s", root, path);
	return unlink(full);
}

/*
 * A minimal x86 KVM guest in a fresh temp tree: 4 online vCPUs without SMT, the given cpuinfo
 * flags (the "hypervisor" flag is added) and command line. The caller adds the files under test.
 */
static inline char *g_tree(const char *flags, const char *cmdline)
{
	char *t = tmpdir_new();
	char buf[4096] = "";
	size_t n = 0;

	for (int c = 0; c < 4; c++) {
		char path[96], sib[8];

		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "processor\t: %d\nvendor_id\t: GenuineIntel\nmodel name\t: "
				      "Intel(R) Xeon(R) Gold 6338N CPU @ 2.20GHz\nflags\t\t: %s "
				      "hypervisor\n\n", c, flags);
		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", c);
		snprintf(sib, sizeof(sib), "%d\n", c);
		write_file(t, path, sib);
	}
	write_file(t, "proc/cpuinfo", buf);
	write_file(t, "proc/cmdline", cmdline);
	write_file(t, "sys/devices/system/cpu/possible", "0-3\n");
	write_file(t, "sys/devices/system/cpu/present", "0-3\n");
	write_file(t, "sys/devices/system/cpu/online", "0-3\n");
	return t;
}
