/*
 * /proc/interrupts: every real file of ../shared/realdata/interrupts (1 to 80 CPUs, x86 and
 * aarch64, 2.4 to 4.20 formats, header gaps, glued labels), hand-written rows of each format,
 * the streaming API, errors, and random or truncated input.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "helpers.h"
#include "host.h"
#include "interrupts.h"
#include "macro.h"

static const char *realdata_dir(void)
{
	static char buf[PATH_MAX];
	const char *top = getenv("top_srcdir");

	snprintf(buf, sizeof(buf), "%s/../shared/realdata/interrupts", top ? top : ".");
	return buf;
}

/* Read one realdata file as a table (skips the test when ../shared is absent). */
static struct rthc_interrupts *read_real(const char *name, unsigned flags)
{
	struct rthc_interrupts *t = NULL;
	struct rthc_host *h = NULL;
	char path[PATH_MAX];
	DIR *d = opendir(realdata_dir());

	if (!d)
		skip();
	closedir(d);
	assert_int_equal(rthc_host_new(realdata_dir(), &h), 0);
	snprintf(path, sizeof(path), "/%s", name);
	assert_int_equal(rthc_interrupts_read(h, path, flags, NULL, &t), 0);
	rthc_host_free(h);
	return t;
}

static const struct rthc_irq_entry *num(const struct rthc_interrupts *t, unsigned irq)
{
	const struct rthc_irq_entry *e = rthc_interrupts_find(t, irq);

	if (!e)
		fail_msg("irq %u not found", irq);
	return e;
}

static const struct rthc_irq_entry *named(const struct rthc_interrupts *t, const char *label)
{
	const struct rthc_irq_entry *e = rthc_interrupts_find_named(t, label);

	if (!e)
		fail_msg("row %s not found", label);
	return e;
}

static size_t count_numeric(const struct rthc_interrupts *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nrows; i++)
		n += t->rows[i].numeric;
	return n;
}

/* Rows per file, counted by hand (numeric, named), and the number of CPU columns. */
static const struct {
	const char *file;
	size_t ncols, numeric, named;
} real_files[] = {
	{"deterministic-fam17h-16cpu-linux4.20.txt", 16, 91, 22},
	{"deterministic-haswell-ep-32cpu-linux4.13.txt", 32, 100, 19},
	{"deterministic-nehalem-x5570-16cpu-linux2.6.38.txt", 16, 34, 14},
	{"deterministic-westmere-ex-80cpu-linux3.2.txt", 80, 51, 14},
	{"kernel-doc-proc.rst-smp-2.4-2cpu.txt", 2, 12, 3},
	{"kernel-doc-proc.rst-up-xtpic-1cpu.txt", 1, 12, 1},
	{"node_exporter-aarch64-8cpu.txt", 8, 51, 8},
	{"node_exporter-x86_64-4cpu.txt", 4, 15, 15},
	{"procfs-fixture-x86_64-4cpu-kvm.txt", 4, 28, 19},
	{"sysstat-root1-x86_64-9cpu.txt", 9, 21, 22},
	{"sysstat-root4-x86_64-cpu6-missing.txt", 8, 21, 22},
};

/* Every file in the folder parses, and the ones we know have the rows counted by hand. */
static void test_real_all_files(void **state)
{
	DIR *d = opendir(realdata_dir());
	struct dirent *de;
	size_t seen = 0;

	(void)state;
	if (!d)
		skip();
	while ((de = readdir(d))) {
		struct rthc_interrupts *t;

		if (de->d_name[0] == '.')
			continue;
		t = read_real(de->d_name, RTHC_INTERRUPTS_COUNTS);
		assert_true(t->ncols >= 1);
		assert_true(t->nrows > 0);
		assert_int_equal(t->skipped, 0);
		for (size_t i = 0; i < t->nrows; i++) {
			assert_non_null(t->rows[i].label);
			assert_non_null(t->rows[i].desc);
		}
		for (size_t k = 0; k < ARRAY_SIZE(real_files); k++) {
			if (!streq(real_files[k].file, de->d_name))
				continue;
			assert_int_equal(t->ncols, real_files[k].ncols);
			assert_int_equal(count_numeric(t), real_files[k].numeric);
			assert_int_equal(t->nnumeric, real_files[k].numeric);
			assert_int_equal(t->nrows - count_numeric(t), real_files[k].named);
			seen++;
		}
		rthc_interrupts_free(t);
	}
	closedir(d);
	assert_int_equal(seen, ARRAY_SIZE(real_files));
}

