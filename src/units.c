/* systemd unit state from files (see units.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "macro.h"
#include "units.h"

static const char *const unit_dirs[] = {
	"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
	"/usr/lib/systemd/system", "/lib/systemd/system",
};

const char *rthc_unit_file_state_to_string(enum rthc_unit_file_state s)
{
	switch (s) {
	case RTHC_UNIT_INSTALLED:
		return "installed";
	case RTHC_UNIT_ENABLED:
		return "enabled";
	case RTHC_UNIT_MASKED:
		return "masked";
	default:
		return "absent";
	}
}

static bool masked_in(struct rthc_host *h, const char *dir, const char *name)
{
	_cleanup_free_ char *target = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return rthc_host_readlink(h, path, &target) == 0 && streq(target, "/dev/null");
}

/* A link to the unit in any DIR/<target>.wants or .requires directory. */
static bool wanted_in(struct rthc_host *h, const char *dir, const char *name)
{
	char **entries = NULL;
	bool found = false;

	if (rthc_host_list_dir(h, dir, &entries, NULL) < 0)
		return false;
	for (char **e = entries; *e && !found; e++) {
		size_t l = strlen(*e);
		char path[512];

		if (!((l > 6 && streq(*e + l - 6, ".wants")) || (l > 9 && streq(*e + l - 9, ".requires"))))
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", dir, *e, name);
		found = rthc_host_exists(h, path) > 0;
	}
	rthc_strv_free(entries);
	return found;
}

enum rthc_unit_file_state rthc_unit_file_state(struct rthc_host *h, const char *name)
{
	char path[512];

	if (masked_in(h, "/etc/systemd/system", name) || masked_in(h, "/run/systemd/system", name))
		return RTHC_UNIT_MASKED;
	if (wanted_in(h, "/etc/systemd/system", name))
		return RTHC_UNIT_ENABLED;
	for (size_t i = 0; i < ARRAY_SIZE(unit_dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", unit_dirs[i], name);
		if (rthc_host_exists(h, path) > 0)
			return RTHC_UNIT_INSTALLED;
	}
	return RTHC_UNIT_ABSENT;
}

int rthc_unit_active(struct rthc_host *h, const char *name)
{
	char path[512];

	if (!rthc_host_is_live(h) || rthc_host_is_dir(h, "/run/systemd/units") <= 0)
		return -ENODATA;
	snprintf(path, sizeof(path), "/run/systemd/units/invocation:%s", name);
	return rthc_host_exists(h, path) > 0;
}
