/* The plan: plain data, an ordered list of steps with every argument
 * resolved.  spec/plan.c builds it once (plan_build), from a validated
 * spec, the invocation and the facts probed on this host; no step is
 * added, removed, reordered or skipped afterwards: libexec/ walks it and
 * decides nothing, and `nsrun plan` prints exactly what a run carries out.
 * After plan_build the plan is only read (libexec takes a const plan): what
 * each start picks, and the plan shows as such (privateUsers "pick"'s free
 * range, boot's container_uuid, NOTIFY_SOCKET), goes in the executor's own
 * copies of the environment and the id maps (libexec/exec-internal.h). */
#ifndef NSRUN_PLAN_H
#define NSRUN_PLAN_H

#include <stdint.h>

#include "spec.h"

/* The kinds of step, from the step list (spec/steps.def: how to add one). */
enum plan_step_kind {
#define STEP(kind, name, where, flags, run, early, describe) STEP_##kind,
#include "steps.def"
#undef STEP
	STEP__MAX
};
/* Where a kind of step runs (the WHERE column): plan_step.in_parent. */
enum plan_step_where { PLAN_BEFORE_CLONE, PLAN_PARENT, PLAN_CHILD };
/* The FLAGS column. */
enum {
	PLAN_STEP_EXEC = 1 << 0,     /* `nsrun exec`'s plan keeps the step */
	PLAN_STEP_BY_VALUE = 1 << 1, /* errors name the step by its value when it has no path */
};

/* MOUNT_CGROUP: OCI's "cgroup" type: cgroup2 on a v2 host; on a v1 or hybrid
 * host a tmpfs with one mount per hierarchy the host has. */
enum plan_mount_kind { MOUNT_BIND, MOUNT_FS, MOUNT_CGROUP };

/* A syscall filter with every decision made: groups expanded, allow and
 * deny entries merged, rules with the action of the default dropped,
 * comparisons on ioctl's request rewritten to its low 32 bits.  libexec
 * hands the rules to libseccomp as they are. */
struct plan_seccomp_cmp { unsigned index; int op; uint64_t a, b; }; /* scmp_arg_cmp */
struct plan_seccomp_rule {
	char *syscall;
	uint32_t action;          /* SCMP_ACT_* with data */
	unsigned n_cmp;           /* 0: unconditional; comparisons are ANDed */
	struct plan_seccomp_cmp cmp[6];
	size_t entry;             /* index of the spec entry it comes from, or: */
#define PLAN_SECCOMP_DEFAULT ((size_t)-1)     /* @default, implied by an allow list */
#define PLAN_SECCOMP_NOT_ALLOWED ((size_t)-2) /* in @known, not allowed by the list */
};
struct plan_seccomp {
	const char *source;       /* "/linux/seccomp" or "/linux/syscallFilter" */
	bool allow_list;          /* syscallFilter: allow-list mode */
	int errnum;               /* syscallFilter: the errno of denied calls */
	uint32_t default_action;
	uint32_t arches[32];      /* SCMP_ARCH_* tokens, the native one first */
	size_t n_arches;
	unsigned flags;           /* SECCOMP_FILTER_FLAG_* from the spec */
	bool set_nnp;             /* PR_SET_NO_NEW_PRIVS right before loading */
	bool early;               /* loaded right after the user switch, while nsrun still
				   * holds CAP_SYS_ADMIN, so without no_new_privs (OCI) */
	bool listener;            /* SCMP_ACT_NOTIFY: pass the listener to listener_path */
	char *listener_path, *listener_metadata;
	struct plan_seccomp_rule *rules;
	size_t n_rules;
	size_t n_allowed, n_denied; /* syscalls with an allow (or log) / another action */
	size_t n_dropped;         /* rules with the default action, or that never match */
	size_t n_overridden;      /* of those, rules an earlier unconditional one overrides */
	size_t n_other_arch;      /* names that exist on none of the architectures */
};
/* The filters for a spec, in loading order (at most 2); *n = 0 without any.
 * `effective` is the process's effective capability set at the step and
 * `nnp` whether no_new_privs is already set: they decide set_nnp (the short
 * spec's syscallFilter, as systemd) or early (linux.seccomp: no_new_privs
 * stays the spec's noNewPrivileges, as runc and crun). */
int plan_seccomp_build(const struct spec *s, uint64_t effective, bool nnp, struct plan_seccomp **out,
		       size_t *n, struct nsrun_error *err);
