/*
 * Virtualization role: are we a guest, and under which hypervisor? A false positive switches the
 * whole check set, so only evidence that exists in virtual machines alone makes a guest:
 *
 *  - live x86: CPUID.1:ECX[31] and the vendor signature of leaf 0x40000000 (and, like the
 *    kernel's hypervisor_cpuid_base(), a KVM signature at 0x40000100.. behind Hyper-V
 *    enlightenments); the Hyper-V root partition (CPUID 0x40000003 EBX bit 0) is a host;
 *  - Xen (CPUID signature, /sys/hypervisor/type, /proc/xen, the device-tree hypervisor node):
 *    dom0 (/proc/xen/capabilities "control_d", or the all-zero /sys/hypervisor/uuid) is a host;
 *  - s390 /proc/sysinfo: the control program of the nearest level (VM00); an LPAR is a host, as
 *    KVM hosts on s390 run in LPARs;
 *  - POWER /proc/cpuinfo "platform": pSeries is a PAPR partition (PowerVM, or KVM when the model
 *    says qemu), PowerNV is bare metal;
 *  - the "hypervisor" flag of /proc/cpuinfo (x86);
 *  - the device tree of QEMU's generic machines (linux,dummy-virt, riscv-virtio);
 *  - DMI strings that only virtual firmware writes (sys_vendor QEMU, product "Standard PC (...)",
 *    VMware, VirtualBox, Hyper-V "Virtual Machine", Xen "HVM domU");
 *  - PCI IDs of emulated devices in /proc/bus/pci/devices (QEMU's 1b36:* and 1234:1111, virtio
 *    balloon, VMware SVGA/VMCI, VirtualBox, the Xen platform device, Hyper-V video), as lscpu.
 *
 * Weak hints (bios_vendor SeaBIOS, a virtio NIC: vDPA hardware is virtio too) only name the
 * hypervisor of a guest found otherwise. QEMU is reported as kvm: the report has no "qemu" value
 * and a guest cannot tell KVM from TCG without CPUID.
 */
#include <ctype.h>
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

/* A probe returns 1 when it decided the role, 0 when it has nothing to say, or -ENOMEM. */

static int set_role(struct rthc_virt *v, enum rthc_virt_role role, enum rthc_hypervisor hv,
		    const char *source, const char *why)
{
	v->role = role;
	v->hypervisor = hv;
	if (role == RTHC_ROLE_GUEST) {
		v->evidence_source = source;
		free(v->evidence);
		v->evidence = strdup(why);
		if (!v->evidence)
			return -ENOMEM;
	}
	return 1;
}

bool rthc_facts_cpuinfo_field(const struct rthc_facts *f, const char *key, char *buf, size_t size)
{
	size_t kl = strlen(key);

	for (const char *p = f->cpuinfo; p && *p;) {
		const char *eol = strchrnul(p, '\n'), *q = p + kl;

		if (strneq(p, key, kl) && (*q == ' ' || *q == '\t' || *q == ':')) {
			while (q < eol && (*q == ' ' || *q == '\t'))
				q++;
			if (q < eol && *q == ':') {
				const char *end = eol;

				for (q++; q < end && isspace((unsigned char)*q); q++)
					;
				while (end > q && isspace((unsigned char)end[-1]))
					end--;
				snprintf(buf, size, "%.*s", (int)(end - q), q);
				return true;
			}
		}
		p = *eol ? eol + 1 : NULL;
	}
	return false;
}

/* ---- DMI ------------------------------------------------------------------------------------- */

struct dmi_rule {
	const char *file;  /* under /sys/class/dmi/id */
	const char *text;
	bool prefix;       /* match the start of the value, else all of it */
	enum rthc_hypervisor hv;
	bool proves;       /* only virtual firmware writes it (else it only names the hypervisor) */
};

