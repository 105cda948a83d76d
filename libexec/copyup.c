/* tmpcopyup (runc and crun's mount extension): a new tmpfs starts with a
 * copy of what the directory under it held, so a read-only image can get
 * writable /etc-like directories.  Copies files, directories and symlinks
 * with their modes and owners; device nodes and sockets are skipped. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sendfile.h>

#include "exec-internal.h"

static int copy_file(int src_dir, int dst_dir, const char *name, const struct stat *st,
		     struct nsrun_error *err)
{
	_cleanup_close_ int in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return nsrun_error_set(err, errno, "tmpcopyup: open %s", name);
	_cleanup_close_ int out = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
					 st->st_mode & 07777);
	if (out < 0)
		return nsrun_error_set(err, errno, "tmpcopyup: create %s", name);
	off_t left = st->st_size;
	while (left > 0) {
		ssize_t n = sendfile(out, in, NULL, (size_t)left);
		if (n <= 0)
			return nsrun_error_set(err, n < 0 ? errno : EIO, "tmpcopyup: copy %s", name);
		left -= n;
	}
	return 0;
}

static int copy_dir(int src, int dst, int depth, struct nsrun_error *err);

static int copy_entry(int src, int dst, const char *name, int depth, struct nsrun_error *err)
{
	struct stat st;
	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return nsrun_error_set(err, errno, "tmpcopyup: stat %s", name);
	if (S_ISREG(st.st_mode)) {
		if (copy_file(src, dst, name, &st, err) < 0)
			return -1;
	} else if (S_ISDIR(st.st_mode)) {
		if (mkdirat(dst, name, st.st_mode & 07777) < 0)
			return nsrun_error_set(err, errno, "tmpcopyup: mkdir %s", name);
		_cleanup_close_ int s2 = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int d2 = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s2 < 0 || d2 < 0)
			return nsrun_error_set(err, errno, "tmpcopyup: open %s", name);
		if (copy_dir(s2, d2, depth + 1, err) < 0)
			return -1;
	} else if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
		if (n < 0)
			return nsrun_error_set(err, errno, "tmpcopyup: readlink %s", name);
		target[n] = '\0';
		if (symlinkat(target, dst, name) < 0)
			return nsrun_error_set(err, errno, "tmpcopyup: symlink %s", name);
	} else {
		return 0;
	}
	if (fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EPERM &&
	    errno != EINVAL)
		return nsrun_error_set(err, errno, "tmpcopyup: chown %s", name);
	return 0;
}

static int copy_dir(int src, int dst, int depth, struct nsrun_error *err)
{
	if (depth > 64)
		return nsrun_error_set(err, ELOOP, "tmpcopyup: directories nested too deep");
	int fd = fcntl(src, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return nsrun_error_set(err, errno, "tmpcopyup: dup");
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return nsrun_error_set(err, errno, "tmpcopyup: read the directory");
	}
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    copy_entry(src, dst, e->d_name, depth, err) < 0)
			return -1;
	return 0;
}

int copy_up(int src_dir, int mnt_fd, struct nsrun_error *err)
{
	_cleanup_close_ int src = openat(src_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dst = openat(mnt_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src < 0 || dst < 0)
		return nsrun_error_set(err, errno, "tmpcopyup: open the directories");
	struct stat st;
	if (fstat(src, &st) == 0) {
		fchmod(dst, st.st_mode & 07777);
		if (fchown(dst, st.st_uid, st.st_gid) < 0 && errno != EPERM && errno != EINVAL)
			return nsrun_error_set(err, errno, "tmpcopyup: chown");
	}
	return copy_dir(src, dst, 0, err);
}
