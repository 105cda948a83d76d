/* Shared between the executor's files; not part of any API. */
#ifndef NSRUN_EXEC_INTERNAL_H
#define NSRUN_EXEC_INTERNAL_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

#include "exec.h"

struct sock_fprog;

/* State of the process that becomes the container's PID 1 (and of the
 * parent for the steps it carries out). */
struct exec_ctx {
	const struct plan *plan;  /* only read (plan.h); what a start picks is below */
	size_t step_index;
	int sync_fd;              /* socket to the other side, CLOEXEC */
	int proc_fd;              /* the host's procfs, verified (SECURITY.md rule 3) */
	int rootfs_fd;            /* O_PATH of root.path, opened by nsrun before clone */
	int root_fd;              /* O_PATH of the container's root (after the rootfs bind) */
	int console_slave;        /* pty slave for the process's stdio, or -1 */
	pid_t child;              /* parent: host pid of the container's PID 1 */
	int pidfd;                /* parent: pidfd of it */
	int console_master;       /* parent: the pty master received from the child */
	sigset_t orig_mask;       /* the signal mask to restore before exec */
	int mask_mnt;             /* child: detached read-only tmpfs holding the empty file masks use */
	const struct exec_options *opts;
	unsigned long long nsrun_cgroupns; /* inode of nsrun's own cgroup namespace */
	bool error_named;         /* the error names its step itself (the child's report,
	                             clone): no "step N" prefix */
	int *ns_fds;              /* child: the join-namespace paths, opened before any join */
	struct sock_fprog *seccomp_progs; /* per step: the filters compiled before clone (seccomp.c) */
	struct cgroup_handle *cgroup; /* parent: the container's cgroup (cgroups.c), or NULL */
	char boot_uuid[40];       /* boot: the container's UUID (container_uuid=), "" otherwise */
	bool rebooted;            /* supervise, boot: PID 1 ended by reboot(2) RESTART */
	int late_error_fd;        /* child, after start: where an error goes (state-create.c) */
	int start_conn;           /* child, wait-start to answer-start: `nsrun start`'s connection */
	pid_t host_pid;           /* child: its pid in the host's pid namespace (for hooks) */
	int notify_fd;            /* the container's notify socket (notify.c), or -1; the child
	                             keeps it after `create` to hand to `start` */
	bool notify_ready;        /* parent: READY=1 was forwarded */
	struct net_run *net;      /* parent: what the network steps made (net.h), or NULL */
	int userns_lock_fd;       /* parent: the flock of the picked id range (userns.c), or -1 */
	int idmap_root_fd;        /* the idmapped root (parent: made; child: received), or -1 */
	int *bind_trees;          /* child, per step: an idmapped bind source received, or -1 */
	int sync_child_fd;        /* parent, until clone: the child's end of the sync socket */
	int own_ns[2];            /* parent, joined "for children" until clone: its own pid and
	                             time namespaces (walk.c), or -1 */
	bool signals_blocked;     /* parent: from clone until supervise or detach (orig_mask) */
	size_t cgroup_step;       /* parent: the cgroup step's index (entered after clone) */
	/* Picked at start, the plan's values completed (walk.c: exec_start_values): */
	char **envp;              /* the process's environment: the plan's with container_uuid=
	                             (boot.c) and NOTIFY_SOCKET (notify.c, the child's copy) */
	struct spec_idmap *uid_map, *gid_map; /* the id maps written: the spec's, with the range
	                             privateUsers "pick" picked (userns.c, rootless.c) */
	size_t n_uid_map, n_gid_map;
};

/* Close *fd if open; it is -1 after. */
static inline void close_fd(int *fd)
{
	if (*fd >= 0)
		close(TAKE_FD(*fd));
}

/* What carries out a step (the RUN and EARLY columns of spec/steps.def). */
typedef int (*step_fn)(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err);
/* The RUN functions, each in the file of its subject. */
#define STEP(kind, name, where, flags, run, early, describe) \
	int run(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err);
#include "steps.def"
#undef STEP
/* The EARLY functions: the child, right after clone, before any step
 * (namespaces.c: open the namespace to join; mounts.c: a bind's source). */
int step_join_ns_open(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err);
int step_mount_open(struct exec_ctx *c, const struct plan_step *s, struct nsrun_error *err);

/* sync.c: the parent/child protocol, messages on the sync socket. */
enum sync_kind { SYNC_RELEASE = 1, SYNC_CONSOLE, SYNC_ERROR, SYNC_READY,
		 SYNC_SECCOMP_LISTENER, /* with the fd of SCMP_ACT_NOTIFY's listener */
		 SYNC_ENTERED, /* nsrun exec: status is the host pid of the process that entered the
		                 pid namespace, with its pidfd; wait for it instead */
		 SYNC_NOTIFY, /* with the fd of the container's notify socket (notify.c) */
		 SYNC_IDMAP_TREE /* before release: an idmapped bind source for step `status` */ };