static const struct dmi_rule dmi_rules[] = {
	{"sys_vendor", "QEMU", false, RTHC_HV_KVM, true},
	{"sys_vendor", "Red Hat", false, RTHC_HV_KVM, true},
	{"product_name", "KVM", false, RTHC_HV_KVM, true},
	{"product_name", "KVM Virtual Machine", false, RTHC_HV_KVM, true},
	{"product_name", "Standard PC (", true, RTHC_HV_KVM, true},
	{"sys_vendor", "VMware, Inc.", false, RTHC_HV_VMWARE, true},
	{"product_name", "VMware", true, RTHC_HV_VMWARE, true},
	{"sys_vendor", "Xen", false, RTHC_HV_XEN, true},
	{"product_name", "HVM domU", false, RTHC_HV_XEN, true},
	{"sys_vendor", "innotek GmbH", false, RTHC_HV_OTHER, true},
	{"product_name", "VirtualBox", false, RTHC_HV_OTHER, true},
	{"sys_vendor", "Parallels", true, RTHC_HV_OTHER, true},
	{"bios_vendor", "BHYVE", false, RTHC_HV_OTHER, true},
	{"bios_vendor", "SeaBIOS", false, RTHC_HV_KVM, false},
};

struct hint {
	enum rthc_hypervisor hv; /* RTHC_HV_NONE: no hint */
	bool proves;
	const char *source; /* static path */
	char what[160];
};

static void dmi_hint(struct rthc_host *h, struct hint *out)
{
	static const char *const files[] = {"sys_vendor", "product_name", "bios_vendor"};
	char *val[ARRAY_SIZE(files)] = {NULL};

	*out = (struct hint){RTHC_HV_NONE, false, NULL, ""};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (rthc_host_read_strf(h, &val[i], "/sys/class/dmi/id/%s", files[i]) < 0)
			val[i] = NULL;
	/* Hyper-V: Microsoft also sells hardware (Surface), so both strings are needed. */
	if (val[0] && val[1] && streq(val[0], "Microsoft Corporation") &&
	    streq(val[1], "Virtual Machine")) {
		*out = (struct hint){RTHC_HV_HYPERV, true, "/sys/class/dmi/id/product_name", ""};
		snprintf(out->what, sizeof(out->what),
			 "DMI \"Microsoft Corporation\" \"Virtual Machine\"");
	}
	for (size_t i = 0; out->hv == RTHC_HV_NONE && i < ARRAY_SIZE(dmi_rules); i++) {
		const struct dmi_rule *d = &dmi_rules[i];
		static const char *const paths[] = {"/sys/class/dmi/id/sys_vendor",
						    "/sys/class/dmi/id/product_name",
						    "/sys/class/dmi/id/bios_vendor"};
		const char *s = NULL, *src = NULL;

		for (size_t k = 0; k < ARRAY_SIZE(files); k++)
			if (streq(files[k], d->file)) {
				s = val[k];
				src = paths[k];
			}
		if (!s || !(d->prefix ? strneq(s, d->text, strlen(d->text)) : streq(s, d->text)))
			continue;
		*out = (struct hint){d->hv, d->proves, src, ""};
		snprintf(out->what, sizeof(out->what), "DMI %s \"%.80s\"", d->file, s);
	}
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		free(val[i]);
}

/* ---- PCI IDs of emulated devices ------------------------------------------------------------- */

struct pci_rule {
	unsigned vendor, device; /* device 0xffff: any */
	enum rthc_hypervisor hv;
	const char *what;
};

static const struct pci_rule pci_rules[] = {
	{0x1b36, 0xffff, RTHC_HV_KVM, "a QEMU-emulated device"},
	{0x1234, 0x1111, RTHC_HV_KVM, "the QEMU standard VGA"},
	{0x1af4, 0x1002, RTHC_HV_KVM, "a virtio memory balloon"},
	{0x1af4, 0x1045, RTHC_HV_KVM, "a virtio memory balloon"},
	{0x15ad, 0x0405, RTHC_HV_VMWARE, "the VMware SVGA II adapter"},
	{0x15ad, 0x0710, RTHC_HV_VMWARE, "the VMware SVGA adapter"},
	{0x15ad, 0x0740, RTHC_HV_VMWARE, "the VMware VMCI device"},
	{0x80ee, 0xbeef, RTHC_HV_OTHER, "the VirtualBox graphics adapter"},
	{0x80ee, 0xcafe, RTHC_HV_OTHER, "the VirtualBox guest device"},
	{0x5853, 0x0001, RTHC_HV_XEN, "the Xen platform device"},
	{0x1414, 0x5353, RTHC_HV_HYPERV, "the Hyper-V video adapter"},
};

