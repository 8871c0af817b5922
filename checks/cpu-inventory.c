/* CPU inventory and partitioning checks (spec/checks.md §2). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu-inventory.h"
#include "iso-kernel.h"
#include "util.h"

/* Set an error result when the topology could not be read at all. */
static bool topology_ok(const struct rthc_facts *f, struct rthc_result *r)
{
	if (!f->topology.err.err)
		return true;
	rthc_result_error(r, f->topology.err.err, f->topology.err.path);
	return false;
}

static void inventory(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_topology *t = &ctx->facts->topology;
	_cleanup_free_ char *online = NULL, *offline = NULL;

	if (!topology_ok(ctx->facts, r))
		return;
	rthc_observe_cpus(r, "possible", &t->possible);
	rthc_observe_cpus(r, "present", &t->present);
	rthc_observe_cpus(r, "online", &t->online);
	rthc_observe_cpus(r, "offline", &t->offline);
	rthc_observe_int(r, "sockets", t->sockets);
	rthc_observe_int(r, "cores", t->cores);
	rthc_observe_int(r, "threads_per_core", t->threads_per_core);
	rthc_observe_int(r, "numa_nodes", (int64_t)t->nnodes);
	for (size_t i = 0; i < t->nnodes; i++) {
		_cleanup_free_ char *s = rthc_cpuset_str(&t->nodes[i].cpus);
		char obj[32];

		snprintf(obj, sizeof(obj), "node %u", t->nodes[i].id);
		rthc_item(r, obj, "CPUs %s", cpus_or_none(s));
	}
	if (t->bad.err)
		rthc_evidence(r, t->bad.path, "unreadable or malformed: %s", strerror(-t->bad.err));
	online = rthc_cpuset_str(&t->online);
	offline = rthc_cpuset_str(&t->offline);
	rthc_info(r,
		  "%u CPUs online (%s), offline %s; %u socket%s, %u core%s, %u thread%s per core, "
		  "%zu NUMA node%s",
		  rthc_cpuset_count(&t->online), cpus_or_none(online), cpus_or_none(offline),
		  t->sockets, t->sockets == 1 ? "" : "s", t->cores, t->cores == 1 ? "" : "s",
		  t->threads_per_core, t->threads_per_core == 1 ? "" : "s", t->nnodes,
		  t->nnodes == 1 ? "" : "s");
}

static void iso_offline(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	struct rthc_cpuset listed = RTHC_CPUSET_INIT, off = RTHC_CPUSET_INIT;
	_cleanup_free_ char *s = NULL;
	int err;

	if (!topology_ok(f, r))
		return;
	/* ISO plus what the command line lists (the kernel keeps offline CPUs in its masks). */
	err = rthc_cpuset_copy(&listed, &iso->isolated);
	if (err >= 0 && iso->isolcpus.present && !iso->isolcpus.err)
		err = rthc_cpuset_or(&listed, &iso->isolcpus.cpus);
	if (err >= 0 && iso->nohz_full.present && !iso->nohz_full.err)
		err = rthc_cpuset_or(&listed, &iso->nohz_full.cpus);
	if (err >= 0)
		err = rthc_cpuset_copy(&off, &listed);
	if (err < 0) {
		rthc_result_errorf(r, err, "out of memory");
		goto out;
	}
	rthc_cpuset_andnot(&off, &f->topology.online);
	/* Nothing isolated is a finding only when the inputs could be read. */
	if (rthc_cpuset_empty(&listed) && !rthc_iso_inputs_ok(ctx, r))
		goto out;
	rthc_expect_cpus(r, "isolated_offline", &(struct rthc_cpuset)RTHC_CPUSET_INIT);
	rthc_observe_cpus(r, "isolated", &listed);
	rthc_observe_cpus(r, "isolated_offline", &off);
	if (rthc_cpuset_empty(&listed)) {
		rthc_pass(r, "no CPU is isolated");
	} else if (rthc_cpuset_empty(&off)) {
		s = rthc_cpuset_str(&listed);
		rthc_pass(r, "every isolated CPU (%s) is online", cpus_or_none(s));
	} else {
		s = rthc_cpuset_str(&off);
		rthc_items_cpus(r, &off, "isolated but not online");
		rthc_warn(r, "isolated CPUs %s are not online (often SMT siblings after nosmt)",
			  cpus_or_none(s));
		rthc_remedy(r, false, true,
			    "drop the offline CPUs from the isolation lists, or bring them online");
		rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", NULL);
	}
out:
	rthc_cpuset_done(&listed);
	rthc_cpuset_done(&off);
}

