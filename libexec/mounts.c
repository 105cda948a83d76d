/* Root filesystem and mounts, with the new mount API: every mount is made
 * detached (fsmount/open_tree) and attached onto an fd resolved inside the
 * root, so no path string ever crosses the rootfs boundary. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "exec-internal.h"

static unsigned long long attrs_from_flags(unsigned long flags)
{
	unsigned long long a = 0;
	if (flags & MS_RDONLY)
		a |= MOUNT_ATTR_RDONLY;
	if (flags & MS_NOSUID)
		a |= MOUNT_ATTR_NOSUID;
	if (flags & MS_NODEV)
		a |= MOUNT_ATTR_NODEV;
	if (flags & MS_NOEXEC)
		a |= MOUNT_ATTR_NOEXEC;
	if (flags & MS_NODIRATIME)
		a |= MOUNT_ATTR_NODIRATIME;
	if (flags & MS_NOSYMFOLLOW)
		a |= MOUNT_ATTR_NOSYMFOLLOW;
	if (flags & MS_NOATIME)
		a |= MOUNT_ATTR_NOATIME;
	else if (flags & MS_STRICTATIME)
		a |= MOUNT_ATTR_STRICTATIME;
	else if (flags & MS_RELATIME)
		a |= MOUNT_ATTR_RELATIME;
	return a;
}

static bool sets_atime(unsigned long flags)
{
	return flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME);
}

static int set_propagation(int mnt_fd, unsigned long prop, struct nsrun_error *err)
{
	if (!prop)
		return 0;
	struct mount_attr attr = { .propagation = prop & ~(unsigned long)MS_REC };
	if (mount_setattr(mnt_fd, "", AT_EMPTY_PATH | (prop & MS_REC ? AT_RECURSIVE : 0), &attr,
			  sizeof(attr)) < 0)
		return nsrun_error_set(err, errno, "set propagation");
	return 0;
}

/* The kernel explains fsconfig() failures in messages read from the fs fd. */
static void fs_context_message(int fs, char *buf, size_t size)
{
	buf[0] = '\0';
	ssize_t n = read(fs, buf, size - 1);
	if (n > 0) {
		buf[n] = '\0';
		char *nl = strchr(buf, '\n');
		if (nl)
			*nl = '\0';
	}
}

static int configure_fs(int fs, const struct plan_step *s, struct nsrun_error *err)
{
	static const struct { unsigned long flag; const char *key; } sb_flags[] = {
		{ MS_SYNCHRONOUS, "sync" }, { MS_DIRSYNC, "dirsync" }, { MS_LAZYTIME, "lazytime" },
		{ MS_MANDLOCK, "mand" }, { MS_SILENT, "silent" },
	};
	char msg[256];
	for (size_t i = 0; i < ARRAY_SIZE(sb_flags); i++)
		if ((s->flags & sb_flags[i].flag) &&
		    fsconfig(fs, FSCONFIG_SET_FLAG, sb_flags[i].key, NULL, 0) < 0)
			return nsrun_error_set(err, errno, "option %s", sb_flags[i].key);
	if (s->source && fsconfig(fs, FSCONFIG_SET_STRING, "source", s->source, 0) < 0)
		return nsrun_error_set(err, errno, "source %s", s->source);
	_cleanup_free_ char *data = s->data ? xstrdup(s->data) : NULL;
	for (char *save = NULL, *opt = data ? strtok_r(data, ",", &save) : NULL; opt;
	     opt = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(opt, '=');
		int r;
		if (eq) {
			*eq = '\0';
			r = fsconfig(fs, FSCONFIG_SET_STRING, opt, eq + 1, 0);
		} else {
			r = fsconfig(fs, FSCONFIG_SET_FLAG, opt, NULL, 0);
		}
		if (r < 0) {
			int e = errno;
			fs_context_message(fs, msg, sizeof(msg));
			return nsrun_error_set(err, e, "option %s%s%s%s%s", opt, eq ? "=" : "",
					       eq ? eq + 1 : "", msg[0] ? ": " : "", msg);
		}
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		int e = errno;
		fs_context_message(fs, msg, sizeof(msg));
		return nsrun_error_set(err, e, "create the %s filesystem%s%s", s->fstype,
				       msg[0] ? ": " : "", msg);
	}
	return 0;
}

