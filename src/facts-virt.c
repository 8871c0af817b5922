/*
 * Virtualization role: are we a guest, and under which hypervisor? A false positive switches the
 * whole check set, so only positive evidence makes a guest: the CPUID hypervisor bit and vendor
 * signature (live x86), the "hypervisor" flag in /proc/cpuinfo, /sys/hypervisor/type (Xen), or
 * the s390 /proc/sysinfo control program. DMI strings only name the hypervisor.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "facts.h"
#include "host.h"
#include "macro.h"

static enum rthc_hypervisor from_signature(const char *sig)
{
	if (strneq(sig, "KVMKVMKVM", 9))
		return RTHC_HV_KVM;
	if (strneq(sig, "XenVMMXenVMM", 12))
		return RTHC_HV_XEN;
	if (strneq(sig, "VMwareVMware", 12))
		return RTHC_HV_VMWARE;
	if (strneq(sig, "Microsoft Hv", 12))
		return RTHC_HV_HYPERV;
	return RTHC_HV_OTHER;
}

/* Live x86 only: CPUID.1:ECX[31] and the 0x40000000 vendor signature. */
static bool cpuid_hypervisor(enum rthc_hypervisor *hv, char sig[static 13])
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 31)))
		return false;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	*hv = from_signature(sig);
	return true;
#else
	(void)hv;
	(void)sig;
	return false;
#endif
}

static enum rthc_hypervisor from_dmi(struct rthc_host *h)
{
	_cleanup_free_ char *vendor = NULL, *product = NULL;
	enum rthc_hypervisor hv = RTHC_HV_UNKNOWN;

	if (rthc_host_read_str(h, "/sys/class/dmi/id/sys_vendor", &vendor) < 0)
		vendor = NULL;
	if (rthc_host_read_str(h, "/sys/class/dmi/id/product_name", &product) < 0)
		product = NULL;
	if ((vendor && (strstr(vendor, "QEMU") || strstr(vendor, "Red Hat"))) ||
	    (product && (strstr(product, "KVM") || strstr(product, "QEMU") || strstr(product, "Standard PC"))))
		hv = RTHC_HV_KVM;
	else if (vendor && strstr(vendor, "VMware"))
		hv = RTHC_HV_VMWARE;
	else if (vendor && strstr(vendor, "Microsoft") && product && strstr(product, "Virtual"))
		hv = RTHC_HV_HYPERV;
	else if (vendor && strstr(vendor, "Xen"))
		hv = RTHC_HV_XEN;
	else if (vendor && strstr(vendor, "innotek"))
		hv = RTHC_HV_OTHER;
	return hv;
}

static int set_guest(struct rthc_virt *v, enum rthc_hypervisor hv, const char *why)
{
	v->role = RTHC_ROLE_GUEST;
	v->hypervisor = hv;
	v->evidence = strdup(why);
	return v->evidence ? 0 : -ENOMEM;
}

int rthc_facts_gather_virt(struct rthc_host *h, const struct rthc_facts *f, struct rthc_virt *v)
{
	_cleanup_free_ char *xen = NULL, *sysinfo = NULL;
	char sig[13], why[96];
	enum rthc_hypervisor hv;

	v->role = RTHC_ROLE_HOST;
	v->hypervisor = RTHC_HV_NONE;

	if (rthc_host_is_live(h) && cpuid_hypervisor(&hv, sig)) {
		snprintf(why, sizeof(why), "CPUID hypervisor bit set, signature \"%s\"", sig);
		return set_guest(v, hv, why);
	}
	if (rthc_host_read_str(h, "/sys/hypervisor/type", &xen) == 0 && streq(xen, "xen")) {
		/* dom0 also has it; only a domU lacks the control domain marker. */
		_cleanup_free_ char *caps = NULL;

		if (rthc_host_read_str(h, "/proc/xen/capabilities", &caps) == 0 && strstr(caps, "control_d"))
			return 0;
		return set_guest(v, RTHC_HV_XEN, "/sys/hypervisor/type is xen");
	}
	if (rthc_facts_cpu_flag(f, "hypervisor")) {
		hv = from_dmi(h);
		return set_guest(v, hv, "/proc/cpuinfo flags include \"hypervisor\"");
	}
	if (rthc_host_read_str(h, "/proc/sysinfo", &sysinfo) == 0) {
		if (strstr(sysinfo, "Control Program: KVM"))
			return set_guest(v, RTHC_HV_KVM, "/proc/sysinfo control program is KVM");
		if (strstr(sysinfo, "Control Program: z/VM"))
			return set_guest(v, RTHC_HV_OTHER, "/proc/sysinfo control program is z/VM");
	}
	return 0;
}