void plan_seccomp_free(struct plan_seccomp *f);
/* The step's line in `nsrun plan`, and (--verbose) one line per rule. */
void plan_seccomp_describe(const struct plan_seccomp *f, FILE *out);
void plan_seccomp_print_rules(const struct plan_seccomp *f, const char *indent, FILE *out);

struct plan_step {
	enum plan_step_kind kind;
	bool in_parent;
	char *skip_reason;        /* set: the step is shown but not carried out */
	/* arguments, by kind */
	int ns_flags;             /* CLONE, UNSHARE, JOIN_NS */
	char *path;               /* JOIN_NS path, mount/device/mask destination, cwd, ... */
	char *source;             /* MOUNT source (absolute for binds); MASK/READONLY/READWRITE_PATH
	                             inside a procfs or sysfs the plan mounts: its mount point */
	char *fstype;             /* MOUNT type for MOUNT_FS; MASK/...: "proc" or "sysfs" there,
	                             which the path's parent must be (else the step fails) */
	enum plan_mount_kind mount_kind;
	bool recursive;           /* rbind */
	bool copy_up;             /* tmpcopyup: a tmpfs starts with a copy of what it covers */
	bool dest_is_file;        /* create a file (not a directory) as the mountpoint */
	bool idmap;               /* MOUNT_BIND, option "idmap"/"ridmap": idmapped to the container's
	                             user namespace by nsrun (STEP_IDMAP_ROOT) */
	bool delegate;            /* MOUNT_CGROUP, boot: the container's systemd hierarchies
	                             (cgroup2, v1 name=systemd) writable, the rest read-only */
	unsigned long flags;      /* MS_* for the mount; MS_RDONLY etc. */
	unsigned long clear_flags;/* attributes to clear (rw, suid, dev, exec, atime) on binds */
	unsigned long propagation;/* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE [|MS_REC] */
	char *data;               /* fs-specific options joined with ',' */
	char dev_type;            /* DEVICE: 'c', 'b', 'p' */
	uint32_t dev_major, dev_minor, mode, uid, gid;
	bool dev_bind;            /* DEVICE: bind the host node (user namespace) */
	bool label;               /* MOUNT (tmpfs, devpts, mqueue, ramfs), MASK_PATH: the mount
	                             gets context=plan->mount_label (SELinux enabled) */
	char *value;              /* HOSTNAME/DOMAINNAME/SYSCTL value, SELinux label */
	int resource;             /* RLIMIT */
	int hook;                 /* HOOKS: enum spec_hook_kind */
	uint64_t soft, hard;
	int64_t num;              /* OOM_SCORE_ADJ, PERSONALITY */
	struct spec_time_offset offsets[2];
	size_t n_offsets;
	struct plan_seccomp *seccomp; /* SECCOMP: the filter, owned */
};

/* STEP_CGROUP's arguments (spec/plan-cgroup.c).  Each setting is spelled
 * for cgroup v1 and for v2: the executor uses the v1 form where the host
 * has the controller on a v1 hierarchy, else the v2 form where the v2
 * hierarchy has it, else fails naming the setting.  Nothing else is
 * decided at run time. */
struct plan_cgroup_file {
	const char *controller;   /* "memory", "blkio", "io", ...; "" for core v2 files; NULL: no form */
	char *file, *value;
	char *alt_file, *alt_value; /* used instead when `file` does not exist (blkio.bfq.weight) */
	bool optional;            /* skipped when the file does not exist (hugetlb rsvd limits) */
	const char *why;          /* no form: why not, or NULL when there is nothing to do */
};
struct plan_cgroup_write {
	char *pointer;            /* "/linux/resources/memory/limit", for messages */
	struct plan_cgroup_file v1, v2;
};
struct plan_cgroup_device {
	bool allow;
	char type;                /* 'a', 'c', 'b' */
	int64_t major, minor;     /* -1: all */
	char access[4];
	const char *origin;       /* NULL: linux.resources.devices; "default"; "linux.devices" */
};
struct plan_cgroup {
	char *path;               /* linux.cgroupsPath: "/abs" from each hierarchy's root, "rel"
	                             under nsrun's own cgroup; NULL: "nsrun-ID" under nsrun's own */
	struct plan_cgroup_write *writes; size_t n_writes;
	/* Devices: deny all, then these in order (v1 devices.allow/deny, v2
	 * an eBPF program where the last matching rule decides). */
	struct plan_cgroup_device *devices; size_t n_devices;
	bool spec_devices;        /* linux.resources.devices was given (the host must apply it) */
	bool cgroupns_late;       /* the new cgroup namespace is made after the move (STEP_UNSHARE) */
};