static int attach(int mnt_fd, int target_fd, const char *dest, struct nsrun_error *err)
{
	if (move_mount(mnt_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return nsrun_error_set(err, errno, "attach onto %s", dest);
	return 0;
}

/* The filesystems whose insides the plan masks: what fstatfs() must say. */
static long fs_magic(const char *fstype)
{
	static const struct { const char *name; long magic; } known[] = {
		{ "proc", PROC_SUPER_MAGIC }, { "sysfs", SYSFS_MAGIC },
	};
	for (size_t i = 0; fstype && i < ARRAY_SIZE(known); i++)
		if (strcmp(fstype, known[i].name) == 0)
			return known[i].magic;
	return 0;
}

/* Procfs and sysfs only go onto plain directories reached without any
 * symlink (SECURITY.md rule 2).  The path is resolved once, and the mount
 * goes onto that fd: a directory swapped for a symlink afterwards changes
 * nothing (the CVE-2019-19921 race). */
static int open_pseudo_target(struct exec_ctx *c, const char *dest, struct nsrun_error *err)
{
	struct nsrun_error e;
	int fd = resolve_in_root_nosymlinks(c->root_fd, dest, O_PATH | O_NOFOLLOW, &e);
	if (fd == -ENOENT) {
		int made = mkpath_in_root(c->root_fd, dest, false, err);
		if (made < 0)
			return -1;
		close(made);
		fd = resolve_in_root_nosymlinks(c->root_fd, dest, O_PATH | O_NOFOLLOW, &e);
	}
	if (fd == -ELOOP)
		return nsrun_error_set(err, 0, "a symlink is on the way to %s in the root filesystem: "
				       "refusing to mount there", dest);
	if (fd < 0) {
		*err = e;
		return -1;
	}
	_cleanup_close_ int target = fd;
	struct stat st;
	if (fstat(target, &st) < 0)
		return nsrun_error_set(err, errno, "stat %s", dest);
	if (!S_ISDIR(st.st_mode))
		return nsrun_error_set(err, 0, "%s in the root filesystem is %s, not a directory: "
				       "refusing to mount there", dest, S_ISLNK(st.st_mode) ?
				       "a symlink" : "not a directory");
	return TAKE_FD(target);
}

static int mount_id(int fd, uint64_t *id)
{
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
		return -1;
	if (!(stx.stx_mask & STATX_MNT_ID))
		return errno = ENOSYS, -1;
	*id = stx.stx_mnt_id;
	return 0;
}

/* After attaching: the path, resolved again without symlinks, must lead to
 * the very mount just made, of the right filesystem. */
static int verify_mounted(struct exec_ctx *c, const struct plan_step *s, int mnt, struct nsrun_error *err)
{
	struct nsrun_error e;
	_cleanup_close_ int fd = resolve_in_root_nosymlinks(c->root_fd, s->path, O_PATH | O_DIRECTORY, &e);
	struct statfs sf;
	uint64_t want, got;
	if (fd < 0)
		return nsrun_error_set(err, e.errnum, "%s was replaced while nsrun mounted %s on it: "
				       "refusing to go on", s->path, s->fstype);
	if (fstatfs(fd, &sf) < 0 || mount_id(fd, &got) < 0 || mount_id(mnt, &want) < 0)
		return nsrun_error_set(err, errno, "check the %s mount on %s", s->fstype, s->path);
	if (sf.f_type != fs_magic(s->fstype) || got != want)
		return nsrun_error_set(err, 0, "%s is not the %s just mounted there (f_type %#lx): the "
				       "directory was replaced while nsrun mounted on it: refusing "
				       "to go on", s->path, s->fstype, (unsigned long)sf.f_type);
	return 0;
}

/* linux.mountLabel: the SELinux context of what nsrun mounts itself. */
static int set_mount_label(struct exec_ctx *c, const struct plan_step *s, int fs,
			   struct nsrun_error *err)
{
	if (!s->label)
		return 0;
	if (fsconfig(fs, FSCONFIG_SET_STRING, "context", c->plan->mount_label, 0) < 0)
		return nsrun_error_set(err, errno, "option context=\"%s\"", c->plan->mount_label);
	return 0;
}

static int mount_fs(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	bool pseudo = fs_magic(s->fstype) != 0;
	_cleanup_close_ int target = pseudo ? open_pseudo_target(c, s->path, err) : -1;
	if (pseudo && target < 0)
		return -1;
	_cleanup_close_ int fs = fsopen(s->fstype, FSOPEN_CLOEXEC);
	if (fs < 0)
		return nsrun_error_set(err, errno, "fsopen %s", s->fstype);
	if (set_mount_label(c, s, fs, err) < 0 || configure_fs(fs, s, err) < 0)
		return -1;
	unsigned long long attrs = attrs_from_flags(s->flags);
	_cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC,
					  (unsigned)(s->copy_up ? attrs & ~MOUNT_ATTR_RDONLY : attrs));
	if (mnt < 0)
		return nsrun_error_set(err, errno, "fsmount %s", s->fstype);
	if (!pseudo)
		target = mkpath_in_root(c->root_fd, s->path, false, err);
	if (target < 0)
		return -1;
	if (s->copy_up) {
		/* fill the new tmpfs before it covers what it copies */
		if (copy_up(target, mnt, err) < 0)
			return -1;
		struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
		if ((attrs & MOUNT_ATTR_RDONLY) && mount_setattr(mnt, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
			return nsrun_error_set(err, errno, "make %s read-only", s->path);
	}
	if (attach(mnt, target, s->path, err) < 0)
		return -1;
	if (pseudo && verify_mounted(c, s, mnt, err) < 0)
		return -1;
	return set_propagation(mnt, s->propagation, err);
}

/* The mount step's EARLY function: in a new user namespace our ids change
 * at wait-parent, so a bind's source is opened right after clone, as the
 * host's root (below directories only it may search); the bind itself is
 * made in its step. */
int step_mount_open(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)err;
	if (c->plan->new_userns && s->mount_kind == MOUNT_BIND)
		c->ns_fds[c->step_index] = open(s->source, O_PATH | O_CLOEXEC);
	return 0;
}

static int mount_bind(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	/* opened before wait-parent in a user namespace (step_mount_open); "idmap":
	 * the idmapped copy nsrun made (userns.c) */
	_cleanup_close_ int pre = c->ns_fds && c->ns_fds[c->step_index] >= 0 ?
		TAKE_FD(c->ns_fds[c->step_index]) : -1;
	_cleanup_close_ int tree = c->bind_trees && c->bind_trees[c->step_index] >= 0 ?
		TAKE_FD(c->bind_trees[c->step_index]) :
		open_tree(pre >= 0 ? pre : AT_FDCWD, pre >= 0 ? "" : s->source,
			  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (pre >= 0 ? AT_EMPTY_PATH : 0) |
			  (s->recursive ? AT_RECURSIVE : 0));
	struct stat st;
	if (tree < 0)
		return nsrun_error_set(err, errno, "open the bind source %s", s->source);
	if (fstat(tree, &st) < 0)
		return nsrun_error_set(err, errno, "stat %s", s->source);
	/* the host's /sys bound in place of a sysfs (a user namespace without
	 * a network namespace): the same rule as for a new sysfs */
	struct statfs sf;
	bool pseudo = fstatfs(tree, &sf) == 0 && (sf.f_type == SYSFS_MAGIC || sf.f_type == PROC_SUPER_MAGIC);
	unsigned long long set = attrs_from_flags(s->flags), clr = attrs_from_flags(s->clear_flags);
	if (sets_atime(s->flags))
		clr |= MOUNT_ATTR__ATIME;
	if (set || clr) {
		struct mount_attr attr = { .attr_set = set, .attr_clr = clr };
		if (mount_setattr(tree, "", AT_EMPTY_PATH | (s->recursive ? AT_RECURSIVE : 0), &attr,
				  sizeof(attr)) < 0)
			return nsrun_error_set(err, errno, "set the options of the bind mount");
	}
	_cleanup_close_ int target = pseudo ? open_pseudo_target(c, s->path, err) :
				     mkpath_in_root(c->root_fd, s->path, !S_ISDIR(st.st_mode), err);
	if (target < 0)
		return -1;
	struct stat tst;
	if (fstat(target, &tst) < 0)
		return nsrun_error_set(err, errno, "stat %s", s->path);
	if (S_ISDIR(st.st_mode) != S_ISDIR(tst.st_mode))
		return nsrun_error_set(err, 0, "%s is a %s but %s in the container is a %s", s->source,
				       S_ISDIR(st.st_mode) ? "directory" : "file", s->path,
				       S_ISDIR(tst.st_mode) ? "directory" : "file");
	if (attach(tree, target, s->path, err) < 0)
		return -1;
	return set_propagation(tree, s->propagation, err);
}

/* One cgroup hierarchy under the cgroup tmpfs: "cpu", "name=systemd", or
 * cgroup2 for "unified". */
static int mount_hierarchy(struct exec_ctx *c, const char *dest, const char *fstype,
			   const char *opts, unsigned long long attrs, struct nsrun_error *err)
{
	_cleanup_close_ int fs = fsopen(fstype, FSOPEN_CLOEXEC);
	if (fs < 0)
		return nsrun_error_set(err, errno, "fsopen %s", fstype);
	_cleanup_free_ char *copy = xstrdup(opts);
	for (char *save = NULL, *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '=');
		int r;
		if (strcmp(o, "rw") == 0 || strcmp(o, "ro") == 0)
			continue;
		if (eq) {
			*eq = '\0';
			r = fsconfig(fs, FSCONFIG_SET_STRING, o, eq + 1, 0);
		} else {
			r = fsconfig(fs, FSCONFIG_SET_FLAG, o, NULL, 0);
		}
		if (r < 0)
			return nsrun_error_set(err, errno, "cgroup option %s", o);
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return nsrun_error_set(err, errno, "mount the %s hierarchy (%s)", fstype, opts);
	_cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)attrs);
	if (mnt < 0)
		return nsrun_error_set(err, errno, "fsmount %s", dest);
	_cleanup_close_ int target = mkpath_in_root(c->root_fd, dest, false, err);
	if (target < 0)
		return -1;
	return attach(mnt, target, dest, err);
}

