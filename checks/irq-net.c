/* Networking and the IOMMU: net.rps, net.queues, net.busy_poll, cmdline.iommu (§1, §5). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw-pci.h"
#include "irq.h"
#include "util.h"

#define NET_DIR "/sys/class/net"
#define RPS_DEFAULT "/proc/sys/net/core/rps_default_mask"

int irq_rps_collect(struct rthc_ctx *ctx, struct rthc_result *r, struct irq_rps *out)
{
	const struct rthc_cpuset *iso = &ctx->facts->isolation.isolated;
	struct rthc_cpuset m = RTHC_CPUSET_INIT;
	char **ifs = NULL, path[512];
	int k;

	*out = (struct irq_rps){0};
	k = rthc_host_list_dir(ctx->host, NET_DIR, &ifs, NULL);
	if (k < 0) {
		snprintf(out->errpath, sizeof(out->errpath), "%s", NET_DIR);
		return k;
	}
	for (char **i = ifs; *i; i++) {
		char **qs = NULL;

		snprintf(path, sizeof(path), NET_DIR "/%s/queues", *i);
		if (rthc_host_list_dir(ctx->host, path, &qs, NULL) < 0)
			continue;
		for (char **q = qs; *q; q++) {
			if (!strneq(*q, "rx-", 3))
				continue;
			snprintf(path, sizeof(path), NET_DIR "/%s/queues/%s/rps_cpus", *i, *q);
			k = rthc_host_read_cpumask(ctx->host, path, &m);
			if (k == -ENOENT)
				continue;
			if (k < 0) {
				if (!out->err) {
					out->err = k;
					snprintf(out->errpath, sizeof(out->errpath), "%s", path);
				}
				continue;
			}
			out->queues++;
			out->enabled += !rthc_cpuset_empty(&m);
			rthc_cpuset_and(&m, iso);
			if (rthc_cpuset_empty(&m))
				continue;
			out->leaks++;
			if (r) {
				_cleanup_free_ char *s = rthc_cpuset_str(&m);
				char obj[128];

				snprintf(obj, sizeof(obj), "%.40s %.20s", *i, *q);
				rthc_item(r, obj, "rps_cpus steers packets to isolated CPUs %s", cpus_or_none(s));
				if (out->leaks <= RTHC_RESULT_MAX_ITEMS)
					rthc_remedy_action(r, RTHC_ACTION_SYSFS, path, "0");
			}
		}
		rthc_strv_free(qs);
	}
	rthc_strv_free(ifs);
	k = rthc_host_read_cpumask(ctx->host, RPS_DEFAULT, &m);
	if (k == 0) {
		out->has_default = true;
		rthc_cpuset_and(&m, iso);
		if (!rthc_cpuset_empty(&m)) {
			out->leaks++;
			if (r) {
				_cleanup_free_ char *s = rthc_cpuset_str(&m);

				rthc_item(r, "rps_default_mask", "new receive queues steer packets to isolated "
					  "CPUs %s", cpus_or_none(s));
				rthc_remedy_action(r, RTHC_ACTION_SYSCTL, "net.core.rps_default_mask", "0");
			}
		}
	} else if (k != -ENOENT && !out->err) {
		out->err = k;
		snprintf(out->errpath, sizeof(out->errpath), "%s", RPS_DEFAULT);
	}
	rthc_cpuset_done(&m);
	return 0;
}

void irq_check_net_rps(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct irq_rps rps;
	int k;

	if (irq_no_isolated(ctx, r, NULL))
		return;
	k = irq_rps_collect(ctx, r, &rps);
	if (k < 0) {
		rthc_result_error(r, k, rps.errpath);
		return;
	}
	rthc_observe_int(r, "rx_queues", (int64_t)rps.queues);
	rthc_observe_int(r, "rps_enabled", (int64_t)rps.enabled);
	rthc_observe_int(r, "on_isolated", (int64_t)rps.leaks);
	rthc_expect_int(r, "on_isolated", 0);
	rthc_evidence(r, NET_DIR, "%zu receive queues with rps_cpus, %zu with RPS enabled", rps.queues,
		      rps.enabled);
	if (rps.err)
		rthc_evidence(r, rps.errpath, "unreadable: %s", strerror(-rps.err));
	if (rps.leaks > 0) {
		rthc_warn(r, "%zu RPS masks steer receive processing to isolated CPUs", rps.leaks);
		rthc_remedy(r, true, false, "write 0 (or a housekeeping mask) to each rps_cpus and to "
			    "net.core.rps_default_mask, and persist it with a udev rule and sysctl.d");
	} else if (rps.err) {
		rthc_result_reset(r);
		rthc_result_error(r, rps.err, rps.errpath);
	} else if (rps.queues == 0 && !rps.has_default) {
		rthc_na(r, "no receive queue has rps_cpus (kernel without CONFIG_RPS?)");
	} else {
		rthc_pass(r, "no RPS mask names an isolated CPU (%zu receive queues, %zu with RPS on)",
			  rps.queues, rps.enabled);
	}
}

void irq_check_net_busy_poll(struct rthc_ctx *ctx, struct rthc_result *r)
{
	static const char *const files[] = {"/proc/sys/net/core/busy_read",
					    "/proc/sys/net/core/busy_poll"};
	int64_t v[2] = {0, 0};
	int present = 0;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		int k = rthc_host_read_s64(ctx->host, files[i], &v[i]);

		if (k == -ENOENT)
			continue;
		if (k < 0) {
			rthc_result_error(r, k, files[i]);
			return;
		}
		present++;
		rthc_evidence(r, files[i], "%lld", (long long)v[i]);
		rthc_observe_int(r, i ? "busy_poll" : "busy_read", v[i]);
	}
	if (!present) {
		rthc_na(r, "the kernel has no socket busy polling (CONFIG_NET_RX_BUSY_POLL)");
		return;
	}
	rthc_info(r, "busy_read=%lld busy_poll=%lld µs: tuned network-latency sets 50, OpenShift's RT "
		     "profile leaves them 0 (busy polling spins the CPU of the waiting task)",
		  (long long)v[0], (long long)v[1]);
}

/* NICs with a device link: the rx-N directories are the channels in use (real_num_rx_queues). */
void irq_check_net_queues(struct rthc_ctx *ctx, struct rthc_result *r)
{
	unsigned hk = rthc_cpuset_count(&ctx->facts->isolation.housekeeping);
	size_t nics = 0, over = 0;
	char **ifs = NULL, path[512];
	int k;

	if (irq_no_isolated(ctx, r, NULL))
		return;
	k = rthc_host_list_dir(ctx->host, NET_DIR, &ifs, NULL);
	if (k < 0) {
		rthc_result_error(r, k, NET_DIR);
		return;
	}
	for (char **i = ifs; *i; i++) {
		char **qs = NULL;
		size_t rx = 0;

		snprintf(path, sizeof(path), NET_DIR "/%s/device", *i);
		if (rthc_host_exists(ctx->host, path) <= 0)
			continue; /* virtual interface */
		snprintf(path, sizeof(path), NET_DIR "/%s/queues", *i);
		if (rthc_host_list_dir(ctx->host, path, &qs, NULL) < 0)
			continue;
		for (char **q = qs; *q; q++)
			rx += strneq(*q, "rx-", 3);
		rthc_strv_free(qs);
		nics++;
		if (rx > hk) {
			over++;
			rthc_item(r, *i, "%zu receive queues for %u housekeeping CPUs", rx, hk);
		}
	}
	rthc_strv_free(ifs);
	rthc_observe_int(r, "nics", (int64_t)nics);
	rthc_observe_int(r, "housekeeping_cpus", hk);
	rthc_observe_int(r, "nics_with_more_queues", (int64_t)over);
	rthc_evidence(r, NET_DIR, "queues/rx-N directories count the channels in use (ethtool -l)");
	if (nics == 0) {
		rthc_na(r, "no physical network interface");
		return;
	}
	if (over)
		rthc_remedy(r, false, false, "reduce the channels to the housekeeping CPU count: ethtool -L "
			    "<if> combined %u", hk);
	rthc_info(r, "%zu of %zu NICs have more receive queues than the %u housekeeping CPUs; their "
		     "per-queue IRQs spread onto isolated CPUs unless moved", over, nics, hk);
}

