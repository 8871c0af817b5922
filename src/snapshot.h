/*
 * --snapshot DIR: copy every file the audit read (and every directory listed, symlink read or
 * path found) from the target into DIR, paths preserved, so that `rthostcheck --root DIR` on
 * another machine reproduces the audit of every check that does not need a live host.
 */
#pragma once

#include <stddef.h>

struct rthc_host;

/*
 * Write the snapshot of what h has read so far into dir (created; it must not exist or be
 * empty). Symlinks inside the tree are recreated as links and copying continues at their
 * targets, resolved inside the root (never outside it); files are written 0644, directories
 * 0755. Returns the number of paths copied, or a negative errno with a message in errbuf.
 */
int rthc_snapshot_write(struct rthc_host *h, const char *dir, char *errbuf, size_t errlen);