/* Our cgroup in one hierarchy, from /proc/self/cgroup ("4:memory:/a/b");
 * controllers as the mount's super options name them, "" for cgroup2. */
static char *own_cgroup(struct exec_ctx *c, const char *controllers, struct nsrun_error *err)
{
	int fd = openat(c->proc_fd, "self/cgroup", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		nsrun_error_set(err, errno, "read /proc/self/cgroup");
		return NULL;
	}
	_cleanup_fclose_ FILE *f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		nsrun_error_set(err, errno, "read /proc/self/cgroup");
		return NULL;
	}
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		if (!b)
			continue;
		*b = '\0';
		if (strcmp(a + 1, controllers) == 0)
			return xstrdup(b + 1);
	}
	nsrun_error_set(err, 0, "no cgroup of ours in the %s hierarchy", controllers[0] ? controllers : "v2");
	return NULL;
}

static int bind_own_cgroup(struct exec_ctx *c, const char *mnt, const char *fstype, const char *superopts,
			   const char *dest, unsigned long long attrs, struct nsrun_error *err)
{
	/* "rw,cpu" -> "cpu"; "rw,name=systemd" -> "name=systemd" */
	const char *controllers = strcmp(fstype, "cgroup2") == 0 ? "" :
				  strncmp(superopts, "rw,", 3) == 0 || strncmp(superopts, "ro,", 3) == 0 ?
				  superopts + 3 : superopts;
	_cleanup_free_ char *own = own_cgroup(c, controllers, err);
	if (!own)
		return -1;
	_cleanup_free_ char *src = xasprintf("%s%s", mnt, own);
	_cleanup_close_ int tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return nsrun_error_set(err, errno, "open the container's cgroup %s", src);
	struct mount_attr attr = { .attr_set = attrs };
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return nsrun_error_set(err, errno, "set the options of %s", dest);
	_cleanup_close_ int target = mkpath_in_root(c->root_fd, dest, false, err);
	if (target < 0)
		return -1;
	return attach(tree, target, dest, err);
}

