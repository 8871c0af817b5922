/*
 * Virtualization detection (src/facts-virt.c) on trees: every real lscpu dump of
 * ../shared/realdata with the role and hypervisor read by hand from each dump, and synthetic trees
 * for each rule, above all the ones that must NOT make a guest (bare metal never switches the
 * check set). Under --root CPUID is never read, so these tests do not depend on this machine.
 */
#include "test-guest-helpers.h"

struct virt_env {
	char *tmp;
	struct rthc_host *h;
	struct rthc_facts *f;
};

static const struct rthc_virt *detect(struct virt_env *e, const char *root)
{
	assert_int_equal(rthc_host_new(root, &e->h), 0);
	assert_int_equal(rthc_facts_gather(e->h, &e->f), 0);
	return &e->f->virt;
}

static void env_done(struct virt_env *e)
{
	rthc_facts_free(e->f);
	rthc_host_free(e->h);
	tmpdir_remove(e->tmp);
	free(e->tmp);
	*e = (struct virt_env){0};
}

static void assert_virt(const struct rthc_virt *v, enum rthc_virt_role role,
			enum rthc_hypervisor hv, const char *what)
{
	if (v->role != role || v->hypervisor != hv)
		fail_msg("%s: role %s hypervisor %s, expected %s %s (evidence: %s)", what,
			 v->role == RTHC_ROLE_GUEST ? "guest" : "host",
			 rthc_hypervisor_to_string(v->hypervisor),
			 role == RTHC_ROLE_GUEST ? "guest" : "host", rthc_hypervisor_to_string(hv),
			 v->evidence ? v->evidence : "none");
	/* A guest always says why; a host never carries guest evidence. */
	if (role == RTHC_ROLE_GUEST) {
		assert_non_null(v->evidence);
		assert_non_null(v->evidence_source);
	} else {
		assert_null(v->evidence);
	}
	assert_string_equal(v->signature, ""); /* CPUID is live-only */
}

/* ---- real machines --------------------------------------------------------------------------- */

/*
 * Read from each dump: /proc/sysinfo VM00 control program (s390), /proc/cpuinfo platform
 * (POWER: pSeries partitions of PowerVM), /proc/xen/capabilities (empty: a PV domU), and QEMU,
 * VirtualBox PCI IDs in /proc/bus/pci/devices (1b36:*, 1234:1111, 1af4:1002/1045; 80ee:beef,
 * 80ee:cafe). vmware_fpe is a bare-metal Opteron 6328 host (svm, AMD chipset, no hypervisor
 * flag; lscpu prints no hypervisor for it) despite its name. ppc-qemu is a QEMU PowerMac G3
 * (likely TCG): QEMU machines are reported as kvm.
 *
 * Bare metal and firmware partitions (s390 LPAR, sun4v): hosts with no hypervisor.
 */
static const char *const hosts[] = {
	"lscpu-dumps/arm-A510-A710-A715-X3", "lscpu-dumps/armv7",
	"lscpu-dumps/loongarch-loongson_3a5000_hv", "lscpu-dumps/rv64-linux",
	"lscpu-dumps/rv64-milkvpioneer", "lscpu-dumps/rv64-visionfive2",
	"lscpu-dumps/s390-lpar-drawer", "lscpu-dumps/s390-lpar", "lscpu-dumps/sparc64",
	"lscpu-dumps/vmware_fpe", "lscpu-dumps/x86_64-64cpu-linux6.2", "lscpu-dumps/x86_64-64cpu",
	"lscpu-dumps/x86_64-dell_e4310", "lscpu-dumps/x86_64-epyc_7451",
	"lscpu-dumps-2012/i386-amdshanghai",
	"lscpu-dumps-2012/i386-dellpe700", "lscpu-dumps-2012/i386-intels5000phb",
	"lscpu-dumps-2012/ia64-512cpus", "lscpu-dumps-2012/ia64-hpmatterhorn",
	"lscpu-dumps-2012/ia64-hprx1620", "lscpu-dumps-2012/ia64-pg0",
	"lscpu-dumps-2012/sparc64-UltraSparc-T1", "lscpu-dumps-2012/x86_64-dell_poweredge1950",
	"lscpu-dumps-2012/x86_64-dell_poweredgeR610", "lscpu-dumps-2012/x86_64-dellr710",
	"lscpu-dumps-2012/x86_64-hpdl585", "lscpu-dumps-2012/x86_64-ibme326m",
	"lscpu-dumps-2012/x86_64-necem14",
};