static void hk_per_node(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_facts *f = ctx->facts;
	const struct rthc_isolation *iso = &f->isolation;
	unsigned bad = 0, judged = 0;
	struct rthc_kvlist **nodes;

	if (!topology_ok(f, r))
		return;
	if (f->topology.nnodes == 0) {
		rthc_na(r, "no NUMA node information (/sys/devices/system/node is absent)");
		return;
	}
	if (rthc_cpuset_empty(&iso->isolated)) {
		if (rthc_iso_inputs_ok(ctx, r))
			rthc_pass(r, "no CPU is isolated: every node keeps its CPUs for "
				     "housekeeping");
		return;
	}
	nodes = rthc_kv_add_object(r, &r->observed, "housekeeping_per_node");
	for (size_t i = 0; i < f->topology.nnodes; i++) {
		const struct rthc_node *n = &f->topology.nodes[i];
		unsigned hk = 0;
		char key[32];
		int c;

		if (!rthc_cpuset_intersects(&n->cpus, &iso->isolated))
			continue;
		judged++;
		rthc_cpuset_foreach (c, &n->cpus)
			hk += rthc_cpuset_test(&iso->housekeeping, (unsigned)c);
		snprintf(key, sizeof(key), "%u", n->id);
		if (nodes)
			rthc_kv_add_int(r, nodes, key, hk);
		if (!hk) {
			snprintf(key, sizeof(key), "node %u", n->id);
			rthc_item(r, key, "has isolated CPUs but no online housekeeping CPU");
			bad++;
		}
	}
	rthc_expect_int(r, "nodes_without_housekeeping", 0);
	rthc_observe_int(r, "nodes_without_housekeeping", bad);
	if (!bad) {
		rthc_pass(r,
			  "each of the %u NUMA node%s with isolated CPUs keeps a housekeeping CPU",
			  judged, judged == 1 ? "" : "s");
		return;
	}
	rthc_warn(r,
		  "%u NUMA node%s with isolated CPUs ha%s no housekeeping CPU: managed IRQs, "
		  "kswapd and per-node work go cross-node or onto isolated CPUs",
		  bad, bad == 1 ? "" : "s", bad == 1 ? "s" : "ve");
	rthc_remedy(r, false, true,
		    "keep at least one core per NUMA node out of the isolation lists");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "isolcpus", NULL);
}