struct sync_msg {
	int kind;
	int status;               /* SYNC_ERROR: exit status nsrun should use */
	char msg[sizeof(((struct nsrun_error *)0)->msg)];
};
/* sendmsg of buf with pass_fd (>= 0) as SCM_RIGHTS, retried on EINTR. */
ssize_t send_with_fd(int sock, const void *buf, size_t len, int pass_fd);
int sync_send(int fd, const struct sync_msg *m, int pass_fd);
/* recvmsg into buf, retried on EINTR; *recv_fd gets a passed fd or -1. */
ssize_t recv_with_fd(int sock, void *buf, size_t len, int *recv_fd);
/* Returns 1 with a message, 0 on EOF, -1 on error; *recv_fd gets a passed fd or -1. */
int sync_recv(int fd, struct sync_msg *m, int *recv_fd);
/* The child's SYNC_ERROR m into err (its message names its step); -1. */
int sync_take_error(struct exec_ctx *c, const struct sync_msg *m, struct nsrun_error *err);

/* resolve.c: paths inside the container, always through root_fd.  Both
 * return an fd, or a negative errno with err filled in. */
/* write DATA to REL below nsrun's verified procfs fd (namespaces.c) */
int write_proc(int proc_fd, const char *rel, const char *data, struct nsrun_error *err);
int resolve_in_root(int root_fd, const char *path, int flags, struct nsrun_error *err);
/* The same, but no symlink at all on the way (RESOLVE_NO_SYMLINKS): for
 * the places the plan mounts procfs and sysfs, and the parents of the
 * paths masked inside them (SECURITY.md rule 2). */
int resolve_in_root_nosymlinks(int root_fd, const char *path, int flags, struct nsrun_error *err);
/* Make the directories of `path` (and the last component as a directory,
 * or an empty file when `file` is true) inside root; returns an O_PATH fd. */
int mkpath_in_root(int root_fd, const char *path, bool file, struct nsrun_error *err);
int open_verified_procfs(struct nsrun_error *err);
/* seccomp-cache.c: compiled filters kept in /var/cache/nsrun/seccomp. */
struct sock_fprog;
struct plan_seccomp;
bool seccomp_cache_load(const struct plan_seccomp *f, struct sock_fprog *prog);
void seccomp_cache_store(const struct plan_seccomp *f, const struct sock_fprog *prog);
/* copyup.c: copy the directory src_dir into the root of the new mount mnt_fd. */
int copy_up(int src_dir, int mnt_fd, struct nsrun_error *err);

/* What the steps share, by file. */
/* enter.c: close every fd of the host a process the container may see
 * could hold (all but stdio, the preserved fds, the sync socket, the
 * container's root, the pty and `keep`). */
void exec_drop_host_fds(struct exec_ctx *c, int keep);
/* Close every fd from `from` up but those in keep[n] (sorted in place;
 * negative entries and those below `from` are ignored). */
void exec_close_fds_except(unsigned from, int *keep, size_t n);
/* mounts.c: after joining a mount namespace by path (step_join_ns). */
int mounts_enter_joined(struct exec_ctx *c, struct nsrun_error *err);
/* boot.c: container_uuid (before clone) and /run/host. */
int exec_boot_prepare(struct exec_ctx *c, struct nsrun_error *err);

/* seccomp.c: compile the filters in the parent (before clone), load one in
 * the child, pass a listener on to the seccomp agent, free them. */
int seccomp_preflight(struct exec_ctx *c, struct nsrun_error *err);
int seccomp_forward_listener(struct exec_ctx *c, int listener, struct nsrun_error *err);
void seccomp_progs_free(struct exec_ctx *c);

/* userns.c: privateUsers.  _prepare (preflight): pick and lock a range,
 * chown the tree when asked; the container root's host uid/gid; the
 * delegated cgroups handed to it; a tree chowned to a range. */
int userns_prepare(struct exec_ctx *c, struct nsrun_error *err);
uint32_t userns_host_root(const struct exec_ctx *c, bool gid);
/* Give the picked range back: remove its lock file, unlock. */
void userns_release(struct exec_ctx *c);
/* nsrun runs without CAP_SETUID in the host's user namespace and makes a
 * new user namespace: maps written as the caller (or newuidmap). */
bool userns_rootless(const struct plan *p);
/* rootless.c: write the id maps as the caller (own ids; newuidmap and
 * newgidmap for more); is setgroups denied in our user namespace? */
int userns_rootless_maps(struct exec_ctx *c, struct nsrun_error *err);
bool userns_setgroups_denied(const struct exec_ctx *c);
int userns_rootless_pick(struct exec_ctx *c, struct nsrun_error *err);
int userns_chown_tree(struct exec_ctx *c, uint32_t base, uint32_t count, struct nsrun_error *err);

/* preflight.c: checks in the parent before anything is created. */
int exec_preflight(struct exec_ctx *c, struct nsrun_error *err);
/* process.c: refuse early an oom_score_adj nsrun may not set. */
int exec_check_oom_score_adj(struct exec_ctx *c, int64_t want, struct nsrun_error *err);
/* process.c: a new anonymous session keyring for the process. */
int exec_new_session_keyring(struct nsrun_error *err);
/* notify.c: sd_notify forwarding; the socket in /run/host (boot), or on
 * /run/notify before the first mask/read-only path or pivot_root step. */
int notify_make_socket(struct exec_ctx *c, int run_host_mnt, struct nsrun_error *err);
int notify_before_step(struct exec_ctx *c, enum plan_step_kind kind, struct nsrun_error *err);
void notify_forward(struct exec_ctx *c);
/* supervise.c: relay terminal and signals until the container ends. */
int supervise(struct exec_ctx *c, const sigset_t *orig_mask, int *exit_status, struct nsrun_error *err);

#endif
