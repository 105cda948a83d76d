/* sd_notify under systemd (a Type=notify unit such as nsrun@.service, or
 * `podman --sdnotify=container`): when nsrun has NOTIFY_SOCKET, the
 * container gets a notify socket of its own and nsrun forwards what the
 * container sends there (READY=1, STATUS=, STOPPING=1, ...) to its own
 * NOTIFY_SOCKET, with MAINPID= naming the container's PID 1 on the host.
 *
 * Where the socket is:
 * - boot: /run/host/notify (as systemd-nspawn), in the /run/host tmpfs;
 * - otherwise: /run/notify/notify.sock (as podman), on a small read-only
 *   tmpfs mounted on /run/notify.  When the image has no /run/notify, the
 *   directory is made in the spec's own tmpfs on /run, or else /run itself
 *   becomes a tmpfs holding a copy of the image's /run: nothing is ever
 *   written into the image.
 * The container's PID 1 binds the socket before pivot_root and hands it
 * to nsrun on the sync socket; its environment gets NOTIFY_SOCKET.
 *
 * Who forwards:
 * - run in the foreground: nsrun, for the container's whole life;
 * - run --detach: nsrun until READY=1 (or the end of the container), then
 *   it returns, as crun does;
 * - create/start: PID 1 keeps the socket while it waits for `start` and
 *   hands it over on the exec socket; `nsrun start` forwards until READY=1
 *   (or the end of the container), then returns, as `crun start` does.
 * In these two modes what comes after READY=1 (STATUS=, STOPPING=1,
 * WATCHDOG=1 ...) is the keeper's (keeper.c), a process that outlives nsrun
 * and exits with the container's PID 1. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "exec-internal.h"
#include "keeper.h"

#define NOTIFY_BOOT "/run/host/notify"
#define NOTIFY_DIR "/run/notify"
#define NOTIFY_NAME "notify.sock"

/* nsrun's own NOTIFY_SOCKET as an address: a path, or "@name" (abstract). */
static int notify_address(struct sockaddr_un *a, socklen_t *len)
{
	const char *e = getenv("NOTIFY_SOCKET");
	if (!e || (e[0] != '/' && e[0] != '@') || strlen(e) >= sizeof(a->sun_path))
		return -1;
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path, e, strlen(e));
	if (e[0] == '@')
		a->sun_path[0] = 0;
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(e));
	return 0;
}

/* Bind the container's socket as `name` in the directory mount `dir`, hand
 * it to nsrun and set NOTIFY_SOCKET=in_container for the process.  For
 * `create` PID 1 keeps it to hand to `start` (step wait-start). */
static int notify_bind(struct exec_ctx *c, int dir, const char *name, const char *in_container,
		       struct nsrun_error *err)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nsrun_error_set(err, errno, "the notify socket");
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "/proc/self/fd/%d/%s", dir, name);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return nsrun_error_set(err, errno, "bind the notify socket on %s", in_container);
	struct sync_msg m = { .kind = SYNC_NOTIFY };
	if (sync_send(c->sync_fd, &m, fd) < 0)
		return nsrun_error_set(err, errno, "hand the notify socket to nsrun");
	if (c->opts->mode == EXEC_CREATE) {
		c->notify_fd = fd;
		fd = -1;
	}
	/* the process's environment: the start's copy, the child's own since clone */
	size_t n = 0;
	while (c->envp[n])
		n++;
	c->envp = xrealloc(c->envp, (n + 2) * sizeof(char *));
	c->envp[n] = xasprintf("NOTIFY_SOCKET=%s", in_container);
	c->envp[n + 1] = NULL;
	return 0;
}

int notify_make_socket(struct exec_ctx *c, int run_host_mnt, struct nsrun_error *err)
{
	struct sockaddr_un host;
	socklen_t hlen;
	if (notify_address(&host, &hlen) < 0)
		return 0;
	return notify_bind(c, run_host_mnt, "notify", NOTIFY_BOOT, err);
}

static int new_tmpfs(const char *mode, const char *size, unsigned attrs, struct nsrun_error *err)
{
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", mode, 0) < 0 ||
	    (size && fsconfig(fs, FSCONFIG_SET_STRING, "size", size, 0) < 0) ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return nsrun_error_set(err, errno, "make a tmpfs for the notify socket");
	int mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (mnt < 0)
		return nsrun_error_set(err, errno, "fsmount a tmpfs for the notify socket");
	return mnt;
}

/* Does the spec mount a tmpfs of the container's own on /run? */
static bool spec_tmpfs_on_run(const struct plan *p)
{
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct plan_step *s = &p->steps[i];
		if (s->kind == STEP_MOUNT && s->mount_kind == MOUNT_FS && s->fstype &&
		    strcmp(s->fstype, "tmpfs") == 0 && s->path && strcmp(s->path, "/run") == 0)
			return true;
	}
	return false;
}

/* The mountpoint /run/notify, never made in the image (see above).  Returns
 * an O_PATH fd, 0 when the container has no /run (no socket then), or -1. */
