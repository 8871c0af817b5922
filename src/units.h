/*
 * systemd unit state from the files systemd itself reads, through the accessor (so it works on
 * --root trees): masked (a link to /dev/null in /etc/systemd/system or /run/systemd/system),
 * enabled (a link in some *.wants/ or *.requires/ directory of /etc/systemd/system), installed
 * (a unit file in /etc, /run, /usr/lib, /lib systemd/system), or absent. Whether a unit is
 * running needs the live host: /run/systemd/units/invocation:NAME exists while systemd tracks an
 * invocation of it (systemd >= 240).
 */
#pragma once

#include <stdbool.h>

struct rthc_host;

enum rthc_unit_file_state {
	RTHC_UNIT_ABSENT,
	RTHC_UNIT_INSTALLED, /* present, not enabled */
	RTHC_UNIT_ENABLED,
	RTHC_UNIT_MASKED,
};
const char *rthc_unit_file_state_to_string(enum rthc_unit_file_state s);

/* name: "irqbalance.service". Never fails: unreadable directories count as absent. */
enum rthc_unit_file_state rthc_unit_file_state(struct rthc_host *h, const char *name);
/* 1 active, 0 not active, -ENODATA when it cannot be known (not live, or no /run/systemd/units). */
int rthc_unit_active(struct rthc_host *h, const char *name);
