/*
 * The libpci adapter on fixture sysfs trees: libpci pointed at ROOT/sys/bus/pci, the fields it
 * does not expose read through the accessor, the same answers from the accessor-only fallback,
 * and the fallback whenever libpci could leave the tree or would abort on it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "host.h"
#include "hw-pci.h"
#include "macro.h"

static struct rthc_pci *scan(const char *root, unsigned flags, int want)
{
	struct rthc_pci *p = NULL;
	struct rthc_host *h;

	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_pci_scan(h, flags, &p), want);
	rthc_host_free(h);
	return p;
}

static const struct rthc_pci_dev *slot(const struct rthc_pci *p, const char *s)
{
	const struct rthc_pci_dev *d = rthc_pci_find_slot(p, s);

	if (!d)
		fail_msg("no device %s", s);
	return d;
}

static void check_fixture(const struct rthc_pci *p)
{
	const struct rthc_pci_dev *d;
	bool msi = false;

	assert_int_equal(p->ndevs, 6);
	assert_string_equal(p->devs[0].slot, "0000:00:03.0"); /* sorted by address */
	assert_string_equal(p->devs[5].slot, "0000:02:00.0");

	d = slot(p, "0000:01:00.0");
	assert_int_equal(d->domain, 0);
	assert_int_equal(d->bus, 1);
	assert_int_equal(d->vendor, 0x8086);
	assert_int_equal(d->device, 0x1572);
	assert_int_equal(d->class_code, 0x020000);
	assert_int_equal(d->numa_node, 1);
	assert_string_equal(d->driver, "i40e"); /* dangling link in the tree: accessor readlink */
	assert_int_equal(d->irq, 16);
	assert_int_equal(d->nmsi, 4);
	assert_int_equal(d->msi_irqs[0], 40);
	assert_int_equal(d->msi_irqs[3], 43);
	assert_int_equal(d->sriov_totalvfs, 64);
	assert_int_equal(d->sriov_numvfs, 2);
	assert_false(d->is_vf);
	assert_int_equal(d->iommu_group, 12);
	assert_int_equal(d->nnet, 1);
	assert_string_equal(d->net[0], "ens1f0");
	assert_null(d->net[1]);
	assert_true(rthc_pci_is_net(d));

	d = slot(p, "0000:01:02.0");
	assert_true(d->is_vf);
	assert_string_equal(d->driver, "iavf");
	assert_int_equal(d->irq, 0);
	assert_int_equal(d->iommu_group, -1);
	assert_int_equal(d->sriov_totalvfs, -1);

	d = slot(p, "0000:02:00.0");
	assert_int_equal(d->class_code, 0x010802);
	assert_int_equal(d->numa_node, 0);
	assert_int_equal(d->nmsi, 5);
	assert_int_equal(d->nnet, 0);
	assert_false(rthc_pci_is_net(d));

	d = slot(p, "0000:00:1f.2");
	assert_int_equal(d->class_code, 0x010601);
	assert_int_equal(d->numa_node, -1);
	assert_string_equal(d->driver, "ahci");

	d = slot(p, "0000:00:03.0"); /* virtio-net: the interface sits under virtio0/net */
	assert_int_equal(d->vendor, 0x1af4);
	assert_int_equal(d->nnet, 1);
	assert_string_equal(d->net[0], "eth0");

	assert_string_equal(rthc_pci_find_irq(p, 41, &msi)->slot, "0000:01:00.0");
	assert_true(msi);
	assert_string_equal(rthc_pci_find_irq(p, 16, &msi)->slot, "0000:01:00.0");
	assert_false(msi);
	assert_string_equal(rthc_pci_find_irq(p, 28, NULL)->slot, "0000:02:00.0");
	assert_string_equal(rthc_pci_find_irq(p, 50, NULL)->slot, "0000:01:02.0");
	assert_null(rthc_pci_find_irq(p, 99, NULL));
	assert_null(rthc_pci_find_irq(p, 0, NULL));
	assert_null(rthc_pci_find_slot(p, "0000:09:00.0"));
}

static void test_libpci_fixture(void **state)
{
	struct rthc_pci *p = scan(fixture_dir("irq-pci"), 0, 0);

	(void)state;
	assert_true(p->libpci);
	assert_null(p->fallback_reason);
	check_fixture(p);
	rthc_pci_free(p);
}