/* /proc/bus/pci/devices: "BBDF\tVVVVDDDD\t..." per device (drivers/pci/proc.c). */
static void pci_hint(struct rthc_host *h, struct hint *out)
{
	_cleanup_free_ char *text = NULL;

	*out = (struct hint){RTHC_HV_NONE, false, NULL, ""};
	if (rthc_host_read_file(h, "/proc/bus/pci/devices", &text, NULL) < 0)
		return;
	for (const char *p = text; *p;) {
		const char *eol = strchrnul(p, '\n');
		unsigned bdf, id;

		if (sscanf(p, "%4x %8x", &bdf, &id) == 2) {
			for (size_t i = 0; i < ARRAY_SIZE(pci_rules); i++) {
				const struct pci_rule *q = &pci_rules[i];

				if (id >> 16 != q->vendor ||
				    (q->device != 0xffff && (id & 0xffff) != q->device))
					continue;
				*out = (struct hint){q->hv, true, "/proc/bus/pci/devices", ""};
				snprintf(out->what, sizeof(out->what),
					 "/proc/bus/pci/devices: %04x:%04x is %s", id >> 16,
					 id & 0xffff, q->what);
				return;
			}
		}
		p = *eol ? eol + 1 : eol;
	}
}

/* Name the hypervisor of a guest found by a generic signal: DMI, then PCI, else unknown. */
static enum rthc_hypervisor name_guest(struct rthc_host *h, char *why, size_t size)
{
	struct hint d;
	size_t n = strlen(why);

	dmi_hint(h, &d);
	if (d.hv == RTHC_HV_NONE)
		pci_hint(h, &d);
	if (d.hv == RTHC_HV_NONE)
		return RTHC_HV_UNKNOWN;
	snprintf(why + n, size - n, "; %s", d.what);
	return d.hv;
}

/* ---- x86 CPUID ------------------------------------------------------------------------------- */

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

#if defined(__x86_64__) || defined(__i386__)
static void cpuid_sig(unsigned leaf, unsigned *max, char sig[static 13])
{
	unsigned a, b, c, d;

	__cpuid(leaf, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	for (char *s = sig; *s; s++)
		if (!isprint((unsigned char)*s))
			*s = '?';
	*max = a;
}
#endif

/* Live x86 only. *xen is set (and nothing decided) for Xen, whose dom0 is a host. */
static int probe_cpuid(struct rthc_host *h, struct rthc_virt *v, bool *xen)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d, max;
	enum rthc_hypervisor hv;
	char why[256];

	if (!rthc_host_is_live(h) || !__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 31)))
		return 0;
	cpuid_sig(0x40000000, &max, v->signature);
	hv = from_signature(v->signature);
	if (hv == RTHC_HV_XEN) {
		*xen = true;
		return 0;
	}
	if (hv == RTHC_HV_HYPERV && max >= 0x40000003) {
		__cpuid(0x40000003, a, b, c, d);
		if (b & 1u) { /* CreatePartitions: the root partition */
			v->host_note = "Linux is the Hyper-V root partition (CPUID 0x40000003 "
				       "CreatePartitions)";
			return set_role(v, RTHC_ROLE_HOST, RTHC_HV_HYPERV, NULL, NULL);
		}
	}
	/* KVM with Hyper-V enlightenments answers "Microsoft Hv" first, "KVMKVMKVM" later. */
	for (unsigned base = 0x40000100; hv != RTHC_HV_KVM && base < 0x40010000; base += 0x100) {
		char sig[13];

		cpuid_sig(base, &max, sig);
		if (strneq(sig, "KVMKVMKVM", 9))
			hv = RTHC_HV_KVM;
	}
	snprintf(why, sizeof(why), "CPUID hypervisor bit set, signature \"%s\"", v->signature);
	if (hv == RTHC_HV_OTHER && !*v->signature)
		hv = name_guest(h, why, sizeof(why));
	return set_role(v, RTHC_ROLE_GUEST, hv, "CPUID", why);