static void test_real_fam17h(void **state)
{
	struct rthc_interrupts *t = read_real("deterministic-fam17h-16cpu-linux4.20.txt",
					      RTHC_INTERRUPTS_COUNTS);
	const struct rthc_irq_entry *e;

	(void)state;
	assert_int_equal(t->cpus[15], 15);
	e = num(t, 0);
	assert_string_equal(e->chip, "IR-IO-APIC");
	assert_string_equal(e->hwirq, "2");
	assert_string_equal(e->trigger, "edge");
	assert_string_equal(e->desc, "timer");
	assert_int_equal(e->counts[0], 35);
	/* two actions on one line, and an MSI with a glued hwirq-trigger */
	for (size_t i = 0; i < t->nrows; i++)
		if (strstr(t->rows[i].desc, "hpilo")) {
			assert_string_equal(t->rows[i].desc, "ehci_hcd:usb1, hpilo");
			assert_int_equal(t->rows[i].nactions, 2);
			assert_string_equal(t->rows[i].hwirq, "13");
			assert_string_equal(t->rows[i].trigger, "fasteoi");
		}
	e = num(t, 25);
	assert_string_equal(e->chip, "PCI-MSI");
	assert_string_equal(e->hwirq, "4096");
	assert_string_equal(e->trigger, "edge");
	assert_string_equal(e->desc, "AMD-Vi");
	e = named(t, "LOC");
	assert_string_equal(e->desc, "Local timer interrupts");
	assert_int_equal(e->counts[15], 1013671);
	assert_int_equal(named(t, "ERR")->counts[1], 0);
	assert_int_equal(named(t, "MIS")->total, 0);
	rthc_interrupts_free(t);
}

static void test_real_haswell(void **state)
{
	struct rthc_interrupts *t = read_real("deterministic-haswell-ep-32cpu-linux4.13.txt",
					      RTHC_INTERRUPTS_COUNTS);
	bool three = false, dmar = false, qib = false;

	(void)state;
	assert_int_equal(t->cpus[31], 31);
	for (size_t i = 0; i < t->nrows; i++) {
		const struct rthc_irq_entry *e = &t->rows[i];

		if (streq(e->desc, "i801_smbus, ehci_hcd:usb1, ehci_hcd:usb3")) {
			assert_int_equal(e->nactions, 3);
			assert_string_equal(e->hwirq, "18");
			three = true;
		}
		if (streq(e->desc, "dmar0")) {
			assert_string_equal(e->chip, "DMAR-MSI");
			assert_string_equal(e->hwirq, "0");
			dmar = true;
		}
		if (streq(e->desc, "ib_qib0 (buf avail)")) {
			assert_int_equal(e->nactions, 1);
			qib = true;
		}
		if (streq(e->desc, "hpsa0-msix26"))
			assert_int_equal(e->total, e->counts[26]);
	}
	assert_true(three && dmar && qib);
	rthc_interrupts_free(t);
}

static void test_real_nehalem_2638(void **state)
{
	struct rthc_interrupts *t = read_real("deterministic-nehalem-x5570-16cpu-linux2.6.38.txt",
					      RTHC_INTERRUPTS_COUNTS);
	const struct rthc_irq_entry *e;

	(void)state;
	e = num(t, 0);
	assert_int_equal(e->counts[0], 444821636);
	assert_string_equal(e->chip, "IO-APIC");
	assert_string_equal(e->trigger, "edge");
	assert_string_equal(e->hwirq, "");
	assert_string_equal(e->desc, "timer");
	e = num(t, 3); /* no action at all */
	assert_string_equal(e->chip, "IO-APIC");
	assert_int_equal(e->nactions, 0);
	assert_string_equal(e->desc, "");
	e = num(t, 9);
	assert_string_equal(e->trigger, "fasteoi");
	e = named(t, "LOC");
	assert_int_equal(e->counts[0], 1415);
	assert_int_equal(e->counts[1], 444823116);
	assert_int_equal(named(t, "ERR")->total, 15);
	rthc_interrupts_free(t);
}

