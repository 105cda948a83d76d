/* The plan: plain data, an ordered list of steps with every argument
 * resolved.  spec/plan.c builds it from a validated spec; libexec/ walks
 * it and decides nothing; `nsrun plan` prints it. */
#ifndef NSRUN_PLAN_H
#define NSRUN_PLAN_H

#include <stdint.h>

#include "spec.h"

enum plan_step_kind {
	STEP_JOIN_NS_EARLY,   /* parent, before clone: setns() pid/time "for children" */
	STEP_CLONE,           /* parent: one clone3() with all new-namespace flags */
	STEP_ID_MAPS,         /* parent: write uid_map/gid_map of the child */
	STEP_RELEASE,         /* parent: let the child go on */
	STEP_WAIT_PARENT,     /* child: wait for STEP_RELEASE */
	STEP_JOIN_NS,         /* child: setns() into a namespace given by path */
	STEP_UNSHARE,         /* child: new namespaces after joining a user namespace */
	STEP_TIME_OFFSETS,    /* child: new time namespace with clock offsets */
	STEP_HOSTNAME,
	STEP_DOMAINNAME,
	STEP_PROPAGATION,     /* make every host mount a slave: nothing leaks out */
	STEP_ROOTFS_BIND,     /* bind root.path onto itself (pivot_root needs a mount) */
	STEP_MOUNT,
	STEP_DEVICE,          /* one node under /dev (default or linux.devices) */
	STEP_DEV_SYMLINKS,    /* /dev/fd, stdin, stdout, stderr, ptmx, core */
	STEP_CONSOLE,         /* new pty in the container's devpts, master to the parent */
	STEP_PIVOT_ROOT,
	STEP_MASK_PATH,
	STEP_READONLY_PATH,
	STEP_ROOT_READONLY,
	STEP_ROOT_PROPAGATION,
	STEP_SYSCTL,
	STEP_OOM_SCORE_ADJ,
	STEP_RLIMIT,
	STEP_PERSONALITY,
	STEP_CAPS_BOUNDING,   /* drop from the bounding set (needs CAP_SETPCAP: before setuid) */
	STEP_USER,            /* groups, gid, uid, umask; keeps capabilities across setuid */
	STEP_CAPS,            /* effective, permitted, inheritable, ambient */
	STEP_NO_NEW_PRIVS,
	STEP_CWD,
	STEP_SELINUX_LABEL,
	STEP_APPARMOR_PROFILE,
	STEP_STDIO,           /* new session, the pty as stdio, close nsrun's fds */
	STEP_EXEC,
	STEP__MAX
};

/* MOUNT_CGROUP: OCI's "cgroup" type: cgroup2 on a v2 host; on a v1 or hybrid
 * host a tmpfs with one mount per hierarchy the host has. */
enum plan_mount_kind { MOUNT_BIND, MOUNT_FS, MOUNT_CGROUP };

struct plan_step {
	enum plan_step_kind kind;
	bool in_parent;
	char *skip_reason;        /* set: the step is shown but not carried out */
	/* arguments, by kind */
	int ns_flags;             /* CLONE, UNSHARE, JOIN_NS */
	char *path;               /* JOIN_NS path, mount/device/mask destination, cwd, ... */
	char *source;             /* MOUNT source (absolute for binds) */
	char *fstype;             /* MOUNT type for MOUNT_FS */
	enum plan_mount_kind mount_kind;
	bool recursive;           /* rbind */
	bool dest_is_file;        /* create a file (not a directory) as the mountpoint */
	unsigned long flags;      /* MS_* for the mount; MS_RDONLY etc. */
	unsigned long clear_flags;/* attributes to clear (rw, suid, dev, exec, atime) on binds */
	unsigned long propagation;/* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE [|MS_REC] */
	char *data;               /* fs-specific options joined with ',' */
	char dev_type;            /* DEVICE: 'c', 'b', 'p' */
	uint32_t dev_major, dev_minor, mode, uid, gid;
	bool dev_bind;            /* DEVICE: bind the host node (user namespace) */
	char *value;              /* HOSTNAME/DOMAINNAME/SYSCTL value, SELinux label */
	int resource;             /* RLIMIT */
	uint64_t soft, hard;
	int64_t num;              /* OOM_SCORE_ADJ, PERSONALITY */
	struct spec_time_offset offsets[2];
	size_t n_offsets;
};

struct plan {
	struct spec *spec;        /* owned */
	char *rootfs;             /* root.path resolved against the spec's directory */
	int clone_flags;          /* new namespaces made by clone */
	bool new_userns, new_pidns;
	struct plan_step *steps;
	size_t n_steps;
	/* the process */
	char **argv;              /* NULL-terminated; argv[0] is looked up in PATH inside */
	char **envp;
	char *cwd;
	uint32_t uid, gid;
	uint32_t *gids;
	size_t n_gids;
	bool has_umask;
	uint32_t umask;
	bool terminal;
	unsigned console_height, console_width;
	struct spec_caps caps;
	bool caps_from_defaults;  /* nspawn's set: clamped to nsrun's own bounding set at start */
	bool no_new_privileges;
};

/* Build the plan.  Takes ownership of `spec`, also on failure.
 * `args_override` (argc > 0) replaces process.args. */
int plan_build(struct spec *spec, int argc, char **args_override, struct plan **out,
	       struct nsrun_error *err);
void plan_free(struct plan *p);
static inline void plan_freep(struct plan **p) { if (*p) plan_free(*p); }
#define _cleanup_plan_ __attribute__((cleanup(plan_freep)))

const char *plan_step_name(enum plan_step_kind kind);
/* One line describing the step (no number, no newline). */
void plan_step_describe(const struct plan *p, const struct plan_step *s, FILE *f);
void plan_print(const struct plan *p, FILE *f);
void plan_print_json(const struct plan *p, FILE *f);
/* Mount options -> flags/data; fails on contradictory or unknown options. */
int plan_parse_mount_options(const struct spec_strv *opts, struct plan_step *step,
			     struct nsrun_error *err);

extern const char *const spec_default_masked[];
extern const char *const spec_default_readonly[];

#endif