/* The hierarchies systemd keeps its own cgroups in: cgroup2 (the unified
 * hierarchy, or the hybrid layout's /sys/fs/cgroup/unified) and v1's
 * name=systemd.  systemd only reads the controllers' v1 hierarchies in a
 * container, and nspawn mounts those read-only too. */
static bool systemd_hierarchy(const char *fstype, const char *superopts)
{
	if (strcmp(fstype, "cgroup2") == 0)
		return true;
	_cleanup_free_ char *copy = xstrdup(superopts);
	for (char *save = NULL, *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (strcmp(o, "name=systemd") == 0)
			return true;
	return false;
}

/* The host's v1 hierarchies, from our copy of its mount table. */
static int mount_cgroup_v1(struct exec_ctx *c, const struct plan_step *s, unsigned long long attrs,
			   struct nsrun_error *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return nsrun_error_set(err, errno, "read /proc/self/mountinfo");
	/* Without a cgroup namespace of its own, a new mount would show the
	 * host's whole hierarchy: bind the container's own cgroup instead. */
	struct stat self_ns;
	bool host_cgroupns = fstatat(c->proc_fd, "self/ns/cgroup", &self_ns, 0) == 0 &&
			     self_ns.st_ino == c->nsrun_cgroupns;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - FSTYPE SOURCE SUPEROPTS */
		char mnt[4096], fstype[64], superopts[1024];
		char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s %*s %1023s", fstype, superopts) != 2)
			continue;
		if (strncmp(mnt, "/sys/fs/cgroup/", 15) != 0 || strchr(mnt + 15, '/'))
			continue;
		if (strcmp(fstype, "cgroup") != 0 && strcmp(fstype, "cgroup2") != 0)
			continue;
		_cleanup_free_ char *dest = xasprintf("%s/%s", s->path, mnt + 15);
		unsigned long long a = attrs;
		if (s->delegate) /* boot: the container's systemd writes only its own hierarchies */
			a = systemd_hierarchy(fstype, superopts) ? a & ~(unsigned long long)MOUNT_ATTR_RDONLY :
			    a | MOUNT_ATTR_RDONLY;
		if (host_cgroupns) {
			if (bind_own_cgroup(c, mnt, fstype, superopts, dest, a, err) < 0)
				return -1;
		} else if (mount_hierarchy(c, dest, fstype, superopts, a, err) < 0) {
			return -1;
		}
	}
	return 0;
}