static void test_real_westmere_80(void **state)
{
	struct rthc_interrupts *t = read_real("deterministic-westmere-ex-80cpu-linux3.2.txt",
					      RTHC_INTERRUPTS_COUNTS);
	const struct rthc_irq_entry *e;

	(void)state;
	assert_int_equal(t->cpus[79], 79);
	e = num(t, 102);
	assert_string_equal(e->desc, "megasas");
	assert_string_equal(e->chip, "PCI-MSI");
	assert_int_equal(e->counts[2], 7127659);
	assert_int_equal(e->total, 5534 + 7127659);
	assert_int_equal(num(t, 18)->nactions, 2);
	assert_int_equal(rthc_interrupts_column(t, 79), 79);
	assert_int_equal(rthc_interrupts_column(t, 80), -1);
	rthc_interrupts_free(t);
}

static void test_real_24_and_up(void **state)
{
	struct rthc_interrupts *t = read_real("kernel-doc-proc.rst-smp-2.4-2cpu.txt", 0);
	const struct rthc_irq_entry *e;

	(void)state;
	e = num(t, 2);
	assert_string_equal(e->chip, "XT-PIC");
	assert_string_equal(e->trigger, "");
	assert_string_equal(e->desc, "cascade");
	e = num(t, 17);
	assert_string_equal(e->chip, "IO-APIC");
	assert_string_equal(e->trigger, "level");
	assert_string_equal(e->desc, "eth0");
	assert_string_equal(num(t, 12)->desc, "PS/2 Mouse");
	assert_int_equal(num(t, 0)->total, 1243498 + 1214548);
	assert_int_equal(named(t, "ERR")->total, 2155);
	rthc_interrupts_free(t);

	t = read_real("kernel-doc-proc.rst-up-xtpic-1cpu.txt", RTHC_INTERRUPTS_COUNTS);
	assert_int_equal(t->ncols, 1);
	assert_int_equal(t->cpus[0], 0);
	assert_int_equal(num(t, 0)->counts[0], 8728810);
	assert_string_equal(num(t, 0)->desc, "timer");
	assert_int_equal(named(t, "NMI")->total, 0);
	rthc_interrupts_free(t);
}

static void test_real_aarch64(void **state)
{
	struct rthc_interrupts *t = read_real("node_exporter-aarch64-8cpu.txt", RTHC_INTERRUPTS_COUNTS);
	const struct rthc_irq_entry *e;

	(void)state;
	e = num(t, 10);
	assert_int_equal(e->counts[0], 3287008667ULL);
	assert_string_equal(e->chip, "GICv3");
	assert_string_equal(e->hwirq, "27");
	assert_string_equal(e->trigger, "Level");
	assert_string_equal(e->desc, "arch_timer");
	e = num(t, 50);
	assert_string_equal(e->chip, "ARMH0061:00");
	assert_string_equal(e->hwirq, "3");
	assert_string_equal(e->desc, "ACPI:Event");
	assert_string_equal(num(t, 57)->desc, "ena-mgmnt@pci:0000:00:05.0");
	assert_string_equal(num(t, 53)->desc, "nvme0q1");
	assert_int_equal(num(t, 53)->counts[0], 129969327);
	/* label glued to a count that fills its column */
	e = named(t, "IPI0");
	assert_int_equal(e->counts[0], 2768808080ULL);
	assert_int_equal(e->counts[7], 2154252810ULL);
	assert_string_equal(e->desc, "Rescheduling interrupts");
	assert_int_equal(named(t, "Err")->total, 0);
	rthc_interrupts_free(t);
}

