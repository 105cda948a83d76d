/* Paths inside the container are resolved only through the root's fd,
 * with the kernel confining symlinks and ".." to it (SECURITY.md rule 1).
 * Kernels without openat2() get a component walk that does the same by
 * hand; NSRUN_TEST_NO_OPENAT2=1 forces it so tests cover it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "exec-internal.h"

#define MAX_SYMLINKS 40

static bool use_openat2 = true;

/* walk flag: any symlink on the way fails with ELOOP (RESOLVE_NO_SYMLINKS) */
#define WALK_NO_SYMLINKS 1

static int walk_in_root(int root_fd, const char *path, int flags, int walk, int depth);

/* Procfs's own symlinks (self, thread-self, mounts, net) sit in its root
 * directory; every link below it (PID/fd/N, cwd, root, exe, ns/...) is a
 * magic link that jumps wherever the kernel object is, even outside. */
static bool is_magic_link(int dir_fd, int link_fd)
{
	struct statfs sf;
	struct stat dir;
	if (fstatfs(link_fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
		return false;
	return fstat(dir_fd, &dir) < 0 || dir.st_ino != 1 /* PROC_ROOT_INO */;
}

/* Follow one path relative to `dir`, treating root_fd as "/". */
static int walk_from(int root_fd, int dir_fd, const char *path, int flags, int walk, int depth)
{
	_cleanup_close_ int cur = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
	if (cur < 0)
		return -errno;
	while (*path) {
		while (*path == '/')
			path++;
		if (!*path)
			break;
		const char *end = strchrnul(path, '/');
		size_t len = (size_t)(end - path);
		char name[NAME_MAX + 1];
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(name, path, len);
		name[len] = '\0';
		path = end;
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			/* ".." never climbs above the root: compare with root_fd. */
			struct stat a, b;
			if (fstat(cur, &a) < 0 || fstat(root_fd, &b) < 0)
				return -errno;
			if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
				continue;
		}
		int next = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0)
			return -errno;
		struct stat st;
		if (fstat(next, &st) < 0) {
			int e = errno;
			close(next);
			return -e;
		}
		if (S_ISLNK(st.st_mode) && (*path || !(flags & O_NOFOLLOW))) {
			if ((walk & WALK_NO_SYMLINKS) || is_magic_link(cur, next)) {
				close(next);
				return -ELOOP; /* as RESOLVE_NO_SYMLINKS / NO_MAGICLINKS */
			}
			char target[PATH_MAX];
			ssize_t n = readlinkat(next, "", target, sizeof(target) - 1);
			close(next);
			if (n < 0)
				return -errno;
			target[n] = '\0';
			if (depth >= MAX_SYMLINKS)
				return -ELOOP;
			/* the rest of the path continues from where the link points */
			_cleanup_free_ char *joined = xasprintf("%s%s", target, path);
			if (joined[0] == '/')
				return walk_in_root(root_fd, joined, flags, walk, depth + 1);
			return walk_from(root_fd, cur, joined, flags, walk, depth + 1);
		}
		close(cur);
		cur = next;
	}
	if (flags & O_PATH)
		return TAKE_FD(cur);
	/* Reopen the O_PATH fd with the wanted access mode. */
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", cur);
	int fd = open(proc, (flags & ~(O_NOFOLLOW | O_CREAT | O_EXCL)) | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int walk_in_root(int root_fd, const char *path, int flags, int walk, int depth)
{
	return walk_from(root_fd, root_fd, path, flags, walk, depth);
}

static int resolve(int root_fd, const char *path, int flags, bool no_symlinks, struct nsrun_error *err)
{
	static int checked;
	if (!checked) {
		checked = 1;
		const char *e = getenv("NSRUN_TEST_NO_OPENAT2");
		use_openat2 = !(e && strcmp(e, "1") == 0);
	}
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	int fd;
	if (use_openat2) {
		struct open_how how = {
			.flags = (uint64_t)(flags | O_CLOEXEC),
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS |
				   (no_symlinks ? RESOLVE_NO_SYMLINKS : 0),
		};
		fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS) {
			int e = errno;
			nsrun_error_set(err, e, "open /%s inside the container", path);
			return -e;
		}
		use_openat2 = false;
	}
	fd = walk_in_root(root_fd, path, flags, no_symlinks ? WALK_NO_SYMLINKS : 0, 0);
	if (fd < 0)
		nsrun_error_set(err, -fd, "open /%s inside the container", path);
	return fd;
}

int resolve_in_root(int root_fd, const char *path, int flags, struct nsrun_error *err)
{
	return resolve(root_fd, path, flags, false, err);
}

int resolve_in_root_nosymlinks(int root_fd, const char *path, int flags, struct nsrun_error *err)
{
	return resolve(root_fd, path, flags, true, err);
}

int mkpath_in_root(int root_fd, const char *path, bool file, struct nsrun_error *err)
{
	/* Fast path: it is there already. */
	int fd = resolve_in_root(root_fd, path, O_PATH, err);
	if (fd >= 0 || fd != -ENOENT)
		return fd;
	_cleanup_free_ char *copy = xstrdup(path);
	size_t len = strlen(copy);
	/* Walk prefixes: each missing component is made relative to the fd of
	 * its parent, which was itself resolved inside the root. */
	_cleanup_close_ int parent = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	if (parent < 0) {
		int e = errno;
		nsrun_error_set(err, e, "dup");
		return -e;
	}
	for (size_t i = 0; i <= len; i++) {
		if (copy[i] != '/' && copy[i] != '\0')
			continue;
		if (i == 0)
			continue;
		char saved = copy[i];
		copy[i] = '\0';
		const char *name = strrchr(copy, '/');
		name = name ? name + 1 : copy;
		bool last = saved == '\0';
		int next = resolve_in_root(root_fd, copy, O_PATH, err);
		if (next == -ENOENT) {
			int r;
			if (last && file) {
				r = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
				if (r >= 0)
					close(r);
			} else {
				r = mkdirat(parent, name, 0755);
			}
			if (r < 0 && errno != EEXIST) {
				int e = errno;
				nsrun_error_set(err, e, "create %s inside the container", copy);
				return -e;
			}
			next = resolve_in_root(root_fd, copy, O_PATH, err);
		}
		if (next < 0)
			return next;
		copy[i] = saved;
		if (last)
			return next;
		close(parent);
		parent = next;
	}
	nsrun_error_set(err, EINVAL, "empty path");
	return -EINVAL;
}

int open_verified_procfs(struct nsrun_error *err)
{
	_cleanup_close_ int fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct statfs sf;
	if (fd < 0)
		return nsrun_error_set(err, errno, "open /proc");
	if (fstatfs(fd, &sf) < 0)
		return nsrun_error_set(err, errno, "fstatfs /proc");
	if (sf.f_type != PROC_SUPER_MAGIC)
		return nsrun_error_set(err, 0, "/proc is not a procfs (f_type %#lx)", (long)sf.f_type);
	return TAKE_FD(fd);
}