static int mount_cgroup(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	struct statfs sf;
	unsigned long long attrs = attrs_from_flags(s->flags) | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				   MOUNT_ATTR_NOEXEC;
	if (statfs("/sys/fs/cgroup", &sf) < 0)
		return nsrun_error_set(err, errno, "statfs /sys/fs/cgroup");
	if (sf.f_type == CGROUP2_SUPER_MAGIC && s->delegate)
		attrs &= ~(unsigned long long)MOUNT_ATTR_RDONLY; /* boot: systemd's own subtree */
	if (sf.f_type == CGROUP2_SUPER_MAGIC)
		return mount_hierarchy(c, s->path, "cgroup2", "", attrs, err);
	/* v1 or hybrid: a tmpfs like the host's, then each hierarchy */
	struct plan_step tmpfs = *s;
	tmpfs.mount_kind = MOUNT_FS;
	tmpfs.fstype = (char *)"tmpfs";
	tmpfs.source = (char *)"cgroup";
	tmpfs.data = (char *)"mode=755";
	tmpfs.flags = s->flags & ~(unsigned long)MS_RDONLY;
	tmpfs.propagation = 0;
	if (mount_fs(c, &tmpfs, err) < 0 || mount_cgroup_v1(c, s, attrs, err) < 0)
		return -1;
	if ((s->flags & MS_RDONLY) || s->delegate) {
		_cleanup_close_ int fd = resolve_in_root(c->root_fd, s->path, O_PATH, err);
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
		if (fd < 0 || mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
			return nsrun_error_set(err, errno, "make %s read-only", s->path);
	}
	return 0;
}

int step_mount(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	switch (s->mount_kind) {
	case MOUNT_BIND:
		return mount_bind(c, s, err);
	case MOUNT_CGROUP:
		return mount_cgroup(c, s, err);
	case MOUNT_FS:
		break;
	}
	return mount_fs(c, s, err);
}

int step_propagation(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)c;
	if (mount(NULL, "/", NULL, s->propagation, NULL) < 0)
		return nsrun_error_set(err, errno, "make / rslave");
	return 0;
}