void irq_check_cmdline_iommu(struct rthc_ctx *ctx, struct rthc_result *r)
{
	static const char *const keys[] = {"intel_iommu", "amd_iommu", "iommu"};
	const struct rthc_cmdline *cl = rthc_check_cmdline(ctx, r);
	char **units = NULL, list[256] = "";
	struct rthc_pci *pci = NULL;
	size_t n = 0, vfio = 0, len = 0;
	bool pt;
	int k;

	if (!cl)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		rthc_evidence_param(r, cl, keys[i]);
		rthc_observe_str(r, keys[i], rthc_cmdline_get(cl, keys[i]));
	}
	k = rthc_host_list_dir(ctx->host, "/sys/class/iommu", &units, &n);
	if (k < 0 && k != -ENOENT) {
		rthc_result_error(r, k, "/sys/class/iommu");
		return;
	}
	for (size_t i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? "," : "", units[i]);
	rthc_strv_free(units);
	rthc_evidence(r, "/sys/class/iommu", "%s", n ? list : "no IOMMU unit");
	rthc_observe_int(r, "iommu_units", (int64_t)n);
	if (rthc_pci_scan(ctx->host, 0, &pci) >= 0) {
		for (size_t i = 0; i < pci->ndevs; i++)
			vfio += pci->devs[i].driver && streq(pci->devs[i].driver, "vfio-pci");
		rthc_observe_int(r, "vfio_devices", (int64_t)vfio);
		rthc_pci_free(pci);
	} else {
		rthc_observe_null(r, "vfio_devices");
	}
	pt = rthc_cmdline_get(cl, "iommu") && streq(rthc_cmdline_get(cl, "iommu"), "pt");
	rthc_info(r, "%zu IOMMU units%s%s; %zu devices bound to vfio-pci%s", n, n ? ": " : "",
		  n ? list : "", vfio, vfio && !n ? " without an IOMMU (unsafe no-IOMMU mode?)" :
		  vfio && !pt ? "; iommu=pt would spare host devices the remapping" : "");
}
