/* Private user ranges (README "Private users"): pick and lock a free range
 * before clone, give the root an idmapped mount once the container's user
 * namespace has its maps, and hand the delegated cgroups to the
 * container's root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroups.h"
#include "exec-internal.h"

#define RANGE 65536u
#define LOCK_DIR "/run/nsrun/.userns"

struct id_range { uint64_t start, count; };
struct ranges { struct id_range *v; size_t n; };

static void ranges_add(struct ranges *r, uint64_t start, uint64_t count)
{
	if (count == 0)
		return;
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->v[r->n++] = (struct id_range){ start, count };
}

static bool ranges_overlap(const struct ranges *r, uint64_t start, uint64_t count)
{
	for (size_t i = 0; i < r->n; i++)
		if (start < r->v[i].start + r->v[i].count && r->v[i].start < start + count)
			return true;
	return false;
}

/* /etc/subuid, /etc/subgid: "name:start:count" per line. */
static void read_subids(const char *path, struct ranges *r)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		unsigned long long start, count;
		char *colon = strchr(line, ':');
		if (line[0] == '#' || !colon || sscanf(colon + 1, "%llu:%llu", &start, &count) != 2)
			continue;
		ranges_add(r, start, count);
	}
}

/* The host side of every mapping of every running process that is not in
 * the host's user namespace: containers of nsrun (also those started by
 * `nsrun create`, whose lock is gone with the command), nspawn, podman. */
static void read_running_maps(int proc_fd, struct ranges *r)
{
	int fd = openat(proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *e;
	char path[300], buf[512];
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/uid_map", e->d_name);
		_cleanup_close_ int m = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
		ssize_t n = m >= 0 ? read(m, buf, sizeof(buf) - 1) : -1;
		if (n <= 0)
			continue;
		buf[n] = '\0';
		unsigned long long in, out, count;
		char *p = buf;
		int used;
		while (sscanf(p, "%llu %llu %llu%n", &in, &out, &count, &used) == 3) {
			if (!(in == 0 && out == 0)) /* the host's own identity map */
				ranges_add(r, out, count);
			p += used;
		}
	}
	closedir(d);
}

static uint32_t name_hash(const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

/* The lock of the range at `base`; -2 when another nsrun holds it. */
static int lock_range(int dir, uint32_t base, struct nsrun_error *err)
{
	char name[32];
	snprintf(name, sizeof(name), "%u", base);
	int fd = openat(dir, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return nsrun_error_set(err, errno, "open the lock %s/%s", LOCK_DIR, name);
	/* tests (userns.sh): hold open the window in which the holder before
	 * may hand the range over (remove the file, then unlock) */
	static bool paused;
	const char *pause_ms = getenv("NSRUN_TEST_PICK_PAUSE_MS");
	if (pause_ms && !paused) {
		paused = true;
		usleep((useconds_t)strtoul(pause_ms, NULL, 10) * 1000);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		if (e == EWOULDBLOCK)
			return -2;
		return nsrun_error_set(err, e, "lock %s/%s", LOCK_DIR, name);
	}
	/* the holder before us removes the file on release: a lock on a file
	 * no longer (or not yet again) at that name locks nothing */
	struct stat a, b;
	if (fstat(fd, &a) < 0 || fstatat(dir, name, &b, AT_SYMLINK_NOFOLLOW) < 0 || a.st_ino != b.st_ino) {
		close(fd);
		return lock_range(dir, base, err);
	}
	/* for people looking: who holds it (flock is the truth) */
	char pid[16];
	int len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)len, 0) < 0) {
		/* only informative */
	}
	return fd;
}