/* Guests, with a piece of the evidence. */
static const struct {
	const char *dump;
	enum rthc_hypervisor hv;
	const char *evidence;
} guests[] = {
	{"lscpu-dumps/loongarch-kvm_on_loongson_3c6000", RTHC_HV_KVM,
	 "1b36:0008 is a QEMU-emulated device"},
	{"lscpu-dumps/ppc-qemu", RTHC_HV_KVM, "1234:1111 is the QEMU standard VGA"},
	{"lscpu-dumps/ppc64-POWER7-64cpu", RTHC_HV_OTHER, "a PowerVM LPAR"},
	{"lscpu-dumps/ppc64-POWER7", RTHC_HV_OTHER, "platform pSeries"},
	{"lscpu-dumps/s390-kvm", RTHC_HV_KVM, "VM00 Control Program: KVM/Linux"},
	/* KVM guest (VM00) inside z/VM (VM01): the nearest level counts. */
	{"lscpu-dumps/s390-nested-virt", RTHC_HV_KVM, "VM00 Control Program: KVM/Linux"},
	{"lscpu-dumps/s390-zvm", RTHC_HV_OTHER, "VM00 Control Program: z/VM    6.1.0"},
	{"lscpu-dumps/vbox-win", RTHC_HV_OTHER, "80ee:beef is the VirtualBox graphics adapter"},
	/* /proc/xen/capabilities is empty: no control_d, a paravirtualized domU. */
	{"lscpu-dumps-2012/x86_64-el5xen", RTHC_HV_XEN, "/proc/xen/capabilities"},
};

/* Unpack ../shared/realdata/DUMP.tar.gz (shared: a directory beside it) into e->tmp, detect. */
static const struct rthc_virt *detect_dump(struct virt_env *e, const char *shared, const char *dump)
{
	char cmd[3 * PATH_MAX], root[PATH_MAX + 128];

	e->tmp = tmpdir_new();
	snprintf(cmd, sizeof(cmd), "tar -xzf '%s/../%s.tar.gz' -C '%s' 2>/dev/null", shared, dump,
		 e->tmp);
	assert_int_equal(system(cmd), 0);
	snprintf(root, sizeof(root), "%s/%s", e->tmp, strchr(dump, '/') + 1);
	return detect(e, root);
}

static void test_realdata(void **state)
{
	const char *shared = kt_realdata("lscpu-dumps-2012");

	(void)state;
	if (!shared)
		skip();
	assert_int_equal(ARRAY_SIZE(hosts) + ARRAY_SIZE(guests), 37);
	for (size_t i = 0; i < ARRAY_SIZE(hosts); i++) {
		struct virt_env e = {0};

		const struct rthc_virt *v = detect_dump(&e, shared, hosts[i]);

		assert_virt(v, RTHC_ROLE_HOST, RTHC_HV_NONE, hosts[i]);
		env_done(&e);
	}
	for (size_t i = 0; i < ARRAY_SIZE(guests); i++) {
		struct virt_env e = {0};
		const struct rthc_virt *v = detect_dump(&e, shared, guests[i].dump);

		assert_virt(v, RTHC_ROLE_GUEST, guests[i].hv, guests[i].dump);
		if (!strstr(v->evidence, guests[i].evidence))
			fail_msg("%s: evidence \"%s\" lacks \"%s\"", guests[i].dump, v->evidence,
				 guests[i].evidence);
		env_done(&e);
	}
}

/* ---- synthetic trees ------------------------------------------------------------------------- */