/* Give the mount that `fd` is on (found by going up to its root) the
 * propagation `prop`. */
static int set_propagation_of_mount(int fd, unsigned long prop, struct nsrun_error *err)
{
	_cleanup_close_ int cur = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	for (int depth = 0; cur >= 0 && depth < 4096; depth++) {
		struct statx stx;
		if (statx(cur, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) < 0)
			break;
		if (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT)
			return set_propagation(cur, prop, err);
		int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(cur);
		cur = up;
	}
	return nsrun_error_set(err, errno ? errno : ELOOP, "find the mount");
}

int step_rootfs_bind(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	/* a shared "/" (rootfsPropagation): pivot_root wants neither the new
	 * root nor the mounts it sits on shared; in our copy only */
	if (s->propagation && set_propagation_of_mount(c->rootfs_fd, s->propagation, err) < 0)
		return nsrun_error_prefix(err, "make the mount of %s private: ", s->path);
	if (s->propagation && mount(NULL, "/", NULL, s->propagation, NULL) < 0)
		return nsrun_error_set(err, errno, "make / private");
	/* privateUsers: the idmapped copy nsrun made (libexec/userns.c) */
	int tree = c->idmap_root_fd >= 0 ? TAKE_FD(c->idmap_root_fd) :
		   open_tree(c->rootfs_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
			     AT_EMPTY_PATH);
	if (tree < 0)
		return nsrun_error_set(err, errno, "open the root filesystem %s", s->path);
	if (move_mount(tree, "", c->rootfs_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		int e = errno;
		close(tree);
		return nsrun_error_set(err, e, "bind %s onto itself", s->path);
	}
	c->root_fd = tree;
	return 0;
}

int step_pivot_root(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	/* pivot_root(".", ".") stacks the old root on the new one; detaching
	 * it leaves no trace and needs no directory for it in the image. */
	_cleanup_close_ int old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (old_root < 0 || fchdir(c->root_fd) < 0)
		return nsrun_error_set(err, errno, "chdir into the root filesystem");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return nsrun_error_set(err, errno, "pivot_root");
	/* The old root may hold peers of the host's mounts (a shared
	 * rootfsPropagation): its unmount must not propagate there.  "." is
	 * the old root's own mount only from its fd. */
	if (fchdir(old_root) < 0 || mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return nsrun_error_set(err, errno, "make the old root rslave");
	if (umount2(".", MNT_DETACH) < 0)
		return nsrun_error_set(err, errno, "detach the old root");
	if (chdir("/") < 0)
		return nsrun_error_set(err, errno, "chdir /");
	return 0;
}

/* A detached, read-only, empty tmpfs; with_file: holding one empty file
 * "empty" (mode 0444) to mount over masked files. */
static int empty_tmpfs(struct exec_ctx *c, const struct plan_step *s, bool with_file,
		       struct nsrun_error *err)
{
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "size", with_file ? "4k" : "0", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0)
		return nsrun_error_set(err, errno, "make an empty tmpfs");
	if (set_mount_label(c, s, fs, err) < 0)
		return -1;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return nsrun_error_set(err, errno, "make an empty tmpfs");
	unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	_cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, with_file ? attrs : attrs | MOUNT_ATTR_RDONLY);
	if (mnt < 0)
		return nsrun_error_set(err, errno, "fsmount tmpfs");
	if (!with_file)
		return TAKE_FD(mnt);
	int f = openat(mnt, "empty", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
	if (f < 0)
		return nsrun_error_set(err, errno, "create the empty file masks use");
	close(f); /* a file open for writing keeps the mount from going read-only */
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	if (mount_setattr(mnt, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return nsrun_error_set(err, errno, "make the empty file read-only");
	return TAKE_FD(mnt);
}

/* What a masked, read-only or read-write path names.  Inside a procfs or
 * sysfs the plan mounted (s->fstype, at s->source), its parent must be
 * reached without symlinks and be that filesystem, or the step fails: a
 * missing leaf is skipped (kernels differ), a parent that is something
 * else means the mount did not end up where the plan put it.  Elsewhere a
 * path the image does not have is skipped.  Returns an O_PATH fd,
 * -ENOENT to skip, or -1 with err set. */
static int open_masked(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	struct nsrun_error e;
	if (!s->fstype) {
		int fd = resolve_in_root(c->root_fd, s->path, O_PATH, &e);
		if (fd < 0 && fd != -ENOENT)
			return *err = e, -1;
		return fd;
	}
	_cleanup_free_ char *parent = xstrdup(s->path);
	char *slash = strrchr(parent, '/');
	const char *leaf = s->path + (slash - parent) + 1;
	*slash = '\0';
	_cleanup_close_ int dir = resolve_in_root_nosymlinks(c->root_fd, parent[0] ? parent : "/",
							     O_PATH | O_DIRECTORY, &e);
	struct statfs sf;
	if (dir < 0)
		return nsrun_error_set(err, e.errnum, "%s: its parent is not the %s mounted on %s (a "
				       "symlink on the way, or gone): refusing to go on", s->path,
				       s->fstype, s->source);
	if (fstatfs(dir, &sf) < 0)
		return nsrun_error_set(err, errno, "statfs the parent of %s", s->path);
	if (sf.f_type != fs_magic(s->fstype))
		return nsrun_error_set(err, 0, "%s: its parent is not the %s mounted on %s (f_type "
				       "%#lx): refusing to go on", s->path, s->fstype, s->source,
				       (unsigned long)sf.f_type);
	int fd = openat(dir, leaf, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : nsrun_error_set(err, errno, "open %s", s->path);
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
		close(fd);
		return nsrun_error_set(err, 0, "%s is a symlink in the %s mounted on %s: refusing to "
				       "go on", s->path, s->fstype, s->source);
	}
	return fd;
}

int step_mask_path(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	_cleanup_close_ int target = open_masked(c, s, err);
	struct stat st;
	if (target == -ENOENT)
		return 0; /* nothing to hide */
	if (target < 0)
		return -1;
	if (fstat(target, &st) < 0)
		return nsrun_error_set(err, errno, "stat %s", s->path);
	if (S_ISDIR(st.st_mode)) {
		_cleanup_close_ int mnt = empty_tmpfs(c, s, false, err);
		if (mnt < 0)
			return -1;
		return attach(mnt, target, s->path, err);
	}
	/* Files are hidden under an empty read-only file: reads give nothing
	 * and opening for writing fails (EROFS), where /dev/null would take
	 * the writes; nothing is taken from the image's /dev (rule 2). */
	if (c->mask_mnt < 0) {
		c->mask_mnt = empty_tmpfs(c, s, true, err);
		if (c->mask_mnt < 0)
			return -1;
	}
	_cleanup_close_ int file = open_tree(c->mask_mnt, "empty", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (file < 0)
		return nsrun_error_set(err, errno, "clone the empty file");
	return attach(file, target, s->path, err);
}

/* Bind a path inside the root over itself with other mount attributes;
 * a path that is not there is skipped as open_masked says. */
static int rebind_path(struct exec_ctx *c, const struct plan_step *s, bool recursive,
		       const struct mount_attr *attr, const char *what, struct nsrun_error *err)
{
	_cleanup_close_ int target = open_masked(c, s, err);
	if (target == -ENOENT)
		return 0;
	if (target < 0)
		return -1;
	unsigned rec = recursive ? AT_RECURSIVE : 0;
	_cleanup_close_ int tree = open_tree(target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					     AT_EMPTY_PATH | rec);
	if (tree < 0)
		return nsrun_error_set(err, errno, "clone %s", s->path);
	if (mount_setattr(tree, "", AT_EMPTY_PATH | rec, (struct mount_attr *)attr, sizeof(*attr)) < 0)
		return nsrun_error_set(err, errno, "make %s %s", s->path, what);
	return attach(tree, target, s->path, err);
}

int step_readonly_path(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	static const struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					      MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
	return rebind_path(c, s, true, &ro, "read-only", err);
}

/* The opposite, for a path below a read-only one: /proc/sys/net of a
 * container with its own network namespace (systemd's container interface). */
int step_readwrite_path(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	static const struct mount_attr rw = { .attr_clr = MOUNT_ATTR_RDONLY };
	return rebind_path(c, s, false, &rw, "writable", err);
}

int step_root_readonly(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	(void)s;
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	if (mount_setattr(c->root_fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return nsrun_error_set(err, errno, "make the root read-only");
	return 0;
}

int step_root_propagation(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	return set_propagation(c->root_fd, s->propagation, err);
}

/* A mount namespace joined by path: the root filesystem nsrun opened
 * belongs to the host's, so it is opened again in the joined one, and the
 * root and every bind source must be found there before anything in that
 * namespace changes (the propagation step is the first change).  Not for
 * `nsrun exec`, whose plan builds no root. */
int mounts_enter_joined(struct exec_ctx *c, struct nsrun_error *err)
{
	const struct plan *p = c->plan;
	bool builds_root = false;
	for (size_t i = 0; i < p->n_steps; i++)
		builds_root |= p->steps[i].kind == STEP_ROOTFS_BIND;
	if (!builds_root)
		return 0;
	int fd = open(p->rootfs, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nsrun_error_set(err, errno, "open the root filesystem %s in the joined mount "
				       "namespace (nothing in it was changed)", p->rootfs);
	if (c->rootfs_fd >= 0)
		close(c->rootfs_fd);
	c->rootfs_fd = fd;
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct plan_step *s = &p->steps[i];
		struct stat st;
		if (s->kind == STEP_MOUNT && s->mount_kind == MOUNT_BIND && stat(s->source, &st) < 0)
			return nsrun_error_set(err, errno, "bind source %s (for %s) in the joined mount "
					       "namespace (nothing in it was changed)", s->source, s->path);
	}
	return 0;
}