bool rthc_cpuinfo_is_x86(const char *cpuinfo)
{
	for (const char *p = cpuinfo; p && *p;) {
		if (strneq(p, "flags", 5) && (p[5] == '\t' || p[5] == ' ' || p[5] == ':'))
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

static void host_flags(struct rthc_ctx *ctx, struct rthc_result *r)
{
	static const char *const extra[] = { "constant_tsc", "nonstop_tsc", "tsc_deadline_timer",
					     "x2apic" };
	const struct rthc_facts *f = ctx->facts;
	bool vmx, svm;
	char missing[128] = "";

	if (!f->cpuinfo) {
		rthc_result_error(r, f->cpuinfo_err.err ? f->cpuinfo_err.err : -ENODATA,
				  "/proc/cpuinfo");
		return;
	}
	if (!rthc_cpuinfo_is_x86(f->cpuinfo)) {
		rthc_na(r, "not an x86 host (/proc/cpuinfo has no flags line): vmx/svm do not apply");
		return;
	}
	vmx = rthc_facts_cpu_flag(f, "vmx");
	svm = rthc_facts_cpu_flag(f, "svm");
	rthc_expect_bool(r, "virtualization", true);
	rthc_observe_bool(r, "vmx", vmx);
	rthc_observe_bool(r, "svm", svm);
	for (size_t i = 0; i < ARRAY_SIZE(extra); i++) {
		bool has = rthc_facts_cpu_flag(f, extra[i]);

		rthc_observe_bool(r, extra[i], has);
		if (!has) {
			size_t l = strlen(missing);

			snprintf(missing + l, sizeof(missing) - l, "%s%s", l ? ", " : "", extra[i]);
		}
	}
	if (!vmx && !svm) {
		rthc_fail(r, "the CPUs show neither vmx nor svm: hardware virtualization is off in "
			     "the firmware or not exposed");
		rthc_remedy(r, false, true, "enable VT-x (Intel) or AMD-V/SVM in the BIOS");
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, "BIOS", "VT-x/AMD-V on");
		return;
	}
	if (*missing)
		rthc_info(r, "%s present; missing RT-relevant flags: %s", vmx ? "vmx" : "svm",
			  missing);
	else
		rthc_info(r,
			  "%s present, with constant_tsc, nonstop_tsc, tsc_deadline_timer and "
			  "x2apic",
			  vmx ? "vmx" : "svm");
}

const struct rthc_check rthc_checks_cpu_inventory[] = {
	{
		.id = "cpu.inventory",
		.title = "CPU topology",
		.category = RTHC_CAT_CPU,
		.modes = RTHC_MODE_BOTH,
		.reads = "/sys/devices/system/cpu/{possible,present,online,offline}; "
			 "cpuN/topology/*; /sys/devices/system/node/node*/cpulist",
		.why = "Every mask and list is written against this topology; IDs are often "
		       "interleaved across sockets and SMT siblings.",
		.pass = "reported (info)",
		.remedy = "none",
		.sources = "[LV]",
		.run = inventory,
	},
	{
		.id = "cpu.iso_offline",
		.title = "Isolated CPUs are online",
		.category = RTHC_CAT_CPU,
		.modes = RTHC_MODE_BOTH,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "the isolated set (sysfs and isolcpus=/nohz_full= on /proc/cmdline); "
			 "/sys/devices/system/cpu/online",
		.why = "A listed CPU that is not online (often an SMT sibling after nosmt) means "
		       "the lists were written for another topology; tuned refuses such "
		       "isolated_cores.",
		.pass = "every isolated or listed CPU is online",
		.remedy = "fix the lists, or bring the CPUs online",
		.sources = "[T-RT]",
		.run = iso_offline,
	},
	{
		.id = "cpu.hk_per_node",
		.title = "Every NUMA node with isolated CPUs keeps a housekeeping CPU",
		.category = RTHC_CAT_CPU,
		.modes = RTHC_MODE_HOST,
		.flags = RTHC_CHECK_REBOOT,
		.reads = "/sys/devices/system/node/node*/cpulist; the isolated and housekeeping "
			 "sets",
		.why = "A node without a housekeeping CPU sends its managed IRQs, kswapd/kcompactd "
		       "and per-node work across nodes or onto isolated CPUs.",
		.pass = "each node with isolated CPUs has at least one online housekeeping CPU "
			"(libvirt's example keeps two); not applicable without NUMA information",
		.remedy = "BOOT: keep a core per node out of the isolation lists",
		.sources = "[UBU-VM] [LV] [T-RVH]",
		.run = hk_per_node,
	},
	{
		.id = "cpu.host_flags",
		.title = "The CPUs offer hardware virtualization",
		.category = RTHC_CAT_CPU,
		.modes = RTHC_MODE_HOST,
		.reads = "/proc/cpuinfo flags: vmx, svm, constant_tsc, nonstop_tsc, "
			 "tsc_deadline_timer, x2apic",
		.why = "KVM needs VT-x or AMD-V; the TSC and timer flags decide whether guests get "
		       "a stable clock and TSC-deadline timers.",
		.pass = "vmx or svm present (info with the other flags); fail without; not "
			"applicable on non-x86 hosts",
		.remedy = "BIOS: enable VT-x/AMD-V",
		.sources = "—",
		.run = host_flags,
	},
	{
		.id = "cpu.cgroup_partition",
		.title = "cgroup v2 cpuset partitions",
		.category = RTHC_CAT_CPU,
		.modes = RTHC_MODE_BOTH,
		.reads = "/sys/fs/cgroup/**/cpuset.cpus.partition and cpuset.cpus.effective (a "
			 "bounded walk); /sys/fs/cgroup/cpuset.cpus.isolated",
		.why = "An isolated partition removes CPUs from load balancing at runtime, but "
		       "does not move IRQs, RCU callbacks, per-CPU kthreads or the tick; a "
		       "partition can turn invalid when CPUs go away or siblings overlap.",
		.pass = "every root/isolated partition is valid (info when there is none; not "
			"applicable without cgroup v2)",
		.remedy = "fix the cpuset.cpus/cpuset.cpus.exclusive of the invalid partition (see "
			  "the reason in its state)",
		.sources = "[CG2] [CPISO]",
		.run = rthc_check_cgroup_partition,
	},
	{0},
};
