/* The libpci adapter (see hw-pci.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pci/pci.h>

#include "host.h"
#include "hw-pci.h"

/*
 * libpci reports fatal errors ("Cannot open .../vendor") through a callback that has no context
 * argument and must not return; its default calls exit(). While libpci runs, this thread-local
 * points at a jump buffer that turns such an error into a fallback to the accessor. It is the
 * only mutable static of the module, set and cleared around the libpci calls.
 */
static _Thread_local jmp_buf *pci_jmp;

static _noreturn_ _printf_format_(1, 2) void pci_error_cb(char *msg, ...)
{
	(void)msg;
	if (pci_jmp)
		longjmp(*pci_jmp, 1);
	abort(); /* libpci called outside rthc_pci_scan(): a bug */
}

static _printf_format_(1, 2) void pci_quiet_cb(char *msg, ...)
{
	(void)msg;
}

struct scan {
	struct rthc_host *h;
	struct rthc_pci *p;
	size_t cap;
	char **names; /* owned: entries of RTHC_PCI_SYSFS, without dot files (libpci skips them) */
	size_t nnames;
};

static void dev_done(struct rthc_pci_dev *d)
{
	free(d->driver);
	free(d->msi_irqs);
	rthc_strv_free(d->net);
}

struct rthc_pci *rthc_pci_free(struct rthc_pci *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->ndevs; i++)
		dev_done(&p->devs[i]);
	free(p->devs);
	free(p->irqs);
	free(p);
	return NULL;
}

/* "0000:01:00.0" (as the kernel names them: %04x:%02x:%02x.%d). */
static bool parse_slot(const char *s, unsigned *dom, unsigned *bus, unsigned *dev, unsigned *fn)
{
	static const char hex[] = "0123456789abcdefABCDEF";
	size_t nd = strspn(s, hex);

	if (nd < 4 || nd > 8 || s[nd] != ':' || strspn(s + nd + 1, hex) != 2 || s[nd + 3] != ':' ||
	    strspn(s + nd + 4, hex) != 2 || s[nd + 6] != '.' || s[nd + 7] < '0' || s[nd + 7] > '7' ||
	    s[nd + 8])
		return false;
	if (sscanf(s, "%x:%x:%x.%u", dom, bus, dev, fn) != 4)
		return false;
	return *dev <= 31 && *dom <= 0x7fffffff;
}

static struct rthc_pci_dev *new_dev(struct scan *s, unsigned dom, unsigned bus, unsigned dev,
				    unsigned fn)
{
	struct rthc_pci *p = s->p;
	struct rthc_pci_dev *d;

	if (p->ndevs == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 32;
		struct rthc_pci_dev *v = realloc(p->devs, ncap * sizeof(*v));

		if (!v)
			return NULL;
		p->devs = v;
		s->cap = ncap;
	}
	d = &p->devs[p->ndevs++];
	*d = (struct rthc_pci_dev){.domain = dom, .bus = bus, .dev = dev, .func = fn,
				   .numa_node = -1, .sriov_totalvfs = -1, .sriov_numvfs = -1,
				   .iommu_group = -1};
	snprintf(d->slot, sizeof(d->slot), "%04x:%02x:%02x.%u", dom, bus, dev, fn);
	return d;
}

/* A sysfs value such as "0x8086" or "16"; -ENOENT, -EINVAL or -ERANGE. */
static int read_num(struct rthc_host *h, const char *slot, const char *attr, long long *ret)
{
	_cleanup_free_ char *v = NULL;
	char path[128], *end;
	long long x;
	int r;

	snprintf(path, sizeof(path), RTHC_PCI_SYSFS "/%s/%s", slot, attr);
	r = rthc_host_read_str(h, path, &v);
	if (r < 0)
		return r;
	errno = 0;
	x = strtoll(v, &end, 0);
	if (errno || end == v || *end)
		return errno == ERANGE ? -ERANGE : -EINVAL;
	*ret = x;
	return 0;
}

/* The last component of a link under the device ("driver", "iommu_group"), or NULL. */
static char *link_base(struct rthc_host *h, const char *slot, const char *attr)
{
	_cleanup_free_ char *target = NULL;
	char path[128];
	const char *b;

	snprintf(path, sizeof(path), RTHC_PCI_SYSFS "/%s/%s", slot, attr);
	if (rthc_host_readlink(h, path, &target) < 0)
		return NULL;
	b = strrchr(target, '/');
	b = b ? b + 1 : target;
	return *b ? strdup(b) : NULL;
}

/*
 * Identity through the accessor: vendor, device and class must parse. libpci also aborts on a
 * missing irq file, so strict (the libpci precheck) requires it too.
 */