static void test_real_sparse_header(void **state)
{
	struct rthc_interrupts *t = read_real("sysstat-root4-x86_64-cpu6-missing.txt",
					      RTHC_INTERRUPTS_COUNTS);
	static const unsigned want[] = {0, 1, 2, 3, 4, 5, 7, 8};
	const struct rthc_irq_entry *e;

	(void)state;
	assert_int_equal(t->ncols, 8);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(t->cpus[i], want[i]);
	assert_int_equal(rthc_interrupts_column(t, 7), 6);
	assert_int_equal(rthc_interrupts_column(t, 6), -1);
	e = num(t, 16);
	assert_int_equal(e->counts[rthc_interrupts_column(t, 3)], 10536);
	assert_string_equal(e->desc, "ehci_hcd:usb1");
	/* CPU 8 is the eighth column, not the ninth */
	e = named(t, "LOC");
	assert_int_equal(e->counts[rthc_interrupts_column(t, 8)], 12456);
	rthc_interrupts_free(t);

	t = read_real("procfs-fixture-x86_64-4cpu-kvm.txt", 0);
	assert_string_equal(num(t, 29)->desc, "ahci[0000:00:1f.2]");
	assert_string_equal(num(t, 25)->hwirq, "114689");
	assert_non_null(rthc_interrupts_find_named(t, "PIN")); /* after a blank line */
	rthc_interrupts_free(t);

	t = read_real("node_exporter-x86_64-4cpu.txt", 0);
	assert_string_equal(num(t, 40)->chip, "DMAR_MSI");
	assert_string_equal(num(t, 40)->trigger, "edge");
	assert_int_equal(num(t, 16)->nactions, 2);
	rthc_interrupts_free(t);
}

/* Feed lines to a fresh parser; returns the last row. */
static const struct rthc_irq_row *feed(struct rthc_irq_parser *p, const char *line)
{
	const struct rthc_irq_row *row = NULL;
	int r = rthc_irq_parser_feed(p, line, strlen(line), &row);

	assert_true(r >= 0);
	return row;
}

static void test_row_formats(void **state)
{
	struct rthc_irq_parser *p;
	const struct rthc_irq_row *row;

	(void)state;
	assert_int_equal(rthc_irq_parser_new(&p), 0);
	assert_null(feed(p, "           CPU0       CPU2       CPU5"));
	assert_int_equal(rthc_irq_parser_header(p)->ncols, 3);
	assert_int_equal(rthc_irq_parser_header(p)->cpus[2], 5);

	row = feed(p, " 124:          0          5          7  IR-PCI-MSI 524288-edge      nvme0q1");
	assert_non_null(row);
	assert_true(row->numeric);
	assert_int_equal(row->irq, 124);
	assert_int_equal(row->ncounts, 3);
	assert_int_equal(row->counts[2], 7);
	assert_string_equal(row->chip, "IR-PCI-MSI");
	assert_string_equal(row->hwirq, "524288");
	assert_string_equal(row->trigger, "edge");
	assert_int_equal(row->nactions, 1);
	assert_string_equal(row->actions[0], "nvme0q1");

	/* no irq domain: the flow name alone */
	row = feed(p, "   7:          0          0          0  IR-IO-APIC        -fasteoi   acpi");
	assert_string_equal(row->hwirq, "");
	assert_string_equal(row->trigger, "fasteoi");
	assert_string_equal(row->desc, "acpi");

	/* GENERIC_IRQ_SHOW_LEVEL with a flow name after the level */
	row = feed(p, "  11:          1          2          3     GICv3  30 Level     -fasteoi  x, y");
	assert_string_equal(row->trigger, "Level");
	assert_int_equal(row->nactions, 2);
	assert_string_equal(row->actions[1], "y");

	/* no action, no chip: only counts */
	row = feed(p, "  12:          1          2          3");
	assert_string_equal(row->chip, "");
	assert_int_equal(row->nactions, 0);

	/* fewer counts than columns: ERR, MIS */
	row = feed(p, " ERR:          9");
	assert_false(row->numeric);
	assert_int_equal(row->ncounts, 1);
	assert_int_equal(row->counts[0], 9);
	assert_string_equal(row->desc, "");

	/* label glued to a count that fills its column */
	row = feed(p, "IPI0:4294967295 1 2       Rescheduling interrupts");
	assert_string_equal(row->label, "IPI0");
	assert_int_equal(row->counts[0], 4294967295ULL);
	assert_string_equal(row->desc, "Rescheduling interrupts");

	/* a huge IRQ number and an action list with odd spacing */
	row = feed(p, "123456789: 0 0 0 PCI-MSIX-0000:00:14.0 0-edge  a,b ,  c");
	assert_int_equal(row->irq, 123456789);
	assert_int_equal(row->nactions, 3);
	assert_string_equal(row->actions[0], "a");
	assert_string_equal(row->actions[1], "b");
	assert_string_equal(row->actions[2], "c");

	/* not rows */
	assert_null(feed(p, ""));
	assert_null(feed(p, "      "));
	assert_null(feed(p, "garbage without colon"));
	assert_null(feed(p, "  5:   xx  "));
	assert_null(feed(p, ": 1 2 3"));
	assert_int_equal(rthc_irq_parser_skipped(p), 3);
	rthc_irq_parser_free(p);
}

