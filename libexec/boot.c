/* Boot mode: what the container's init gets from its container manager
 * (systemd's container interface, https://systemd.io/CONTAINER_INTERFACE):
 * container_uuid= in its environment and the files of /run/host.  The
 * console, the cgroup, the halt signal and the exit statuses are in
 * devices.c, cgroups.c/mounts.c and supervise.c. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "exec-internal.h"

/* A random (version 4) UUID, as systemd-nspawn passes one. */
static int random_uuid(char out[37], struct nsrun_error *err)
{
	unsigned char b[16];
	size_t got = 0;
	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nsrun_error_set(err, errno, "getrandom");
		got += (size_t)n;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
		 b[14], b[15]);
	return 0;
}

int exec_boot_prepare(struct exec_ctx *c, struct nsrun_error *err)
{
	const struct plan *p = c->plan;
	c->boot_uuid[0] = '\0';
	if (!p->boot)
		return 0;
	if (p->uuid_env >= 0) { /* the start's copy of the environment */
		char uuid[37];
		if (random_uuid(uuid, err) < 0)
			return -1;
		free(c->envp[p->uuid_env]);
		c->envp[p->uuid_env] = xasprintf("container_uuid=%s", uuid);
	}
	/* the spec may have given its own */
	for (char **e = c->envp; *e; e++)
		if (strncmp(*e, "container_uuid=", 15) == 0)
			snprintf(c->boot_uuid, sizeof(c->boot_uuid), "%s", *e + 15);
	return 0;
}

static int write_file_at(int dir, const char *name, const char *data, size_t len, struct nsrun_error *err)
{
	_cleanup_close_ int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return nsrun_error_set(err, errno, "create /run/host/%s", name);
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nsrun_error_set(err, errno, "write /run/host/%s", name);
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The host's os-release, read in our copy of the host's mount namespace
 * (before pivot_root); at most 64 KiB of it. */
static char *host_os_release(size_t *len)
{
	static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release" };
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		_cleanup_close_ int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		size_t cap = 65536;
		char *buf = xmalloc(cap);
		*len = 0;
		for (;;) {
			ssize_t n = read(fd, buf + *len, cap - *len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			*len += (size_t)n;
			if (*len == cap)
				break;
		}
		return buf;
	}
	return NULL;
}

/* STEP_RUN_HOST: a small tmpfs holding the files, made read-only before
 * it is attached, so the container can read but never change them. */
int step_run_host(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "size", "256k", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return nsrun_error_set(err, errno, "make the tmpfs for %s", s->path);
	_cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					  MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return nsrun_error_set(err, errno, "fsmount the tmpfs for %s", s->path);
	size_t len = 0;
	_cleanup_free_ char *os = host_os_release(&len);
	if (os && write_file_at(mnt, "os-release", os, len, err) < 0)
		return -1;
	if (write_file_at(mnt, "container-manager", "nsrun\n", 6, err) < 0)
		return -1;
	if (c->boot_uuid[0]) {
		_cleanup_free_ char *u = xasprintf("%s\n", c->boot_uuid);
		if (write_file_at(mnt, "container-uuid", u, strlen(u), err) < 0)
			return -1;
	}
	if (notify_make_socket(c, mnt, err) < 0)
		return -1;
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	if (mount_setattr(mnt, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return nsrun_error_set(err, errno, "make %s read-only", s->path);
	_cleanup_close_ int target = mkpath_in_root(c->root_fd, s->path, false, err);
	if (target < 0)
		return -1;
	if (move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return nsrun_error_set(err, errno, "attach onto %s", s->path);
	return 0;
}
