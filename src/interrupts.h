/*
 * /proc/interrupts: a streaming parser and a compact table.
 *
 * The file starts with a header naming the CPU columns ("CPU0 CPU1 CPU3 ...": only online CPUs
 * are printed, so the IDs may be sparse). Each following row is "LABEL:" and counts, one per
 * column:
 *   - numeric rows ("  24:") are device interrupts: counts, then the chip name, the hardware IRQ
 *     number, the trigger/flow type and the action (handler) names, comma separated, possibly
 *     none. Formats vary by era and architecture: "IR-PCI-MSI 1572890-edge  hpsa0-msix26",
 *     "IO-APIC-edge  timer" (3.x), "XT-PIC  cascade" (2.4), "GICv3  27 Level  arch_timer".
 *   - named rows ("LOC:", "RES:", "IPI0:", "ERR:") are architecture counters followed by a
 *     description; some (ERR, MIS) have a single count. The label may be glued to the first
 *     count ("IPI0:2768808080") when the count fills its column.
 * The file is tens of MiB on a 1024-CPU host: it is never held whole, only streamed line by line
 * (rthc_host_foreach_line).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

struct rthc_cpuset;
struct rthc_host;

#define RTHC_INTERRUPTS_PATH "/proc/interrupts"

/* The CPU columns of the header. */
struct rthc_irq_header {
	const unsigned *cpus; /* CPU ID of each count column, in file order */
	size_t ncols;
};

/* One parsed row; every pointer is valid only until the next line is parsed. */
struct rthc_irq_row {
	bool numeric;
	unsigned irq;              /* numeric rows: the IRQ number */
	const char *label;         /* "24", "LOC", "IPI0", "Err" */
	const uint64_t *counts;    /* one per column, left to right */
	size_t ncounts;            /* <= ncols: ERR and MIS have one */
	const char *chip;          /* numeric rows: "IR-PCI-MSI", "IO-APIC", "GICv3"; "" if absent */
	const char *hwirq;         /* numeric rows: "1572890", "27"; "" if not printed */
	const char *trigger;       /* numeric rows: "edge", "fasteoi", "Level"; "" if not printed */
	const char *desc;          /* numeric: the action names as printed; named: the description */
	const char *const *actions; /* numeric rows: desc split at ", " */
	size_t nactions;
};

/* The incremental parser behind the streaming and table readers (exposed for tests). */
struct rthc_irq_parser;

int rthc_irq_parser_new(struct rthc_irq_parser **ret) _must_check_;
struct rthc_irq_parser *rthc_irq_parser_free(struct rthc_irq_parser *p);
/*
 * Parse one line (without its newline; may contain NUL bytes, which end it). Returns 1 and sets
 * *row for a data row, 0 for the header, a blank line or a line that is not a row (counted in
 * rthc_irq_parser_skipped()), or a negative errno: -EINVAL when the first non-blank line is not a
 * CPU header, -ENOMEM.
 */
int rthc_irq_parser_feed(struct rthc_irq_parser *p, const char *line, size_t len,
			 const struct rthc_irq_row **row) _must_check_;
/* The header, once parsed (NULL before). */
const struct rthc_irq_header *rthc_irq_parser_header(const struct rthc_irq_parser *p);
size_t rthc_irq_parser_skipped(const struct rthc_irq_parser *p);

/*
 * Stream path (normally RTHC_INTERRUPTS_PATH) and call cb for every row; a negative return from
 * cb stops the walk and is returned. -ENODATA for a file without a header.
 */
typedef int (*rthc_irq_row_cb)(const struct rthc_irq_header *hdr, const struct rthc_irq_row *row,
			       void *userdata);
int rthc_interrupts_foreach(struct rthc_host *h, const char *path, rthc_irq_row_cb cb,
			    void *userdata) _must_check_;

/* A row kept in the table. */
struct rthc_irq_entry {
	bool numeric;
	unsigned irq;
	char *label;   /* owned */
	char *chip, *hwirq, *trigger; /* owned; "" when absent */
	char *desc;    /* owned: action names ("nvme0q1", "i801_smbus, ehci_hcd:usb1") or description */
	unsigned nactions;
	uint64_t total;   /* sum over all columns */
	uint64_t selected; /* sum over the columns of the selected CPUs (see rthc_interrupts_read) */
	uint64_t *counts; /* owned, ncols entries (0 past the row's own counts); NULL without
			   * RTHC_INTERRUPTS_COUNTS */
};

struct rthc_interrupts {
	unsigned *cpus; /* owned: CPU ID per column */
	size_t ncols;
	bool cols_sorted; /* ascending CPU IDs (always, from the kernel) */
	struct rthc_irq_entry *rows; /* owned, in file order */
	size_t nrows;
	size_t *by_irq;  /* owned: indices of the numeric rows sorted by IRQ number */
	size_t nnumeric;
	size_t skipped;  /* lines that were not rows */
};

enum {
	RTHC_INTERRUPTS_COUNTS = 1u << 0, /* keep per-column counts (for deltas) */
};

/* select (may be NULL): CPUs whose counts are summed into each row's selected field. */
int rthc_interrupts_read(struct rthc_host *h, const char *path, unsigned flags,
			 const struct rthc_cpuset *select, struct rthc_interrupts **ret) _must_check_;
struct rthc_interrupts *rthc_interrupts_free(struct rthc_interrupts *t);
/* The numeric row of an IRQ, or NULL. */
const struct rthc_irq_entry *rthc_interrupts_find(const struct rthc_interrupts *t, unsigned irq);
/* A named row ("LOC"), or NULL. */
const struct rthc_irq_entry *rthc_interrupts_find_named(const struct rthc_interrupts *t,
							 const char *label);
/* The column of a CPU, or -1 when the CPU is not in the header. */
int rthc_interrupts_column(const struct rthc_interrupts *t, unsigned cpu);