static void test_not_a_header(void **state)
{
	struct rthc_irq_parser *p;
	const struct rthc_irq_row *row;

	(void)state;
	assert_int_equal(rthc_irq_parser_new(&p), 0);
	assert_int_equal(rthc_irq_parser_feed(p, "  0: 1 2 3", 10, &row), -EINVAL);
	rthc_irq_parser_free(p);
	assert_int_equal(rthc_irq_parser_new(&p), 0);
	assert_int_equal(rthc_irq_parser_feed(p, "CPU0 CPUx", 9, &row), -EINVAL);
	rthc_irq_parser_free(p);
}

static int count_cb(const struct rthc_irq_header *hdr, const struct rthc_irq_row *row, void *ud)
{
	size_t *n = ud;

	assert_int_equal(hdr->ncols, 2);
	assert_true(row->ncounts <= hdr->ncols);
	(*n)++;
	return row->numeric && row->irq == 99 ? -ECANCELED : 0;
}

static void test_host_errors(void **state)
{
	char *root = tmpdir_new();
	struct rthc_interrupts *t = NULL;
	struct rthc_host *h;
	size_t n = 0;

	(void)state;
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_interrupts_read(h, RTHC_INTERRUPTS_PATH, 0, NULL, &t), -ENOENT);
	write_file(root, "proc/interrupts", "");
	assert_int_equal(rthc_interrupts_read(h, RTHC_INTERRUPTS_PATH, 0, NULL, &t), -ENODATA);
	rthc_host_free(h);

	write_file(root, "proc/interrupts", "this is not /proc/interrupts\n");
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_interrupts_read(h, RTHC_INTERRUPTS_PATH, 0, NULL, &t), -EINVAL);
	rthc_host_free(h);

	write_file(root, "proc/interrupts", "  CPU0 CPU1\n  1: 5 6 X a\n 99: 1 1\n100: 0 0\nLOC: 3 4\n");
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_interrupts_foreach(h, RTHC_INTERRUPTS_PATH, count_cb, &n), -ECANCELED);
	assert_int_equal(n, 2);
	assert_int_equal(rthc_interrupts_read(h, RTHC_INTERRUPTS_PATH, 0, NULL, &t), 0);
	assert_int_equal(t->nrows, 4);
	assert_null(t->rows[0].counts);
	assert_int_equal(t->rows[0].total, 11);
	assert_null(rthc_interrupts_find(t, 2));
	assert_null(rthc_interrupts_find_named(t, "RES"));
	rthc_interrupts_free(t);
	assert_int_equal(rthc_host_inject_error(h, RTHC_INTERRUPTS_PATH, RTHC_HOST_OP_READ, -EACCES), 0);
	assert_int_equal(rthc_interrupts_read(h, RTHC_INTERRUPTS_PATH, 0, NULL, &t), -EACCES);
	rthc_host_free(h);
	tmpdir_remove(root);
	free(root);
}

