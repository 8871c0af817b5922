/*
 * Guest checks of emulated devices (spec/checks.md §11): memory balloon, USB controllers and
 * graphics, found through the PCI adapter (src/hw-pci.h) on the target's sysfs and, for the
 * balloon, on the virtio bus (virtio-ccw and virtio-mmio balloons have no PCI function).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"
#include "hw-pci.h"
#include "util.h"

#define VIRTIO_DEVICES "/sys/bus/virtio/devices"
#define VIRTIO_ID_BALLOON 5
#define BALLOON_MODULE "/sys/module/virtio_balloon"

/* The PCI inventory (NULL when the target has no PCI bus); false after setting an error. */
static bool pci_get(struct rthc_ctx *ctx, struct rthc_result *r, struct rthc_pci **p)
{
	int err = rthc_pci_scan(ctx->host, 0, p);

	*p = err < 0 ? NULL : *p;
	if (err < 0 && err != -ENOENT) {
		rthc_result_error(r, err, RTHC_PCI_SYSFS);
		return false;
	}
	return true;
}

/* No PCI bus: expected from a kernel without PCI support, else the interface is missing. */
static void no_pci(struct rthc_ctx *ctx, struct rthc_result *r)
{
	char buf[16];
	bool known;

	if (!rthc_facts_kconfig(ctx->facts, "CONFIG_PCI", &known, buf, sizeof(buf)) && known)
		rthc_na(r, "the guest kernel has no PCI support (CONFIG_PCI is not set)");
	else
		rthc_result_error(r, -ENOENT, RTHC_PCI_SYSFS);
}

static void observe_pci(struct rthc_result *r, const struct rthc_pci *p)
{
	rthc_observe_int(r, "pci_devices", p ? (int64_t)p->ndevs : 0);
}

/* ---- guest.memballoon ------------------------------------------------------------------------ */

static bool is_balloon(const struct rthc_pci_dev *d)
{
	return d->vendor == 0x1af4 && (d->device == 0x1002 || d->device == 0x1045);
}

/* Whether a virtio device sits on a balloon PCI function already counted (its link names it). */
static bool under_balloon_pci(struct rthc_ctx *ctx, const struct rthc_pci *p, const char *name)
{
	_cleanup_free_ char *target = NULL;
	char path[128];

	snprintf(path, sizeof(path), VIRTIO_DEVICES "/%s", name);
	if (!p || rthc_host_readlink(ctx->host, path, &target) < 0)
		return false;
	for (size_t i = 0; i < p->ndevs; i++)
		if (is_balloon(&p->devs[i]) && strstr(target, p->devs[i].slot))
			return true;
	return false;
}

/* Balloons on the virtio bus, as items; the count, or a negative errno with path set. */
static int virtio_balloons(struct rthc_ctx *ctx, struct rthc_result *r, const struct rthc_pci *p,
			   char *path, size_t size)
{
	char **names = NULL;
	int n = 0, err;

	err = rthc_host_list_dir(ctx->host, VIRTIO_DEVICES, &names, NULL);
	if (err < 0) {
		snprintf(path, size, "%s", VIRTIO_DEVICES);
		return err;
	}
	for (char **s = names; *s; s++) {
		_cleanup_free_ char *id = NULL;
		unsigned long v = 0;
		char *end;

		snprintf(path, size, VIRTIO_DEVICES "/%s/device", *s);
		err = rthc_host_read_str(ctx->host, path, &id);
		if (err == 0) {
			v = strtoul(id, &end, 0);
			err = end == id || *end ? -EINVAL : 0;
		}
		if (err < 0)
			break;
		if (v != VIRTIO_ID_BALLOON || under_balloon_pci(ctx, p, *s))
			continue;
		rthc_item(r, *s, "virtio memory balloon (device 0x%04lx)", v);
		n++;
	}
	rthc_strv_free(names);
	return err < 0 ? err : n;
}

