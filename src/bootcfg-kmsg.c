/*
 * The kernel log of this boot from /dev/kmsg (see bootcfg.h). Each read() of /dev/kmsg returns one
 * record "prio,seq,usec,flags[,...];message\n" followed by " KEY=value\n" dictionary lines; EPIPE
 * means records were overwritten before we read them (the next read continues with the oldest one
 * left), EAGAIN (O_NONBLOCK) that the end is reached. In a tree the file is a plain copy of such
 * records and read() returns 0 at its end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootcfg.h"
#include "host.h"

#define KMSG "/dev/kmsg"
#define KMSG_RECORD_MAX 16384 /* larger than the kernel's largest record (8 KiB) */
#define KMSG_TOTAL_MAX (64u << 20) /* stop at 64 MiB: the ring buffer is far smaller */

int rthc_bootcfg_kmsg_read(struct rthc_host *h, bool privileged, char **ret, size_t *len)
{
	size_t cap = KMSG_RECORD_MAX * 4, n = 0;
	char *buf;
	int fd, r = 0;

	if (rthc_host_is_live(h) && !privileged)
		return -EACCES;
	fd = rthc_host_open(h, KMSG, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t k;

		if (cap - n < KMSG_RECORD_MAX + 1) {
			char *nb;

			if (cap >= KMSG_TOTAL_MAX)
				break;
			nb = realloc(buf, cap * 2);
			if (!nb) {
				r = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		k = read(fd, buf + n, KMSG_RECORD_MAX);
		if (k > 0) {
			n += (size_t)k;
			continue;
		}
		if (k == 0 || errno == EAGAIN)
			break;
		if (errno == EINTR || errno == EPIPE)
			continue;
		r = -errno;
		break;
	}
	close(fd);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[n] = '\0';
	*ret = buf;
	if (len)
		*len = n;
	return 0;
}

unsigned rthc_bootcfg_kmsg_count(const char *log, const char *needle, char *first, size_t firstsz)
{
	unsigned count = 0;

	for (const char *p = log; p && *p;) {
		const char *eol = strchr(p, '\n'), *msg = p, *semi;
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		/* Dictionary lines start with a blank; the message follows the header's ';'. */
		if (*p != ' ') {
			semi = memchr(p, ';', len);
			if (semi)
				msg = semi + 1;
			len -= (size_t)(msg - p);
			if (memmem(msg, len, needle, strlen(needle))) {
				if (!count && first && firstsz) {
					size_t c = len < firstsz ? len : firstsz - 1;

					memcpy(first, msg, c);
					first[c] = '\0';
				}
				count++;
			}
		}
		p = eol ? eol + 1 : NULL;
	}
	return count;
}
