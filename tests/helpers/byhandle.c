/* byhandle PATH: the "shocker" attack's syscalls (open_by_handle_at with
 * CAP_DAC_READ_SEARCH reaches any file of the filesystem by handle, also
 * outside a chroot).  Gets a handle for PATH, then opens it by handle;
 * prints what happened to each call and whether DAC_READ_SEARCH is
 * effective, so a test can tell the syscall filter from the kernel. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOSYS: return "ENOSYS";
	case EACCES: return "EACCES";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EINVAL: return "EINVAL";
	default: return strerror(e);
	}
}

static int has_dac_read_search(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long eff = 0;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	if (f)
		fclose(f);
	return (eff >> 2) & 1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: byhandle PATH\n");
		return 2;
	}
	printf("CAP_DAC_READ_SEARCH effective: %s\n", has_dac_read_search() ? "yes" : "no");
	struct file_handle *h = malloc(sizeof(*h) + MAX_HANDLE_SZ);
	int mount_id;
	h->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, argv[1], h, &mount_id, 0) < 0) {
		printf("name_to_handle_at: %s\n", errname(errno));
		return 1;
	}
	printf("name_to_handle_at: ok\n");
	int dir = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = open_by_handle_at(dir, h, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("open_by_handle_at: %s\n", errname(errno));
		return 1;
	}
	printf("open_by_handle_at: ok\n");
	return 0;
}