void rthc_guest_memballoon(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct rthc_pci *p = NULL;
	char path[160];
	size_t npci = 0;
	int nvirtio;
	bool module;

	if (!pci_get(ctx, r, &p))
		return;
	nvirtio = virtio_balloons(ctx, r, p, path, sizeof(path));
	if (nvirtio == -ENOENT && streq(path, VIRTIO_DEVICES)) {
		/* No virtio bus: a guest without virtio drivers, fine when PCI can be searched. */
		if (!p) {
			no_pci(ctx, r);
			goto out;
		}
		nvirtio = 0;
	} else if (nvirtio < 0) {
		rthc_result_error(r, nvirtio, path);
		goto out;
	}
	for (size_t i = 0; p && i < p->ndevs; i++)
		if (is_balloon(&p->devs[i])) {
			rthc_item(r, p->devs[i].slot, "virtio memory balloon (PCI %04x:%04x)",
				  p->devs[i].vendor, p->devs[i].device);
			npci++;
		}
	module = rthc_host_is_dir(ctx->host, BALLOON_MODULE) > 0;
	rthc_expect_int(r, "balloon_devices", 0);
	rthc_observe_int(r, "balloon_devices", (int64_t)npci + nvirtio);
	rthc_observe_bool(r, "module_loaded", module);
	observe_pci(r, p);
	if (npci + (size_t)nvirtio > 0) {
		rthc_warn(r, "%zu memory balloon device%s: inflation and stats polling fault pages "
			  "and make the host madvise guest memory", npci + (size_t)nvirtio,
			  npci + (size_t)nvirtio == 1 ? "" : "s");
		rthc_remedy(r, false, true, "host: <memballoon model='none'/> in the domain XML");
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, "domain XML <devices>",
				   "<memballoon model='none'/>");
	} else if (module) {
		rthc_pass(r, "no balloon device (the virtio_balloon module is loaded, but drives "
			  "nothing)");
	} else {
		rthc_pass(r, "no memory balloon device");
	}
out:
	rthc_pci_free(p);
}

/* ---- guest.usb, guest.graphics --------------------------------------------------------------- */

static const char *usb_kind(unsigned class_code)
{
	switch (class_code & 0xff) {
	case 0x00:
		return "UHCI";
	case 0x10:
		return "OHCI";
	case 0x20:
		return "EHCI";
	case 0x30:
		return "xHCI";
	default:
		return "USB";
	}
}

static const char *display_kind(unsigned class_code)
{
	switch (class_code >> 8 & 0xff) {
	case 0x00:
		return "VGA";
	case 0x01:
		return "XGA";
	case 0x02:
		return "3D";
	default:
		return "display";
	}
}

/*
 * The PCI functions whose class code, shifted right by shift, equals value: one item each, named
 * by kind; the count, or -1 after setting r (error, or not applicable without PCI support).
 */
static int count_class(struct rthc_ctx *ctx, struct rthc_result *r, unsigned shift, unsigned value,
		       const char *(*kind)(unsigned class_code), const char *key)
{
	struct rthc_pci *p = NULL;
	int n = 0;

	if (!pci_get(ctx, r, &p))
		return -1;
	if (!p) {
		no_pci(ctx, r);
		return -1;
	}
	for (size_t i = 0; i < p->ndevs; i++) {
		const struct rthc_pci_dev *d = &p->devs[i];

		if (d->class_code >> shift != value)
			continue;
		rthc_item(r, d->slot, "%s controller (class 0x%06x, %04x:%04x)",
			  kind(d->class_code), d->class_code, d->vendor, d->device);
		n++;
	}
	rthc_expect_int(r, key, 0);
	rthc_observe_int(r, key, n);
	observe_pci(r, p);
	rthc_pci_free(p);
	return n;
}

void rthc_guest_usb(struct rthc_ctx *ctx, struct rthc_result *r)
{
	int n = count_class(ctx, r, 8, 0x0c03, usb_kind, "usb_controllers");

	if (n < 0)
		return;
	if (!n) {
		rthc_pass(r, "no USB controller");
		return;
	}
	rthc_warn(r, "%d emulated USB controller%s: the emulation polls and interrupts the guest",
		  n, n == 1 ? "" : "s");
	rthc_remedy(r, false, true, "host: <controller type='usb' model='none'/> (and no USB "
		    "tablet or keyboard) in the domain XML");
	rthc_remedy_action(r, RTHC_ACTION_MANUAL, "domain XML <devices>",
			   "<controller type='usb' model='none'/>");
}

void rthc_guest_graphics(struct rthc_ctx *ctx, struct rthc_result *r)
{
	int n = count_class(ctx, r, 16, RTHC_PCI_CLASS_DISPLAY, display_kind,
			    "display_controllers");

	if (n < 0)
		return;
	if (!n) {
		rthc_pass(r, "no display controller (console over SSH or serial)");
		return;
	}
	rthc_info(r, "%d display controller%s: an emulated framebuffer and its console add work "
		  "the RT guest does not need", n, n == 1 ? "" : "s");
	rthc_remedy(r, false, true, "host: remove <graphics> and <video> (use <video><model "
		    "type='none'/></video>, a serial console and SSH)");
	rthc_remedy_action(r, RTHC_ACTION_MANUAL, "domain XML <devices>",
			   "<video><model type='none'/></video>");
}