static int read_ident(struct rthc_host *h, struct rthc_pci_dev *d, bool strict)
{
	long long vendor, device, cls, irq, node;
	int r;

	r = read_num(h, d->slot, "vendor", &vendor);
	if (r >= 0)
		r = read_num(h, d->slot, "device", &device);
	if (r >= 0)
		r = read_num(h, d->slot, "class", &cls);
	if (r < 0)
		return r;
	if (vendor < 0 || vendor > 0xffff || device < 0 || device > 0xffff || cls < 0 ||
	    cls > 0xffffff)
		return -ERANGE;
	d->vendor = (unsigned)vendor;
	d->device = (unsigned)device;
	d->class_code = (unsigned)cls;
	r = read_num(h, d->slot, "irq", &irq);
	if (r < 0 && (strict || r != -ENOENT))
		return r;
	d->irq = r < 0 || irq < 0 || irq > 0x7fffffff ? 0 : (int)irq;
	if (read_num(h, d->slot, "numa_node", &node) >= 0 && node >= 0 && node < 65536)
		d->numa_node = (int)node;
	return 0;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

static int read_msi(struct rthc_host *h, struct rthc_pci_dev *d)
{
	char path[128], **names = NULL;
	size_t n = 0;
	int r;

	snprintf(path, sizeof(path), RTHC_PCI_SYSFS "/%s/msi_irqs", d->slot);
	r = rthc_host_list_dir(h, path, &names, &n);
	if (r < 0)
		return r == -ENOENT || r == -ENOTDIR ? 0 : r;
	d->msi_irqs = calloc(n ? n : 1, sizeof(*d->msi_irqs));
	if (!d->msi_irqs) {
		rthc_strv_free(names);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		char *end;
		unsigned long v = strtoul(names[i], &end, 10);

		if (end != names[i] && !*end && v <= 0x7fffffff)
			d->msi_irqs[d->nmsi++] = (unsigned)v;
	}
	rthc_strv_free(names);
	qsort(d->msi_irqs, d->nmsi, sizeof(*d->msi_irqs), cmp_uint);
	return 0;
}

static int add_names(char ***v, size_t *n, char **names)
{
	for (char **s = names; s && *s; s++) {
		char **nv = realloc(*v, (*n + 2) * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		(*v)[*n] = strdup(*s);
		if (!(*v)[*n])
			return -ENOMEM;
		(*v)[++*n] = NULL;
	}
	return 0;
}

/* Interface names in net/ and, for virtio devices, in virtioN/net/. */
static int read_net(struct rthc_host *h, struct rthc_pci_dev *d)
{
	char path[192], **names = NULL, **sub = NULL;
	int r;

	snprintf(path, sizeof(path), RTHC_PCI_SYSFS "/%s/net", d->slot);
	if (rthc_host_list_dir(h, path, &names, NULL) >= 0) {
		r = add_names(&d->net, &d->nnet, names);
		rthc_strv_free(names);
		if (r < 0)
			return r;
	}
	if (d->vendor != 0x1af4)
		return 0;
	snprintf(path, sizeof(path), RTHC_PCI_SYSFS "/%s", d->slot);
	if (rthc_host_list_dir(h, path, &sub, NULL) < 0)
		return 0;
	r = 0;
	for (char **s = sub; *s && r >= 0; s++) {
		if (!strneq(*s, "virtio", 6))
			continue;
		snprintf(path, sizeof(path), RTHC_PCI_SYSFS "/%s/%s/net", d->slot, *s);
		if (rthc_host_list_dir(h, path, &names, NULL) >= 0) {
			r = add_names(&d->net, &d->nnet, names);
			rthc_strv_free(names);
		}
	}
	rthc_strv_free(sub);
	return r;
}

/* What libpci does not expose, and what it could not resolve in a tree (dangling links). */
static int read_extras(struct rthc_host *h, struct rthc_pci_dev *d)
{
	char path[128];
	long long v;
	int r;

	if (!d->driver)
		d->driver = link_base(h, d->slot, "driver");
	if (d->iommu_group < 0) {
		_cleanup_free_ char *g = link_base(h, d->slot, "iommu_group");

		d->iommu_group = g ? atoi(g) : -1;
	}
	if (read_num(h, d->slot, "sriov_totalvfs", &v) >= 0 && v >= 0 && v < 65536) {
		d->sriov_totalvfs = (int)v;
		d->sriov_numvfs = read_num(h, d->slot, "sriov_numvfs", &v) >= 0 && v >= 0 &&
						  v < 65536 ? (int)v : 0;
	}
	snprintf(path, sizeof(path), RTHC_PCI_SYSFS "/%s/physfn", d->slot);
	d->is_vf = rthc_host_exists(h, path) > 0;
	r = read_msi(h, d);
	if (r >= 0)
		r = read_net(h, d);
	return r;
}

/*
 * In a tree, a device link must be relative and stay inside the root, or libpci (which opens
 * paths itself) would follow it into the live host.
 */
static bool link_stays_inside(struct rthc_host *h, const char *name)
{
	_cleanup_free_ char *target = NULL;
	char path[128];
	int depth = 4; /* sys/bus/pci/devices */
	int r;

	snprintf(path, sizeof(path), RTHC_PCI_SYSFS "/%s", name);
	r = rthc_host_readlink(h, path, &target);
	if (r == -EINVAL)
		return true; /* a directory, not a link */
	if (r < 0 || target[0] == '/')
		return false;
	for (char *save, *c = strtok_r(target, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (streq(c, ".."))
			depth--;
		else if (!streq(c, "."))
			depth++;
		if (depth < 0)
			return false;
	}
	return true;
}

/* Whether libpci may run on this tree; otherwise the reason (static). */
static const char *libpci_precheck(struct scan *s, const char *sysfs)
{
	if (strlen(sysfs) > 900)
		return "the root path is too long for libpci";
	for (size_t i = 0; i < s->nnames; i++) {
		struct rthc_pci_dev tmp = {0};
		unsigned dom, bus, dev, fn;

		if (!parse_slot(s->names[i], &dom, &bus, &dev, &fn))
			return "an entry of /sys/bus/pci/devices is not a PCI address";
		if (!rthc_host_is_live(s->h) && !link_stays_inside(s->h, s->names[i]))
			return "a device link leaves the root";
		snprintf(tmp.slot, sizeof(tmp.slot), "%s", s->names[i]);
		if (read_ident(s->h, &tmp, true) < 0)
			return "a device lacks readable vendor, device, class or irq files";
	}
	return NULL;
}

static int copy_libpci_dev(struct scan *s, struct pci_dev *pd)
{
	struct rthc_pci_dev *d;
	const char *drv, *grp;

	(void)pci_fill_info(pd, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT | PCI_FILL_IRQ |
				PCI_FILL_NUMA_NODE | PCI_FILL_IOMMU_GROUP | PCI_FILL_DRIVER);
	d = new_dev(s, (unsigned)pd->domain, pd->bus, pd->dev, pd->func);
	if (!d)
		return -ENOMEM;
	d->vendor = pd->vendor_id;
	d->device = pd->device_id;
	d->class_code = (unsigned)pd->device_class << 8 | pd->prog_if;
	d->irq = pd->irq > 0 ? pd->irq : 0;
	d->numa_node = pd->numa_node >= 0 ? pd->numa_node : -1;
	drv = pci_get_string_property(pd, PCI_FILL_DRIVER);
	grp = pci_get_string_property(pd, PCI_FILL_IOMMU_GROUP);
	if (drv) {
		d->driver = strdup(drv);
		if (!d->driver)
			return -ENOMEM;
	}
	if (grp)
		d->iommu_group = atoi(grp);
	return 0;
}

/* Enumerate with libpci; 0, -EIO when libpci failed (s->p is then reset), -ENOMEM. */
static int scan_libpci(struct scan *s, const char *sysfs)
{
	struct pci_access *volatile pacc = pci_alloc();
	jmp_buf jb;
	int r = 0;

	if (!pacc)
		return -ENOMEM;
	pacc->error = pci_error_cb;
	pacc->warning = pci_quiet_cb;
	pacc->debug = pci_quiet_cb;
	pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	pacc->numeric_ids = 1; /* never load pci.ids or the udev hwdb of the live host */
	if (setjmp(jb)) {
		pci_jmp = NULL;
		pci_cleanup(pacc);
		return -EIO;
	}
	pci_jmp = &jb;
	if (pci_set_param(pacc, (char *)"sysfs.path", (char *)sysfs) < 0) {
		r = -ENOTSUP;
	} else {
		pci_init(pacc);
		pci_scan_bus(pacc);
		for (struct pci_dev *pd = pacc->devices; pd && r >= 0; pd = pd->next)
			r = copy_libpci_dev(s, pd);
	}
	pci_jmp = NULL;
	pci_cleanup(pacc);
	return r;
}

static int scan_accessor(struct scan *s)
{
	for (size_t i = 0; i < s->nnames; i++) {
		unsigned dom, bus, dev, fn;
		struct rthc_pci_dev *d;

		if (!parse_slot(s->names[i], &dom, &bus, &dev, &fn))
			continue;
		d = new_dev(s, dom, bus, dev, fn);
		if (!d)
			return -ENOMEM;
		if (read_ident(s->h, d, false) < 0)
			s->p->ndevs--; /* unreadable or garbage: skipped */
	}
	return 0;
}

static int cmp_dev(const void *a, const void *b)
{
	const struct rthc_pci_dev *x = a, *y = b;
	unsigned kx[] = {x->domain, x->bus, x->dev, x->func}, ky[] = {y->domain, y->bus, y->dev, y->func};

	for (size_t i = 0; i < ARRAY_SIZE(kx); i++)
		if (kx[i] != ky[i])
			return kx[i] < ky[i] ? -1 : 1;
	return 0;
}

/* By IRQ, MSI vectors before legacy lines, then by slot. */
static int cmp_ref(const void *a, const void *b)
{
	const struct rthc_pci_irq_ref *x = a, *y = b;

	if (x->irq != y->irq)
		return x->irq < y->irq ? -1 : 1;
	if (x->msi != y->msi)
		return x->msi ? -1 : 1;
	return x->dev < y->dev ? -1 : x->dev > y->dev;
}

static int index_irqs(struct rthc_pci *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->ndevs; i++)
		n += p->devs[i].nmsi + (p->devs[i].irq > 0);
	p->irqs = calloc(n ? n : 1, sizeof(*p->irqs));
	if (!p->irqs)
		return -ENOMEM;
	for (size_t i = 0; i < p->ndevs; i++) {
		const struct rthc_pci_dev *d = &p->devs[i];

		for (size_t k = 0; k < d->nmsi; k++)
			p->irqs[p->nirqs++] = (struct rthc_pci_irq_ref){d->msi_irqs[k], i, true};
		if (d->irq > 0)
			p->irqs[p->nirqs++] = (struct rthc_pci_irq_ref){(unsigned)d->irq, i, false};
	}
	qsort(p->irqs, p->nirqs, sizeof(*p->irqs), cmp_ref);
	return 0;
}

static void reset_devs(struct rthc_pci *p)
{
	for (size_t i = 0; i < p->ndevs; i++)
		dev_done(&p->devs[i]);
	p->ndevs = 0;
}

static int scan_devices(struct scan *s, unsigned flags)
{
	const char *root = rthc_host_root(s->h);
	char sysfs[1024];
	const char *why;
	size_t rl = strlen(root);
	int r;

	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	snprintf(sysfs, sizeof(sysfs), "%.*s/sys/bus/pci", rl == 1 && root[0] == '/' ? 0 : (int)rl,
		 root);
	why = flags & RTHC_PCI_NO_LIBPCI ? "disabled by the caller" : libpci_precheck(s, sysfs);
	if (!why) {
		r = scan_libpci(s, sysfs);
		if (r == -ENOMEM)
			return r;
		if (r >= 0 && s->p->ndevs == s->nnames) {
			s->p->libpci = true;
			return 0;
		}
		reset_devs(s->p);
		why = r < 0 ? "libpci reported an error" : "libpci saw a different device list";
	}
	s->p->fallback_reason = why;
	return scan_accessor(s);
}

int rthc_pci_scan(struct rthc_host *h, unsigned flags, struct rthc_pci **ret)
{
	struct scan s = {.h = h};
	int r;

	r = rthc_host_list_dir(h, RTHC_PCI_SYSFS, &s.names, &s.nnames);
	if (r < 0)
		return r;
	for (size_t i = 0, k = 0; i <= s.nnames; i++) {
		if (i == s.nnames) {
			s.names[k] = NULL;
			s.nnames = k;
		} else if (s.names[i][0] == '.') {
			free(s.names[i]);
		} else {
			s.names[k++] = s.names[i];
		}
	}
	s.p = calloc(1, sizeof(*s.p));
	if (!s.p) {
		rthc_strv_free(s.names);
		return -ENOMEM;
	}
	r = scan_devices(&s, flags);
	if (r >= 0 && s.p->ndevs > 1)
		qsort(s.p->devs, s.p->ndevs, sizeof(*s.p->devs), cmp_dev);
	for (size_t i = 0; r >= 0 && i < s.p->ndevs; i++)
		r = read_extras(h, &s.p->devs[i]);
	if (r >= 0)
		r = index_irqs(s.p);
	rthc_strv_free(s.names);
	if (r < 0) {
		rthc_pci_free(s.p);
		return r;
	}
	*ret = s.p;
	return 0;
}

const struct rthc_pci_dev *rthc_pci_find_irq(const struct rthc_pci *p, unsigned irq, bool *msi)
{
	size_t lo = 0, hi = p->nirqs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->irqs[mid].irq < irq)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= p->nirqs || p->irqs[lo].irq != irq)
		return NULL;
	if (msi)
		*msi = p->irqs[lo].msi;
	return &p->devs[p->irqs[lo].dev];
}

const struct rthc_pci_dev *rthc_pci_find_slot(const struct rthc_pci *p, const char *slot)
{
	for (size_t i = 0; i < p->ndevs; i++)
		if (streq(p->devs[i].slot, slot))
			return &p->devs[i];
	return NULL;
}

bool rthc_pci_is_net(const struct rthc_pci_dev *d)
{
	return d->nnet > 0 || d->class_code >> 16 == RTHC_PCI_CLASS_NETWORK;
}