static int open_lock_dir(struct nsrun_error *err)
{
	if (mkdir("/run/nsrun", 0711) < 0 && errno != EEXIST)
		return nsrun_error_set(err, errno, "mkdir /run/nsrun");
	if (mkdir(LOCK_DIR, 0700) < 0 && errno != EEXIST)
		return nsrun_error_set(err, errno, "mkdir %s", LOCK_DIR);
	int fd = open(LOCK_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return nsrun_error_set(err, errno, "open %s", LOCK_DIR);
	return fd;
}

/* A tree chowned to a range earlier (--private-users-ownership=chown, or
 * by hand) keeps that range: its root directory says which. */
static bool tree_range(int rootfs_fd, uint32_t *base)
{
	struct stat st;
	if (fstat(rootfs_fd, &st) < 0 || st.st_uid == 0 || st.st_uid != st.st_gid || st.st_uid % RANGE ||
	    st.st_uid < PLAN_USERNS_FIRST || st.st_uid >= PLAN_USERNS_END)
		return false;
	*base = st.st_uid;
	return true;
}

static void set_base(struct exec_ctx *c, uint32_t base)
{
	c->uid_map[0].host_id = base;
	c->gid_map[0].host_id = base;
}

static int pick_range(struct exec_ctx *c, struct nsrun_error *err)
{
	const struct spec *s = c->plan->spec;
	_cleanup_close_ int dir = open_lock_dir(err);
	if (dir < 0)
		return -1;
	struct ranges used = { 0 };
	read_subids("/etc/subuid", &used);
	read_subids("/etc/subgid", &used);
	read_running_maps(c->proc_fd, &used);
	uint32_t slots = (PLAN_USERNS_END - PLAN_USERNS_FIRST) / RANGE, first = 0, tries = slots;
	uint32_t owned;
	if (tree_range(c->rootfs_fd, &owned)) {
		first = (owned - PLAN_USERNS_FIRST) / RANGE;
		tries = 1;
	} else {
		first = name_hash(plan_userns_name(s)) % slots;
	}
	int r = -1;
	for (uint32_t i = 0; i < tries && r < 0; i++) {
		uint32_t base = PLAN_USERNS_FIRST + ((first + i) % slots) * RANGE;
		if (ranges_overlap(&used, base, RANGE))
			continue;
		int fd = lock_range(dir, base, err);
		if (fd == -2)
			continue;
		if (fd < 0) {
			free(used.v);
			return -1;
		}
		c->userns_lock_fd = fd;
		set_base(c, base);
		r = 0;
	}
	free(used.v);
	if (r == 0)
		return 0;
	if (tries == 1)
		return nsrun_error_set(err, 0, "%s: the tree %s is owned by the range %u..%u (chowned "
				       "earlier), and that range is in use by another container",
				       s->file, c->plan->rootfs, owned, owned + RANGE - 1);
	return nsrun_error_set(err, 0, "%s: privateUsers \"pick\": no free range of %u ids is left",
			       s->file, RANGE);
}

int userns_prepare(struct exec_ctx *c, struct nsrun_error *err)
{
	const struct spec_private_users *pu = &c->plan->spec->private_users;
	if (pu->mode == PRIVATE_USERS_PICK && userns_rootless(c->plan))
		return userns_rootless_pick(c, err);
	if (pu->mode == PRIVATE_USERS_FIXED && userns_rootless(c->plan))
		return nsrun_error_set(err, EPERM, "%s: privateUsers with a fixed range needs root; run "
				       "rootless with \"pick\" (your own uid and your /etc/subuid range)",
				       c->plan->spec->file);
	if (pu->mode == PRIVATE_USERS_PICK && pick_range(c, err) < 0)
		return -1;
	if (pu->mode != PRIVATE_USERS_PICK && pu->mode != PRIVATE_USERS_FIXED)
		return 0;
	uint32_t base = c->uid_map[0].host_id;
	if (getenv("NSRUN_DEBUG"))
		fprintf(stderr, "nsrun: private users: host ids %u..%u are the container's 0..%u\n", base,
			base + (pu->count - 1), pu->count - 1);
	if (pu->chown)
		return userns_chown_tree(c, base, pu->count, err);
	return 0;
}

void userns_release(struct exec_ctx *c)
{
	if (c->userns_lock_fd < 0)
		return;
	/* remove the lock file while holding it (lock_range checks) */
	char name[32];
	snprintf(name, sizeof(name), "%s/%u", LOCK_DIR, userns_host_root(c, false));
	struct stat a, b;
	if (fstat(c->userns_lock_fd, &a) == 0 && stat(name, &b) == 0 && a.st_ino == b.st_ino)
		unlink(name);
	close(TAKE_FD(c->userns_lock_fd));
}

uint32_t userns_host_root(const struct exec_ctx *c, bool gid)
{
	const struct spec_idmap *m = gid ? c->gid_map : c->uid_map;
	size_t n = gid ? c->n_gid_map : c->n_uid_map;
	for (size_t i = 0; i < n; i++)
		if (m[i].container_id == 0)
			return m[i].host_id;
	return 0;
}

/* "overlayfs", or "file system type 0x..." */
static void fs_name(unsigned long type, char *buf, size_t size)
{
	static const struct { unsigned long magic; const char *name; } known[] = {
		{ 0x794c7630, "overlayfs" }, { 0x858458f6, "ramfs" }, { 0x01021994, "tmpfs" },
		{ 0xef53, "ext4" }, { 0x58465342, "xfs" }, { 0x9123683e, "btrfs" }, { 0x65735546, "fuse" },
		{ 0x6969, "nfs" }, { 0x9fa0, "proc" }, { 0x62656572, "sysfs" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (known[i].magic == type) {
			snprintf(buf, size, "%s", known[i].name);
			return;
		}
	snprintf(buf, size, "file system type 0x%lx", type);
}

static int idmap_tree(int userns, int dirfd, const char *path, bool recursive, struct nsrun_error *err)
{
	int tree = open_tree(dirfd, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (*path ? 0 : AT_EMPTY_PATH) |
			     (recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return nsrun_error_set(err, errno, "open %s", *path ? path : "the root filesystem");
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns };
	if (mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0) {
		int e = errno;
		close(tree);
		struct statfs sf;
		char fs[48] = "its file system";
		if (statfs(*path ? path : ".", &sf) == 0 && *path)
			fs_name((unsigned long)sf.f_type, fs, sizeof(fs));
		return nsrun_error_set(err, e, "%s cannot be mounted idmapped (%s, or a mount below it, "
				       "does not support it)", *path ? path : "the root", fs);
	}
	return tree;
}

/* "idmap" bind mounts: made here, sent to the child before release. */
static int idmap_binds(struct exec_ctx *c, int userns, struct nsrun_error *err)
{
	const struct plan *p = c->plan;
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct plan_step *b = &p->steps[i];
		if (b->kind != STEP_MOUNT || !b->idmap)
			continue;
		if (userns_rootless(p))
			return nsrun_error_set(err, EPERM, "the bind mount on %s: \"idmap\" needs root (only "
					       "the owner of %s's file system may idmap it)", b->path, b->source);
		int tree = idmap_tree(userns, AT_FDCWD, b->source, b->recursive, err);
		if (tree < 0)
			return nsrun_error_prefix(err, "the bind mount on %s: ", b->path);
		struct sync_msg m = { .kind = SYNC_IDMAP_TREE, .status = (int)i };
		int r = sync_send(c->sync_fd, &m, tree);
		close(tree);
		if (r < 0)
			return nsrun_error_set(err, errno, "the container's PID 1 is gone");
	}
	return 0;
}

int step_idmap_root(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err)
{
	char path[64];
	snprintf(path, sizeof(path), "%d/ns/user", (int)c->child);
	_cleanup_close_ int userns = openat(c->proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (userns < 0)
		return nsrun_error_set(err, errno, "open the container's user namespace");
	if (idmap_binds(c, userns, err) < 0)
		return -1;
	if (!s->path) /* only the binds */
		return 0;
	struct stat st;
	/* rootless: only the superblock's owner may idmap; the caller's own
	 * files are the container root's already */
	if (userns_rootless(c->plan))
		return 0;
	/* a tree the range already owns needs no mapping */
	if (fstat(c->rootfs_fd, &st) == 0 && st.st_uid != 0 && st.st_uid == userns_host_root(c, false))
		return 0;
	_cleanup_close_ int tree = open_tree(c->rootfs_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					     AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return nsrun_error_set(err, errno, "open the root filesystem %s", s->path);
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns };
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
		int e = errno;
		struct statfs sf;
		char fs[48] = "its file system";
		if (fstatfs(c->rootfs_fd, &sf) == 0)
			fs_name(sf.f_type, fs, sizeof(fs));
		return nsrun_error_set(err, e, "%s cannot be mounted idmapped (%s, or a mount below it, "
				       "does not support it): run once with "
				       "--private-users-ownership=chown to chown the tree to the "
				       "container's range (then it no longer boots without one), or "
				       "give \"privateUsers\": \"no\"", s->path, fs);
	}
	c->idmap_root_fd = TAKE_FD(tree);
	return 0;
}

/* ---- --private-users-ownership=chown ---- */

static int chown_one(int dirfd, const char *name, const struct stat *st, uint32_t base, uint32_t count,
		     struct nsrun_error *err)
{
	if (st->st_uid >= count && st->st_gid >= count)
		return 0; /* not an id of the container's range: left as it is */
	uid_t uid = st->st_uid < count ? base + st->st_uid : st->st_uid;
	gid_t gid = st->st_gid < count ? base + st->st_gid : st->st_gid;
	if (fchownat(dirfd, name, uid, gid, AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH)) < 0)
		return nsrun_error_set(err, errno, "chown %s", *name ? name : ".");
	/* chown clears the set-uid and set-gid bits: put them back */
	if (!S_ISLNK(st->st_mode) && !S_ISDIR(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID)) &&
	    fchmodat(dirfd, name, st->st_mode & 07777, 0) < 0)
		return nsrun_error_set(err, errno, "chmod %s", name);
	return 0;
}

/* Below dirfd (owned by the caller), on the same file system only. */
static int chown_below(int dirfd, dev_t dev, uint32_t base, uint32_t count, unsigned depth,
		       struct nsrun_error *err)
{
	if (depth > 256)
		return nsrun_error_set(err, ELOOP, "the tree is nested too deep");
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return nsrun_error_set(err, errno, "read a directory of the tree");
	}
	int r = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = nsrun_error_set(err, errno, "stat %s", e->d_name);
			break;
		}
		if (st.st_dev != dev)
			continue; /* another file system mounted in the tree */
		if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY |
							 O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				r = nsrun_error_set(err, errno, "open %s", e->d_name);
				break;
			}
			r = chown_below(sub, dev, base, count, depth + 1, err);
			if (r == 0)
				r = chown_one(sub, "", &st, base, count, err);
			if (r < 0)
				nsrun_error_prefix(err, "%s/", e->d_name);
			continue;
		}
		r = chown_one(dirfd, e->d_name, &st, base, count, err);
	}
	closedir(d);
	return r;
}

int userns_chown_tree(struct exec_ctx *c, uint32_t base, uint32_t count, struct nsrun_error *err)
{
	const char *root = c->plan->rootfs;
	_cleanup_close_ int fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return nsrun_error_set(err, errno, "open %s", root);
	if (st.st_uid == base)
		return 0; /* done before */
	if (st.st_uid != 0)
		return nsrun_error_set(err, 0, "--private-users-ownership=chown: %s is owned by uid %u, "
				       "neither 0 nor the container's range %u..%u: refusing to chown it",
				       root, (unsigned)st.st_uid, base, base + (count - 1));
	fprintf(stderr, "nsrun: chowning %s to the ids %u..%u (--private-users-ownership=chown)\n", root,
		base, base + (count - 1));
	/* the root last: it says the whole tree is done */
	if (chown_below(fd, st.st_dev, base, count, 0, err) < 0 ||
	    chown_one(fd, "", &st, base, count, err) < 0)
		return nsrun_error_prefix(err, "--private-users-ownership=chown of %s: ", root);
	return 0;
}
