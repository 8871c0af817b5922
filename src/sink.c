/* Atomic output files (see sink.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"
#include "render.h"
#include "sink.h"

int rthc_sink_write(const struct rthc_report *rep, const struct rthc_output *out, unsigned flags)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	const char *slash = strrchr(out->path, '/');
	FILE *f;
	int fd, r, dfd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", out->path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	(void)fchmod(fd, 0644);
	f = fdopen(fd, "w");
	if (!f) {
		r = -errno;
		close(fd);
		unlink(tmp);
		return r;
	}
	r = rthc_render(rep, out->format, f, flags & ~RTHC_RENDER_COLOR);
	if (r == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0))
		r = -errno;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, out->path) != 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	if (slash) {
		size_t n = (size_t)(slash - out->path);

		memcpy(dir, out->path, n ? n : 1);
		dir[n ? n : 1] = '\0';
	} else {
		strcpy(dir, ".");
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
}