/* What the plan depends on in this host, probed once before the build
 * (libexec/host.c, exec_probe_host_facts) and kept in the plan, so that
 * the executor checks against the facts the plan was made from. */
struct plan_host {
	uint64_t bounding;        /* nsrun's own bounding set */
	uint64_t effective;       /* nsrun's own effective set */
	bool selinux;             /* SELinux is enabled */
	bool apparmor;            /* AppArmor is enabled */
};
#define PLAN_NO_SELINUX "SELinux is disabled on this host"
#define PLAN_NO_APPARMOR "AppArmor is not enabled on this host"
/* A host that constrains nothing (every capability, both LSMs enabled):
 * what the unit tests' golden plans and the fuzzers are built against. */
extern const struct plan_host plan_host_permissive;

/* How nsrun was asked to run the spec; all zero: in the foreground, with
 * the spec's own process.args. */
struct plan_invocation {
	int argc;                 /* > 0: args replaces process.args */
	char **args;
	const char *container_id; /* OCI verbs: the container's id */
	bool wait_for_start;      /* `nsrun create`: the program waits for `nsrun start`
	                             (STEP_WAIT_START) */
	pid_t exec_pid;           /* > 0, `nsrun exec`: the plan of a process that joins the
	                             namespaces of this PID 1 (spec/plan-exec.c) */
	FILE *warn;               /* where a step this host cannot carry out is reported as
	                             skipped ("nsrun: warning: ..."), or NULL */
};

struct plan {
	struct spec *spec;        /* owned */
	struct plan_host host;    /* the facts it was built from */
	char *container_id;       /* OCI verbs: the container's id; NULL in the foreground */
	pid_t exec_pid;           /* nsrun exec: the container's PID 1 whose namespaces are joined */
	char *rootfs;             /* root.path resolved against the spec's directory */
	int clone_flags;          /* new namespaces made by clone */
	bool new_userns, new_pidns;
	struct plan_step *steps;
	size_t n_steps;
	/* the process */
	char **argv;              /* NULL-terminated; argv[0] is looked up in PATH inside */
	char **envp;
	uint32_t uid, gid;
	uint32_t *gids;
	size_t n_gids;
	bool has_umask;
	uint32_t umask;
	bool terminal;
	unsigned console_height, console_width;
	struct spec_caps caps;
	bool caps_from_defaults;  /* nspawn's set, clamped to nsrun's own bounding set */
	bool no_new_privileges;
	/* linux.mountLabel: context= on the tmpfs/devpts/mqueue mounts nsrun makes
	 * (their steps' `label`); plan_mount_label_skip() says why not (SELinux disabled). */
	char *mount_label;
	struct plan_cgroup *cgroup; /* STEP_CGROUP's arguments, NULL without one */
	/* Boot mode (spec "boot": true, README "Boot mode"). */
	bool boot;
	char **init_candidates;   /* NULL-terminated, tried in order inside the root at exec;
	                             NULL when process.args (or ARGS) name PID 1 */
	ssize_t uuid_env;         /* index in envp of "container_uuid=", which the executor's
	                             copy gets with a new random UUID at start; -1: none */
};

/* spec/plan-userns.c: privateUsers in the plan: the "# users:" line of
 * `nsrun plan`, whether the root gets an idmapped mount, the id-maps
 * step's text for a range picked at start. */
void plan_userns_describe(const struct plan *p, FILE *f);
bool plan_wants_idmap_root(const struct spec *s);
bool plan_has_idmap_binds(const struct plan *p);
void plan_userns_describe_idmap(const struct plan *p, const struct plan_step *s, FILE *f);
/* Check the "idmap" binds (a bind mount, a new user namespace) and make
 * sure STEP_IDMAP_ROOT is there to make them. */
int plan_userns_idmap_binds(struct plan *p, struct nsrun_error *err);
bool plan_userns_describe_maps(const struct plan *p, FILE *f);
void plan_userns_json(const struct plan *p, FILE *f);
/* A mount that a new user namespace cannot make without a namespace of
 * its own (proc without a pid namespace, mqueue without an ipc namespace)
 * is an error naming the mount. */