static void test_accessor_fixture(void **state)
{
	struct rthc_pci *p = scan(fixture_dir("irq-pci"), RTHC_PCI_NO_LIBPCI, 0);

	(void)state;
	assert_false(p->libpci);
	assert_string_equal(p->fallback_reason, "disabled by the caller");
	check_fixture(p);
	rthc_pci_free(p);
}

static void add_dev(const char *root, const char *s, const char *vendor, const char *link)
{
	char path[256];

	snprintf(path, sizeof(path), "sys/devices/pci0000:00/%s/vendor", s);
	if (vendor)
		write_file(root, path, vendor);
	snprintf(path, sizeof(path), "sys/devices/pci0000:00/%s/device", s);
	write_file(root, path, "0x1234\n");
	snprintf(path, sizeof(path), "sys/devices/pci0000:00/%s/class", s);
	write_file(root, path, "0x020000\n");
	snprintf(path, sizeof(path), "sys/devices/pci0000:00/%s/irq", s);
	write_file(root, path, "0\n");
	snprintf(path, sizeof(path), "sys/bus/pci/devices/%s", s);
	make_symlink(root, path, link);
}

/* An absolute link would send libpci to the live host: the accessor reads the tree instead. */
static void test_escaping_links(void **state)
{
	static const char *const links[] = {
		"/sys/devices/pci0000:00/0000:00:04.0",
		"../../../../../../sys/devices/pci0000:00/0000:00:04.0",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		char *root = tmpdir_new();
		struct rthc_pci *p;

		add_dev(root, "0000:00:04.0", "0xabcd\n", links[i]);
		p = scan(root, 0, 0);
		assert_false(p->libpci);
		assert_string_equal(p->fallback_reason, "a device link leaves the root");
		assert_int_equal(p->ndevs, 1);
		assert_int_equal(p->devs[0].vendor, 0xabcd); /* the tree's file, not the host's */
		rthc_pci_free(p);
		tmpdir_remove(root);
		free(root);
	}
}

/* Files libpci treats as fatal (it would exit): fall back, skip the bad device, keep the rest. */
static void test_bad_devices(void **state)
{
	static const char *const vendors[] = {NULL, "garbage\n", "0x12345\n", ""};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(vendors); i++) {
		char *root = tmpdir_new();
		struct rthc_pci *p;

		add_dev(root, "0000:00:04.0", "0x8086\n", "../../../devices/pci0000:00/0000:00:04.0");
		add_dev(root, "0000:00:05.0", vendors[i], "../../../devices/pci0000:00/0000:00:05.0");
		p = scan(root, 0, 0);
		assert_false(p->libpci);
		assert_string_equal(p->fallback_reason,
				    "a device lacks readable vendor, device, class or irq files");
		assert_int_equal(p->ndevs, 1);
		assert_string_equal(p->devs[0].slot, "0000:00:04.0");
		rthc_pci_free(p);
		tmpdir_remove(root);
		free(root);
	}
}

static void test_odd_entries(void **state)
{
	char *root = tmpdir_new();
	struct rthc_pci *p;

	(void)state;
	add_dev(root, "0000:00:04.0", "0x8086\n", "../../../devices/pci0000:00/0000:00:04.0");
	write_file(root, "sys/bus/pci/devices/foo", "not a device\n");
	p = scan(root, 0, 0);
	assert_false(p->libpci);
	assert_string_equal(p->fallback_reason, "an entry of /sys/bus/pci/devices is not a PCI address");
	assert_int_equal(p->ndevs, 1);
	assert_int_equal(p->devs[0].vendor, 0x8086);
	rthc_pci_free(p);
	tmpdir_remove(root);
	free(root);

	/* no PCI bus at all; an empty bus */
	root = tmpdir_new();
	assert_null(scan(root, 0, -ENOENT));
	write_file(root, "sys/bus/pci/devices/.keep", "");
	p = scan(root, 0, 0);
	assert_int_equal(p->ndevs, 0);
	assert_null(rthc_pci_find_irq(p, 1, NULL));
	rthc_pci_free(p);
	tmpdir_remove(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libpci_fixture),
		cmocka_unit_test(test_accessor_fixture),
		cmocka_unit_test(test_escaping_links),
		cmocka_unit_test(test_bad_devices),
		cmocka_unit_test(test_odd_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