#else
	(void)h;
	(void)v;
	(void)xen;
	return 0;
#endif
}

/* ---- Xen ------------------------------------------------------------------------------------- */

static bool devtree_has(struct rthc_host *h, const char *path, const char *compat)
{
	_cleanup_free_ char *s = NULL;
	size_t len;

	if (rthc_host_read_file(h, path, &s, &len) < 0)
		return false;
	/* A NUL-separated list of strings. */
	for (size_t i = 0; i < len; i += strlen(s + i) + 1)
		if (streq(s + i, compat))
			return true;
	return false;
}

/* 1 dom0, 0 domU, -1 cannot tell; what says which file decided. */
static int xen_dom0(struct rthc_host *h, const char **what)
{
	_cleanup_free_ char *caps = NULL, *uuid = NULL;
	struct hint d;

	if (rthc_host_read_str(h, "/proc/xen/capabilities", &caps) == 0) {
		*what = "/proc/xen/capabilities";
		return strstr(caps, "control_d") != NULL;
	}
	if (rthc_host_read_str(h, "/sys/hypervisor/uuid", &uuid) == 0 && *uuid) {
		*what = "/sys/hypervisor/uuid";
		return strspn(uuid, "0-") == strlen(uuid);
	}
	pci_hint(h, &d);
	if (d.hv == RTHC_HV_XEN) {
		*what = "/proc/bus/pci/devices"; /* the Xen platform device */
		return 0;
	}
	dmi_hint(h, &d);
	if (d.hv == RTHC_HV_XEN) {
		*what = "/sys/class/dmi/id/product_name";
		return 0;
	}
	return -1;
}

static int probe_xen(struct rthc_host *h, struct rthc_virt *v, bool cpuid_xen)
{
	_cleanup_free_ char *type = NULL;
	const char *how = NULL, *what = NULL;
	char why[256];
	int dom0;

	if (cpuid_xen)
		how = "CPUID signature XenVMMXenVMM";
	else if (rthc_host_read_str(h, "/sys/hypervisor/type", &type) == 0 && streq(type, "xen"))
		how = "/sys/hypervisor/type is xen";
	else if (rthc_host_is_dir(h, "/proc/xen") > 0)
		how = "/proc/xen exists";
	else if (devtree_has(h, "/proc/device-tree/hypervisor/compatible", "xen,xen"))
		how = "device-tree hypervisor node is xen,xen";
	if (!how)
		return 0;
	dom0 = xen_dom0(h, &what);
	if (dom0 > 0) {
		v->host_note = "Xen dom0 (the control domain) is audited as the host";
		return set_role(v, RTHC_ROLE_HOST, RTHC_HV_XEN, NULL, NULL);
	}
	if (dom0 < 0) {
		v->host_note = "Xen, but neither /proc/xen/capabilities nor /sys/hypervisor/uuid "
			       "tells dom0 from a guest: audited as the host (--guest forces guest "
			       "mode)";
		return set_role(v, RTHC_ROLE_HOST, RTHC_HV_XEN, NULL, NULL);
	}
	snprintf(why, sizeof(why), "%s; %s marks a guest domain (domU)", how, what);
	return set_role(v, RTHC_ROLE_GUEST, RTHC_HV_XEN, what, why);
}

/* ---- s390, POWER, device tree ---------------------------------------------------------------- */

static int probe_s390(struct rthc_host *h, struct rthc_virt *v)
{
	static const char key[] = "VM00 Control Program:";
	_cleanup_free_ char *text = NULL;
	enum rthc_hypervisor hv;
	const char *p;
	char why[160];

	if (rthc_host_read_file(h, "/proc/sysinfo", &text, NULL) < 0)
		return 0;
	/* VM00 is the level this Linux runs in; VM01.. are the hypervisors beneath it. */
	p = strstr(text, key);
	if (p && (p == text || p[-1] == '\n')) {
		const char *end;

		for (p += strlen(key); *p == ' ' || *p == '\t'; p++)
			;
		end = strchrnul(p, '\n');
		while (end > p && isspace((unsigned char)end[-1]))
			end--;
		snprintf(why, sizeof(why), "/proc/sysinfo VM00 Control Program: %.*s",
			 (int)(end - p), p);
		hv = strneq(p, "KVM", 3) ? RTHC_HV_KVM : RTHC_HV_OTHER;
		return set_role(v, RTHC_ROLE_GUEST, hv, "/proc/sysinfo", why);
	}
	/* An LPAR: PR/SM firmware partitions every s390, and KVM hosts run in LPARs. */
	if (strstr(text, "LPAR Number:"))
		return set_role(v, RTHC_ROLE_HOST, RTHC_HV_NONE, NULL, NULL);
	return 0;
}

