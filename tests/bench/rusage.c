/*
 * rusage CMD [ARG...]: run CMD with stdout and stderr on /dev/null and print
 * "WALL-SECONDS MAXRSS-KIB EXIT-STATUS USER-SECONDS SYSTEM-SECONDS" for it.
 *
 * The benchmark cannot take the peak RSS from Python: a child forked (or vforked) by a large
 * process inherits that process's RSS high-water mark across exec, and ru_maxrss reports it.
 * A child of this small program starts from this program's mark instead.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status, fd;
	pid_t pid;

	if (argc < 2) {
		fputs("usage: rusage CMD [ARG...]\n", stderr);
		return 64;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 71;
	}
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 71;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.9f %ld %d %.6f %.6f\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	return 0;
}