/* IRQ numbers out of order (never from the kernel) still find the first row of a number. */
static void test_unsorted_and_duplicates(void **state)
{
	char *root = tmpdir_new();
	struct rthc_interrupts *t = NULL;
	struct rthc_host *h;

	(void)state;
	write_file(root, "proc/interrupts",
		   "CPU3 CPU1\n 30: 1 0 A 1-edge a\n 10: 2 0 A 2-edge b\n 30: 3 0 A 3-edge c\n");
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_interrupts_read(h, RTHC_INTERRUPTS_PATH, 0, NULL, &t), 0);
	assert_false(t->cols_sorted);
	assert_int_equal(rthc_interrupts_column(t, 1), 1);
	assert_int_equal(rthc_interrupts_column(t, 2), -1);
	assert_string_equal(rthc_interrupts_find(t, 30)->desc, "a");
	assert_string_equal(rthc_interrupts_find(t, 10)->desc, "b");
	rthc_interrupts_free(t);
	rthc_host_free(h);
	tmpdir_remove(root);
	free(root);
}

/* Counts summed over selected CPUs (by CPU ID, through the header's sparse columns). */
static void test_selected(void **state)
{
	struct rthc_cpuset sel = RTHC_CPUSET_INIT;
	struct rthc_interrupts *t = NULL;
	char *root = tmpdir_new();
	struct rthc_host *h;

	(void)state;
	write_file(root, "proc/interrupts", "  CPU0 CPU2 CPU3\n 24: 1 20 300 PCI-MSI 1-edge a\n"
		   "ERR: 7\nLOC: 5 6\n");
	assert_int_equal(rthc_cpuset_parse_list(&sel, "1-3", 0), 0);
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_interrupts_read(h, RTHC_INTERRUPTS_PATH, 0, &sel, &t), 0);
	assert_int_equal(rthc_interrupts_find(t, 24)->selected, 320);
	assert_int_equal(rthc_interrupts_find(t, 24)->total, 321);
	assert_int_equal(rthc_interrupts_find_named(t, "ERR")->selected, 0); /* one count: CPU 0 */
	assert_int_equal(rthc_interrupts_find_named(t, "LOC")->selected, 6);
	rthc_interrupts_free(t);
	rthc_host_free(h);
	rthc_cpuset_done(&sel);
	tmpdir_remove(root);
	free(root);
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void check_row(const struct rthc_irq_parser *p, const struct rthc_irq_row *row)
{
	const struct rthc_irq_header *hdr = rthc_irq_parser_header(p);

	if (!row)
		return;
	assert_non_null(hdr);
	assert_true(row->ncounts >= 1 && row->ncounts <= hdr->ncols);
	assert_non_null(row->label);
	assert_non_null(row->chip);
	assert_non_null(row->hwirq);
	assert_non_null(row->trigger);
	assert_non_null(row->desc);
	for (size_t i = 0; i < row->nactions; i++)
		assert_true(strlen(row->actions[i]) > 0);
}