static int probe_powerpc(struct rthc_host *h, const struct rthc_facts *f, struct rthc_virt *v)
{
	char platform[64], model[96] = "", why[256];
	bool qemu;

	if (!rthc_facts_cpuinfo_field(f, "platform", platform, sizeof(platform)))
		return 0;
	if (streq(platform, "PowerNV")) /* bare metal (OPAL): where POWER KVM hosts run */
		return set_role(v, RTHC_ROLE_HOST, RTHC_HV_NONE, NULL, NULL);
	if (!streq(platform, "pSeries"))
		return 0;
	(void)rthc_facts_cpuinfo_field(f, "model", model, sizeof(model));
	qemu = strstr(model, "qemu") ||
	       devtree_has(h, "/proc/device-tree/compatible", "qemu,pseries");
	snprintf(why, sizeof(why), "/proc/cpuinfo platform pSeries (a PAPR partition), model "
		 "\"%s\": %s", model, qemu ? "a QEMU/KVM pseries machine" : "a PowerVM LPAR");
	return set_role(v, RTHC_ROLE_GUEST, qemu ? RTHC_HV_KVM : RTHC_HV_OTHER, "/proc/cpuinfo",
			why);
}

static int probe_devtree(struct rthc_host *h, struct rthc_virt *v)
{
	static const char *const machines[] = {"linux,dummy-virt", "riscv-virtio"};
	char why[128];

	for (size_t i = 0; i < ARRAY_SIZE(machines); i++)
		if (devtree_has(h, "/proc/device-tree/compatible", machines[i])) {
			snprintf(why, sizeof(why), "device-tree compatible \"%s\" (a QEMU virt "
				 "machine)", machines[i]);
			return set_role(v, RTHC_ROLE_GUEST, RTHC_HV_KVM,
					"/proc/device-tree/compatible", why);
		}
	return 0;
}

static int probe_flag(struct rthc_host *h, const struct rthc_facts *f, struct rthc_virt *v)
{
	char why[256] = "/proc/cpuinfo flags include \"hypervisor\"";

	if (!rthc_facts_cpu_flag(f, "hypervisor"))
		return 0;
	return set_role(v, RTHC_ROLE_GUEST, name_guest(h, why, sizeof(why)), "/proc/cpuinfo", why);
}

static int probe_hint(struct rthc_virt *v, const struct hint *d)
{
	if (d->hv == RTHC_HV_NONE || !d->proves)
		return 0;
	return set_role(v, RTHC_ROLE_GUEST, d->hv, d->source, d->what);
}

int rthc_facts_gather_virt(struct rthc_host *h, const struct rthc_facts *f, struct rthc_virt *v)
{
	bool cpuid_xen = false;
	struct hint d;
	int r;

	v->role = RTHC_ROLE_HOST;
	v->hypervisor = RTHC_HV_NONE;
	v->signature[0] = '\0';
	v->host_note = NULL;
	v->evidence_source = NULL;

	r = probe_cpuid(h, v, &cpuid_xen);
	if (r == 0)
		r = probe_xen(h, v, cpuid_xen);
	if (r == 0)
		r = probe_s390(h, v);
	if (r == 0)
		r = probe_powerpc(h, f, v);
	if (r == 0)
		r = probe_flag(h, f, v);
	if (r == 0)
		r = probe_devtree(h, v);
	if (r == 0) {
		dmi_hint(h, &d);
		r = probe_hint(v, &d);
	}
	if (r == 0) {
		pci_hint(h, &d);
		r = probe_hint(v, &d);
	}
	return r < 0 ? r : 0;
}