struct file {
	const char *path, *content;
};

static void write_bytes(const char *root, const char *path, const char *data, size_t len)
{
	char full[PATH_MAX];
	FILE *f;

	write_file(root, path, ""); /* creates the directories */
	snprintf(full, sizeof(full), "%s/%s", root, path);
	f = fopen(full, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static const struct rthc_virt *tree(struct virt_env *e, const struct file *files)
{
	e->tmp = tmpdir_new();
	for (const struct file *f = files; f->path; f++)
		write_file(e->tmp, f->path, f->content);
	return detect(e, e->tmp);
}

#define DMI "sys/class/dmi/id/"
#define UUID "sys/hypervisor/uuid"
#define END {NULL, NULL}
#define X86 "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu tsc msr"
#define CPUINFO_BARE X86 " constant_tsc vmx\n"
#define CPUINFO_FLAG X86 " constant_tsc hypervisor\n"

static void test_bare_metal_stays_host(void **state)
{
	/* Strings real hardware carries: none of them may make a guest. */
	static const struct file cases[][5] = {
		{{"proc/cpuinfo", CPUINFO_BARE}, END},
		/* Chromebooks boot SeaBIOS from coreboot. */
		{{"proc/cpuinfo", CPUINFO_BARE}, {DMI "bios_vendor", "SeaBIOS\n"},
		 {DMI "sys_vendor", "GOOGLE\n"}, END},
		/* Microsoft sells hardware: a Surface is not Hyper-V. */
		{{"proc/cpuinfo", CPUINFO_BARE}, {DMI "sys_vendor", "Microsoft Corporation\n"},
		 {DMI "product_name", "Surface Pro 7\n"}, END},
		/* EC2 metal instances keep the EC2 DMI strings. */
		{{"proc/cpuinfo", CPUINFO_BARE}, {DMI "sys_vendor", "Amazon EC2\n"},
		 {DMI "product_name", "m5.metal\n"}, END},
		/* vDPA NICs are virtio PCI functions on bare metal. */
		{{"proc/cpuinfo", CPUINFO_BARE},
		 {"proc/bus/pci/devices", "0000\t80862020\t0\n3b00\t1af41041\t8a\n"}, END},
		/* A board's device tree. */
		{{"proc/cpuinfo", "processor\t: 0\nFeatures\t: fp asimd evtstrm\n"},
		 {"proc/device-tree/compatible", "raspberrypi,4-model-b\0"}, END},
		/* An s390 LPAR: PR/SM partitions every s390; KVM hosts run here. */
		{{"proc/sysinfo", "Manufacturer:         IBM\nLPAR Number:          39\n"}, END},
		/* POWER bare metal. */
		{{"proc/cpuinfo", "processor\t: 0\ncpu\t\t: POWER9\nplatform\t: PowerNV\n"}, END},
		/* Garbage in the optional inputs. */
		{{"proc/cpuinfo", CPUINFO_BARE}, {"proc/bus/pci/devices", "garbage\n\n\t\n"},
		 {"proc/sysinfo", "nothing useful\n"}, {DMI "sys_vendor", "\n"}, END},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct virt_env e = {0};
		char what[32];

		snprintf(what, sizeof(what), "bare-metal case %zu", i);
		assert_virt(tree(&e, cases[i]), RTHC_ROLE_HOST, RTHC_HV_NONE, what);
		assert_null(e.f->virt.host_note);
		env_done(&e);
	}
}

static void test_dmi_and_flag(void **state)
{
	static const struct {
		struct file files[4];
		enum rthc_hypervisor hv;
		const char *source, *evidence;
	} cases[] = {
		/* The hypervisor flag alone: a guest of an unknown hypervisor. */
		{{{"proc/cpuinfo", CPUINFO_FLAG}, END}, RTHC_HV_UNKNOWN, "/proc/cpuinfo",
		 "flags include \"hypervisor\""},
		/* The flag names nothing; DMI or PCI name it. */
		{{{"proc/cpuinfo", CPUINFO_FLAG}, {DMI "sys_vendor", "VMware, Inc.\n"},
		  END}, RTHC_HV_VMWARE, "/proc/cpuinfo", "DMI sys_vendor \"VMware, Inc.\""},
		{{{"proc/cpuinfo", CPUINFO_FLAG}, {DMI "bios_vendor", "SeaBIOS\n"},
		  END}, RTHC_HV_KVM, "/proc/cpuinfo", "bios_vendor \"SeaBIOS\""},
		{{{"proc/cpuinfo", CPUINFO_FLAG}, {"proc/bus/pci/devices", "0078\t14145353\t0\n"},
		  END}, RTHC_HV_HYPERV, "/proc/cpuinfo", "Hyper-V video"},
		/* DMI strings only virtual firmware writes: a guest with a hidden flag. */
		{{{"proc/cpuinfo", CPUINFO_BARE}, {DMI "sys_vendor", "QEMU\n"},
		  END}, RTHC_HV_KVM, "/sys/class/dmi/id/sys_vendor", "\"QEMU\""},
		{{{"proc/cpuinfo", CPUINFO_BARE},
		  {DMI "product_name", "Standard PC (i440FX + PIIX, 1996)\n"}, END},
		 RTHC_HV_KVM, "/sys/class/dmi/id/product_name", "Standard PC"},
		{{{DMI "sys_vendor", "Microsoft Corporation\n"},
		  {DMI "product_name", "Virtual Machine\n"}, END}, RTHC_HV_HYPERV,
		 "/sys/class/dmi/id/product_name", "Virtual Machine"},
		{{{DMI "product_name", "VirtualBox\n"}, END}, RTHC_HV_OTHER,
		 "/sys/class/dmi/id/product_name", "VirtualBox"},
		/* QEMU virt machines by their device tree (arm64, RISC-V). */
		{{{"proc/cpuinfo", "processor\t: 0\nFeatures\t: fp asimd\n"},
		  {"proc/device-tree/compatible", "linux,dummy-virt"}, END}, RTHC_HV_KVM,
		 "/proc/device-tree/compatible", "linux,dummy-virt"},
		{{{"proc/device-tree/compatible", "riscv-virtio"}, END}, RTHC_HV_KVM,
		 "/proc/device-tree/compatible", "riscv-virtio"},
		/* POWER: a KVM pseries guest. */
		{{{"proc/cpuinfo", "processor\t: 0\ncpu\t\t: POWER9 (architected)\n"
				   "platform\t: pSeries\n"
				   "model\t\t: IBM pSeries (emulated by qemu)\n"}, END},
		 RTHC_HV_KVM, "/proc/cpuinfo", "QEMU/KVM pseries"},
		/* s390 under z/VM. */
		{{{"proc/sysinfo", "LPAR Number:          47\nVM00 Name:            LINUX01\n"
				   "VM00 Control Program: z/VM    7.3.0   \n"}, END},
		 RTHC_HV_OTHER, "/proc/sysinfo", "z/VM    7.3.0"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct virt_env e = {0};
		const struct rthc_virt *v = tree(&e, cases[i].files);
		char what[32];

		snprintf(what, sizeof(what), "guest case %zu", i);
		assert_virt(v, RTHC_ROLE_GUEST, cases[i].hv, what);
		assert_string_equal(v->evidence_source, cases[i].source);
		if (!strstr(v->evidence, cases[i].evidence))
			fail_msg("%s: evidence \"%s\" lacks \"%s\"", what, v->evidence,
				 cases[i].evidence);
		env_done(&e);
	}
}

static void test_xen(void **state)
{
	struct virt_env e = {0};
	const struct rthc_virt *v;

	(void)state;
	/* dom0 carries the hypervisor flag and /sys/hypervisor, yet it is the host. */
	v = tree(&e, (const struct file[]){{"proc/cpuinfo", CPUINFO_FLAG},
					   {"sys/hypervisor/type", "xen\n"},
					   {"proc/xen/capabilities", "control_d\n"}, END});
	assert_virt(v, RTHC_ROLE_HOST, RTHC_HV_XEN, "dom0");
	assert_non_null(strstr(v->host_note, "dom0"));
	env_done(&e);

	/* dom0 by its all-zero UUID when xenfs is not mounted. */
	v = tree(&e, (const struct file[]){{"sys/hypervisor/type", "xen\n"},
					   {UUID, "00000000-0000-0000-0000-000000000000\n"},
					   END});
	assert_virt(v, RTHC_ROLE_HOST, RTHC_HV_XEN, "dom0 uuid");
	env_done(&e);

	/* A domU by its UUID. */
	v = tree(&e, (const struct file[]){{"proc/cpuinfo", CPUINFO_FLAG},
					   {"sys/hypervisor/type", "xen\n"},
					   {UUID, "8a1d2f6e-3c1b-4e2a-9f7d-2b6c1e0d9a44\n"},
					   END});
	assert_virt(v, RTHC_ROLE_GUEST, RTHC_HV_XEN, "domU uuid");
	assert_string_equal(v->evidence_source, "/sys/hypervisor/uuid");
	env_done(&e);

	/* An HVM domU by the Xen platform PCI device. */
	v = tree(&e, (const struct file[]){{"sys/hypervisor/type", "xen\n"},
					   {"proc/bus/pci/devices", "0018\t58530001\t1c\n"}, END});
	assert_virt(v, RTHC_ROLE_GUEST, RTHC_HV_XEN, "HVM domU");
	env_done(&e);

	/* Xen on arm: the device-tree hypervisor node (a NUL-separated list), a domain UUID. */
	e.tmp = tmpdir_new();
	write_file(e.tmp, "sys/hypervisor/uuid", "3f0e9c4a-5b7d-4e21-8c3a-1d2e3f4a5b6c\n");
	write_bytes(e.tmp, "proc/device-tree/hypervisor/compatible", "xen,xen-4.17\0xen,xen\0", 21);
	v = detect(&e, e.tmp);
	assert_virt(v, RTHC_ROLE_GUEST, RTHC_HV_XEN, "arm domU");
	assert_non_null(strstr(v->evidence, "device-tree hypervisor node"));
	env_done(&e);

	/* Xen, but nothing tells dom0 from domU: never guess a guest. */
	v = tree(&e, (const struct file[]){{"proc/cpuinfo", CPUINFO_FLAG},
					   {"sys/hypervisor/type", "xen\n"}, END});
	assert_virt(v, RTHC_ROLE_HOST, RTHC_HV_XEN, "undecided");
	assert_non_null(strstr(v->host_note, "--guest"));
	env_done(&e);
}

/* The fixture trees of the guest checks. */
static void test_fixtures(void **state)
{
	struct virt_env e = {0};
	const struct rthc_virt *v;

	(void)state;
	v = detect(&e, fixture_dir("guest-good"));
	assert_virt(v, RTHC_ROLE_GUEST, RTHC_HV_KVM, "guest-good");
	assert_string_equal(v->evidence,
			    "/proc/cpuinfo flags include \"hypervisor\"; DMI sys_vendor \"QEMU\"");
	env_done(&e);
	v = detect(&e, fixture_dir("guest-bad"));
	assert_virt(v, RTHC_ROLE_GUEST, RTHC_HV_KVM, "guest-bad");
	assert_non_null(strstr(v->evidence, "DMI sys_vendor \"Red Hat\""));
	env_done(&e);
	/* Host fixtures of other areas stay hosts. */
	v = detect(&e, fixture_dir("irq-pci"));
	assert_virt(v, RTHC_ROLE_HOST, RTHC_HV_NONE, "irq-pci");
	env_done(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_realdata),
		cmocka_unit_test(test_bare_metal_stays_host),
		cmocka_unit_test(test_dmi_and_flag),
		cmocka_unit_test(test_xen),
		cmocka_unit_test(test_fixtures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