static int notify_mountpoint(struct exec_ctx *c, struct nsrun_error *err)
{
	struct nsrun_error ignored = { 0 };
	int fd = resolve_in_root(c->root_fd, NOTIFY_DIR, O_PATH | O_DIRECTORY, &ignored);
	if (fd >= 0)
		return fd;
	_cleanup_close_ int run = resolve_in_root(c->root_fd, "/run", O_PATH | O_DIRECTORY, &ignored);
	if (run < 0) {
		fprintf(stderr, "nsrun: warning: NOTIFY_SOCKET: the container has no directory /run "
			"for its notify socket; its notifications are not forwarded\n");
		return 0;
	}
	if (spec_tmpfs_on_run(c->plan)) {
		if (mkdirat(run, "notify", 0755) < 0)
			return nsrun_error_set(err, errno, "mkdir %s in the tmpfs on /run", NOTIFY_DIR);
	} else {
		_cleanup_close_ int mnt = new_tmpfs("0755", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, err);
		if (mnt < 0 || copy_up(run, mnt, err) < 0)
			return -1;
		if (mkdirat(mnt, "notify", 0755) < 0)
			return nsrun_error_set(err, errno, "mkdir %s in a tmpfs on /run", NOTIFY_DIR);
		if (move_mount(mnt, "", run, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return nsrun_error_set(err, errno, "attach a tmpfs onto /run");
	}
	return resolve_in_root(c->root_fd, NOTIFY_DIR, O_PATH | O_DIRECTORY, err);
}

/* Not boot: a read-only tmpfs on /run/notify with the socket in it, made
 * once the spec's mounts are in place (before masks and pivot_root). */
int notify_before_step(struct exec_ctx *c, enum plan_step_kind kind, struct nsrun_error *err)
{
	static bool done;
	struct sockaddr_un host;
	socklen_t hlen;
	if (done || c->plan->boot || !(c->plan->clone_flags & CLONE_NEWNS) || c->root_fd < 0 ||
	    (kind != STEP_MASK_PATH && kind != STEP_READONLY_PATH && kind != STEP_READWRITE_PATH &&
	     kind != STEP_PIVOT_ROOT) || notify_address(&host, &hlen) < 0)
		return 0;
	done = true;
	_cleanup_close_ int target = notify_mountpoint(c, err);
	if (target <= 0)
		return target;
	_cleanup_close_ int mnt = new_tmpfs("0755", "64k", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					    MOUNT_ATTR_NOEXEC, err);
	if (mnt < 0 || notify_bind(c, mnt, NOTIFY_NAME, NOTIFY_DIR "/" NOTIFY_NAME, err) < 0)
		return -1;
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	if (mount_setattr(mnt, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return nsrun_error_set(err, errno, "make %s read-only", NOTIFY_DIR);
	if (move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return nsrun_error_set(err, errno, "attach the notify socket's tmpfs onto %s", NOTIFY_DIR);
	return 0;
}

/* Forward what waits on `sock`, with MAINPID=pid from READY=1 on.
 * Returns whether READY=1 was seen (now or before, *ready). */
bool notify_forward_pending(int sock, pid_t pid, bool *ready)
{
	char buf[4096 + 64];
	int off = snprintf(buf, 64, "MAINPID=%d\n", (int)pid);
	ssize_t n;
	while ((n = recv(sock, buf + off, sizeof(buf) - (size_t)off - 1, MSG_DONTWAIT)) > 0) {
		struct sockaddr_un host;
		socklen_t hlen;
		if (notify_address(&host, &hlen) < 0)
			continue;
		buf[off + n] = 0;
		/* MAINPID= goes with READY=1 and with every later message */
		*ready |= strstr(buf + off, "READY=1") != NULL;
		const char *msg = *ready ? buf : buf + off;
		_cleanup_close_ int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s >= 0)
			sendto(s, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&host, hlen);
	}
	return *ready;
}

void notify_forward(struct exec_ctx *c)
{
	notify_forward_pending(c->notify_fd, c->child, &c->notify_ready);
}

/* Until READY=1 (true) or the end of the process of pidfd (false). */
static bool forward_until_ready(int sock, pid_t pid, int pidfd)
{
	bool ready = false;
	for (;;) {
		struct pollfd p[2] = { { .fd = sock, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
		int n = poll(p, pidfd >= 0 ? 2 : 1, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || notify_forward_pending(sock, pid, &ready) || (p[1].revents & POLLIN))
			return ready;
	}
}

/* Up to READY=1 the caller (start, run -d) forwards itself: under a
 * Type=notify unit it is the main process, whose READY=1 systemd accepts
 * by default (NotifyAccess=main).  What comes later is the keeper's. */
void exec_notify_until_ready(int sock, pid_t pid, int pidfd)
{
	if (!forward_until_ready(sock, pid, pidfd) || pidfd < 0)
		return;
	struct nsrun_error err = { 0 };
	struct keeper k = { .pid = pid, .pidfd = pidfd, .notify_fd = sock };
	if (keeper_spawn(&k, &err) < 0)
		fprintf(stderr, "nsrun: warning: NOTIFY_SOCKET: %s; what the container sends after "
			"READY=1 is not forwarded\n", err.msg);
}