/* Random lines built from the tokens of real files, random bytes, and every truncation. */
static void test_fuzz(void **state)
{
	static const char *const toks[] = {
		"CPU0", "CPU7", "0:", "24:", "LOC:", "IPI3:", ":", "12", "4294967295",
		"99999999999999999999999", "IR-PCI-MSI", "524288-edge", "-edge", "Level", "Edge",
		"nvme0q1,", "a,", ",", ", ", "IO-APIC-edge", "  ", "\t", "x", "-", "1-", "\xff",
	};
	static const char *const real[] = {
		"           CPU0       CPU1       CPU2       CPU3",
		"  0:         49          0          0          0   IO-APIC   2-edge      timer",
		"IPI0:2768808080 2844211768 2878602432 2730576120       Rescheduling interrupts",
		" 16:     328511     322879     293782     351412  IR-IO-APIC-fasteoi   ehci, mmc0",
		"ERR:          0",
	};
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	struct rthc_irq_parser *p;
	const struct rthc_irq_row *row;
	char line[512];

	(void)state;
	for (int round = 0; round < 2000; round++) {
		size_t len = 0;
		unsigned ntok = (unsigned)(rng_next(&seed) % 12);

		assert_int_equal(rthc_irq_parser_new(&p), 0);
		if (round & 1)
			assert_int_equal(rthc_irq_parser_feed(p, real[0], strlen(real[0]), &row), 0);
		for (int l = 0; l < 8; l++) {
			len = 0;
			for (unsigned i = 0; i < ntok && len < sizeof(line) - 64; i++) {
				const char *tk = toks[rng_next(&seed) % ARRAY_SIZE(toks)];

				len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", tk,
							rng_next(&seed) % 3 ? " " : "");
			}
			if (round % 5 == 0)
				for (size_t i = 0; i < len; i++)
					if (rng_next(&seed) % 7 == 0)
						line[i] = (char)(rng_next(&seed) & 0xff);
			int r = rthc_irq_parser_feed(p, line, len, &row);

			assert_true(r == 0 || r == 1 || r == -EINVAL);
			if (r == 1)
				check_row(p, row);
		}
		rthc_irq_parser_free(p);
	}
	/* every prefix of real lines, with and without the header */
	for (size_t k = 1; k < ARRAY_SIZE(real); k++) {
		for (size_t n = 0; n <= strlen(real[k]); n++) {
			assert_int_equal(rthc_irq_parser_new(&p), 0);
			assert_int_equal(rthc_irq_parser_feed(p, real[0], strlen(real[0]), &row), 0);
			assert_true(rthc_irq_parser_feed(p, real[k], n, &row) >= 0);
			check_row(p, row);
			rthc_irq_parser_free(p);
		}
	}
	/* an embedded NUL ends the line */
	assert_int_equal(rthc_irq_parser_new(&p), 0);
	assert_int_equal(rthc_irq_parser_feed(p, "CPU0 CPU1", 9, &row), 0);
	assert_int_equal(rthc_irq_parser_feed(p, "5: 1\0 2 chip name", 17, &row), 1);
	assert_int_equal(row->ncounts, 1);
	assert_string_equal(row->chip, "");
	rthc_irq_parser_free(p);
}

/* A 1024-CPU file: the header maps all columns and a row keeps every count. */
static void test_large_header(void **state)
{
	char *root = tmpdir_new();
	struct rthc_interrupts *t = NULL;
	struct rthc_host *h;
	size_t cap = 1024 * 24 * 4, len = 0;
	char *buf = malloc(cap);

	(void)state;
	assert_non_null(buf);
	for (unsigned c = 0; c < 1024; c++)
		len += (size_t)snprintf(buf + len, cap - len, " CPU%u", c * 2);
	len += (size_t)snprintf(buf + len, cap - len, "\n  42:");
	for (unsigned c = 0; c < 1024; c++)
		len += (size_t)snprintf(buf + len, cap - len, " %10u", c);
	snprintf(buf + len, cap - len, "  PCI-MSI 1-edge  eth0-rx-0\nLOC: 1 2\n");
	write_file(root, "proc/interrupts", buf);
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_interrupts_read(h, RTHC_INTERRUPTS_PATH, RTHC_INTERRUPTS_COUNTS, NULL,
					      &t), 0);
	assert_int_equal(t->ncols, 1024);
	assert_int_equal(t->cpus[1023], 2046);
	assert_int_equal(rthc_interrupts_column(t, 2046), 1023);
	assert_int_equal(rthc_interrupts_column(t, 3), -1);
	assert_int_equal(rthc_interrupts_find(t, 42)->counts[1023], 1023);
	assert_int_equal(rthc_interrupts_find(t, 42)->total, 1023u * 1024u / 2u);
	assert_string_equal(rthc_interrupts_find(t, 42)->desc, "eth0-rx-0");
	assert_int_equal(rthc_interrupts_find_named(t, "LOC")->counts[1023], 0);
	rthc_interrupts_free(t);
	rthc_host_free(h);
	tmpdir_remove(root);
	free(root);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_all_files),
		cmocka_unit_test(test_real_fam17h),
		cmocka_unit_test(test_real_haswell),
		cmocka_unit_test(test_real_nehalem_2638),
		cmocka_unit_test(test_real_westmere_80),
		cmocka_unit_test(test_real_24_and_up),
		cmocka_unit_test(test_real_aarch64),
		cmocka_unit_test(test_real_sparse_header),
		cmocka_unit_test(test_row_formats),
		cmocka_unit_test(test_not_a_header),
		cmocka_unit_test(test_host_errors),
		cmocka_unit_test(test_unsorted_and_duplicates),
		cmocka_unit_test(test_selected),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_large_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