int plan_userns_mount(struct plan *p, const struct spec *s, struct plan_step *st, size_t idx,
		      struct nsrun_error *err);
/* The name a picked range is stable for: machine, else hostname, else
 * the root directory's name. */
const char *plan_userns_name(const struct spec *s);
#define PLAN_USERNS_FIRST 0x80000u     /* picked ranges: from 524288 ... */
#define PLAN_USERNS_END 0x70000000u    /* ... to below 1879048192 */

/* Build the plan, the only time it is changed.  Takes ownership of
 * `spec`, also on failure.  `inv` may be NULL (all zero); `host` is
 * exec_probe_host_facts() (or plan_host_permissive): default capabilities
 * are clamped to its bounding set, SELinux and AppArmor steps it cannot
 * carry out are marked skipped (reported on inv->warn), the mount label is
 * decided per step. */
int plan_build(struct spec *spec, const struct plan_invocation *inv, const struct plan_host *host,
	       struct plan **out, struct nsrun_error *err);
/* Why the mount label is not applied, or NULL (none, or it is). */
static inline const char *plan_mount_label_skip(const struct plan *p)
{
	return p->mount_label && !p->host.selinux ? PLAN_NO_SELINUX : NULL;
}
void plan_free(struct plan *p);
void plan_step_clear(struct plan_step *s);
/* A zeroed step of that kind at the end, or at index `at`, with in_parent
 * from spec/steps.def's WHERE column. */
struct plan_step *plan_add_step(struct plan *p, enum plan_step_kind kind);
struct plan_step *plan_insert_step(struct plan *p, size_t at, enum plan_step_kind kind);
/* spec/plan-network.c: the parent's network steps (true if any), the
 * child's resolv.conf step, and their descriptions. */
bool plan_network_parent_steps(struct plan *p);
void plan_network_child_steps(struct plan *p);
void plan_network_describe(const struct plan *p, const struct plan_step *s, FILE *f);
/* spec/plan-exec.c, plan_build's last part for `nsrun exec`: turn the
 * container's steps into those of a process that joins the namespaces of
 * its PID 1 (host pid `pid`): the namespace joins, then the process steps
 * of the full plan (limits, user, capabilities with empty inheritable and
 * ambient sets, no_new_privs, cwd, labels, the syscall filters, exec).
 * The pty, when asked for, is not bound onto /dev/console. */
void plan_exec_steps(struct plan *p, pid_t pid);
/* spec/plan-cgroup.c: does the spec ask for a cgroup (linux.resources or
 * linux.cgroupsPath); build plan->cgroup; print STEP_CGROUP's description. */
bool plan_wants_cgroup(const struct spec *s);
struct plan_cgroup *plan_cgroup_build(const struct spec *s);
void plan_cgroup_free(struct plan_cgroup *c);
void plan_cgroup_describe(const struct plan *p, FILE *f);
/* The leaf name when linux.cgroupsPath is not given: "nsrun-ID", or
 * "nsrun-PID" (of nsrun) without a container id.  Caller frees. */
char *plan_cgroup_default_name(const struct plan *p, int pid);
static inline void plan_freep(struct plan **p) { if (*p) plan_free(*p); }
#define _cleanup_plan_ __attribute__((cleanup(plan_freep)))

/* The effective and permitted sets the program has after execve() of a
 * file without file capabilities or set-uid bit: the kernel's rules
 * applied to the sets nsrun installs (capabilities(7)). */
void plan_caps_after_exec(const struct plan *p, uint64_t *effective, uint64_t *permitted);
/* The step list's columns (spec/plan-steps.c). */
const char *plan_step_name(enum plan_step_kind kind);
enum plan_step_where plan_step_where(enum plan_step_kind kind);
unsigned plan_step_flags(enum plan_step_kind kind);
/* One line describing the step (no number, no newline). */
void plan_step_describe(const struct plan *p, const struct plan_step *s, FILE *f);
void plan_print(const struct plan *p, FILE *f);
/* plan_print, and each step's details (the syscall filters' rules). */
void plan_print_verbose(const struct plan *p, FILE *f);
void plan_print_json(const struct plan *p, FILE *f);
/* Mount options -> flags/data; fails on contradictory or unknown options. */
int plan_parse_mount_options(const struct spec_strv *opts, struct plan_step *step,
			     struct nsrun_error *err);

#endif
