/* /dev: device nodes, the usual symlinks, and the console pty. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <termios.h>

#include "exec-internal.h"

static int parent_dir(struct exec_ctx *c, const char *path, const char **base, struct nsrun_error *err)
{
	const char *slash = strrchr(path, '/');
	_cleanup_free_ char *dir = xstrndup(path, (size_t)(slash - path));
	*base = slash + 1;
	return mkpath_in_root(c->root_fd, dir[0] ? dir : "/", false, err);
}

/* In a user namespace nodes cannot be made: bind the host's node, after
 * checking it is the device the plan names. */
static int bind_host_node(struct exec_ctx *c, const struct plan_step *s, dev_t want,
			  struct nsrun_error *err)
{
	_cleanup_close_ int tree = open_tree(AT_FDCWD, s->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	struct stat st;
	if (tree < 0 || fstat(tree, &st) < 0)
		return nsrun_error_set(err, errno, "open the host's %s", s->path);
	if (st.st_rdev != want || (s->dev_type == 'c') != !!S_ISCHR(st.st_mode))
		return nsrun_error_set(err, 0, "the host's %s is not the device %c %u:%u", s->path,
				       s->dev_type, s->dev_major, s->dev_minor);
	_cleanup_close_ int target = mkpath_in_root(c->root_fd, s->path, true, err);
	if (target < 0)
		return -1;
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return nsrun_error_set(err, errno, "bind the host's %s", s->path);
	return 0;
}

int step_device(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	dev_t dev = makedev(s->dev_major, s->dev_minor);
	/* rootless (inside an engine's user namespace too): no mknod either */
	if ((s->dev_bind || exec_rootless()) && s->dev_type != 'p')
		return bind_host_node(c, s, dev, err);
	const char *base;
	_cleanup_close_ int dir = parent_dir(c, s->path, &base, err);
	if (dir < 0)
		return -1;
	/* mknodat needs a real directory fd, not O_PATH */
	_cleanup_close_ int dfd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return nsrun_error_set(err, errno, "open the directory of %s", s->path);
	mode_t type = s->dev_type == 'c' ? S_IFCHR : s->dev_type == 'b' ? S_IFBLK : S_IFIFO;
	if (mknodat(dfd, base, type | (s->mode & 07777), dev) < 0)
		return nsrun_error_set(err, errno, "mknod %s", s->path);
	if (fchmodat(dfd, base, s->mode & 07777, AT_SYMLINK_NOFOLLOW) < 0 && errno != EOPNOTSUPP &&
	    fchmodat(dfd, base, s->mode & 07777, 0) < 0)
		return nsrun_error_set(err, errno, "chmod %s", s->path);
	if ((s->uid || s->gid) && fchownat(dfd, base, s->uid, s->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return nsrun_error_set(err, errno, "chown %s", s->path);
	return 0;
}

int step_dev_symlinks(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
		{ "core", "/proc/kcore" }, { "ptmx", "pts/ptmx" },
	};
	_cleanup_close_ int dev = resolve_in_root(c->root_fd, "/dev", O_RDONLY | O_DIRECTORY, err);
	if (dev < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][1], dev, links[i][0]) < 0 && errno != EEXIST)
			return nsrun_error_set(err, errno, "symlink /dev/%s", links[i][0]);
	return 0;
}

static int bind_console(struct exec_ctx *c, int slave, const char *path, struct nsrun_error *err)
{
	_cleanup_close_ int target = mkpath_in_root(c->root_fd, path, true, err);
	if (target < 0)
		return -1;
	_cleanup_close_ int tree = open_tree(slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return nsrun_error_set(err, errno, "clone the pty slave");
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return nsrun_error_set(err, errno, "bind the pty onto %s", path);
	return 0;
}

/* A new pty from the container's own devpts: the slave becomes the
 * process's stdio and /dev/console, the master goes to nsrun. */
int step_console(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	_cleanup_close_ int ptmx = resolve_in_root(c->root_fd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY, err);
	struct statfs sf;
	if (ptmx < 0)
		return nsrun_error_prefix(err, "a terminal needs a devpts mount on /dev/pts: ");
	if (fstatfs(ptmx, &sf) < 0 || sf.f_type != DEVPTS_SUPER_MAGIC)
		return nsrun_error_set(err, 0, "/dev/pts/ptmx is not on a devpts filesystem");
	int unlock = 0;
	if (ioctl(ptmx, TIOCSPTLCK, &unlock) < 0)
		return nsrun_error_set(err, errno, "unlock the pty");
	int slave = ioctl(ptmx, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return nsrun_error_set(err, errno, "open the pty slave");
	c->console_slave = slave;
	if (c->plan->console_width) {
		struct winsize ws = { .ws_row = (unsigned short)c->plan->console_height,
				      .ws_col = (unsigned short)c->plan->console_width };
		ioctl(slave, TIOCSWINSZ, &ws);
	}
	if (s->path && bind_console(c, slave, s->path, err) < 0)
		return -1;
	struct sync_msg m = { .kind = SYNC_CONSOLE };
	if (sync_send(c->sync_fd, &m, ptmx) < 0)
		return nsrun_error_set(err, errno, "send the pty to nsrun");
	return 0;
}
