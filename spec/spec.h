/* The typed spec: what spec/decode*.c reads from an OCI config.json plus
 * nsrun's own members.  Everything here is plain data; positions are kept
 * where a later check (validation across members) needs to name them. */
#ifndef NSRUN_SPEC_H
#define NSRUN_SPEC_H

#include <stdint.h>
#include <sys/types.h>

#include "common.h"
#include "json.h"

#define SPEC_ID_MAX 2147483647u   /* uids/gids 0..2^31-1 (SECURITY.md rule 10) */
#define SPEC_HOSTNAME_MAX 64
#define SPEC_DEVICES_MAX 4096     /* linux.devices entries */
#define SPEC_SYSCALL_FILTER_MAX 4096 /* linux.syscallFilter entries */
#define SPEC_WARNINGS_MAX 20      /* warnings shown; the rest are counted */
#define SPEC_CAP_LAST 40          /* CAP_CHECKPOINT_RESTORE */

struct spec_pos { unsigned line, col; };
struct spec_network;

struct spec_strv { char **v; size_t n; };

struct spec_idmap { uint32_t container_id, host_id, size; struct spec_pos pos; };

struct spec_mount {
	char *destination, *type, *source;
	struct spec_strv options;
	struct spec_pos pos;
};

struct spec_rlimit { int resource; const char *name; uint64_t soft, hard; struct spec_pos pos; };

struct spec_caps {
	bool given;               /* process.capabilities present (or defaulted) */
	bool defaulted;           /* nspawn's set, filled in for a minimal spec */
	bool no_sys_admin;        /* ... less SYS_ADMIN: no new user namespace, it would be the host's */
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct spec_user {
	uint32_t uid, gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username;           /* OCI "username" (Windows only); refused if set */
};

struct spec_process {
	bool present;
	bool terminal;
	bool has_console_size;
	unsigned console_height, console_width;
	struct spec_strv args, env;
	char *cwd;
	struct spec_user user;
	struct spec_caps caps;
	struct spec_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *selinux_label, *apparmor_profile;
	struct spec_pos pos, args_pos;
};

struct spec_namespace { int type; const char *name; char *path; struct spec_pos pos; };

struct spec_device {
	char *path;
	char type;                /* 'c', 'b', 'u' or 'p' */
	int64_t major, minor;
	bool has_mode, has_uid, has_gid;
	uint32_t mode, uid, gid;
	struct spec_pos pos;
};

struct spec_hook { char *path; struct spec_strv args, env; bool has_timeout; int timeout; struct spec_pos pos; };
struct spec_hooks {
	struct spec_hook *v[6];   /* indexed by enum spec_hook_kind */
	size_t n[6];
};
enum spec_hook_kind { HOOK_PRESTART, HOOK_CREATE_RUNTIME, HOOK_CREATE_CONTAINER,
		      HOOK_START_CONTAINER, HOOK_POSTSTART, HOOK_POSTSTOP };

/* A KEY: VALUE member of "sysctl", "unified" or "annotations". */
struct spec_kv { char *key, *value; struct spec_pos pos; };
struct spec_time_offset { int clock; /* CLOCK_MONOTONIC or CLOCK_BOOTTIME */ int64_t secs; uint32_t nanosecs; };

/* A member nsrun parses but cannot carry out yet: validation refuses it. */
struct spec_unsupported { char *pointer; struct spec_pos pos; };

/* linux.syscallFilter (nsrun): "read", "@mount", "~@mount", "~mkdir:EACCES".
 * Semantics in spec/decode-seccomp.c. */
struct spec_syscall_entry {
	char *name;               /* syscall or "@group", without '~' and ":ERRNO" */
	bool deny;                /* written with a leading '~' */
	int errnum;               /* from ":ERRNO", 0 when not given */
	struct spec_pos pos;
};
struct spec_syscall_filter {
	struct spec_syscall_entry *v; size_t n;   /* n == 0: no filter */
	int errnum;               /* linux.syscallErrno, EPERM when not given */
	bool given;               /* in the spec, maybe empty: a minimal spec's "no filter" */
	struct spec_pos pos;
};

/* OCI linux.seccomp.  Actions are libseccomp's SCMP_ACT_* values with the
 * errno folded in; architectures SCMP_ARCH_* tokens; ops enum scmp_compare. */
struct spec_seccomp_arg { unsigned index; int op; uint64_t value, value_two; struct spec_pos pos; };
struct spec_seccomp_syscall {
	struct spec_strv names;
	struct spec_pos *name_pos;  /* of each name */
	uint32_t action;
	struct spec_seccomp_arg *args; size_t n_args;
	struct spec_pos pos;
};
struct spec_seccomp {
	bool present;
	uint32_t default_action;
	uint32_t *arches; size_t n_arches;
	unsigned flags;           /* SECCOMP_FILTER_FLAG_* */
	char *listener_path, *listener_metadata;
	struct spec_seccomp_syscall *syscalls; size_t n_syscalls;
	struct spec_pos pos;
};

/* OCI linux.resources (spec/decode-resources.c).  A number that was not
 * given has .set false; -1 where OCI means "unlimited" is kept as -1. */
struct spec_i64 { bool set; int64_t v; struct spec_pos pos; };
struct spec_u64 { bool set; uint64_t v; struct spec_pos pos; };
struct spec_bool { bool set, v; struct spec_pos pos; };
struct spec_cgroup_device {            /* resources.devices[]: allow/deny rule */
	bool allow;
	char type;                /* 'a', 'c' or 'b' */
	int64_t major, minor;     /* -1: all ("*") */
	char access[4];           /* subset of "rwm", in that order */
	struct spec_pos pos;
};
struct spec_blkio_device {              /* weightDevice[] and throttle*Device[] */
	int64_t major, minor;
	struct spec_u64 weight, leaf_weight;  /* weightDevice */
	uint64_t rate;                        /* throttle*Device */
	struct spec_pos pos;
};
enum spec_throttle { THROTTLE_READ_BPS, THROTTLE_WRITE_BPS, THROTTLE_READ_IOPS, THROTTLE_WRITE_IOPS };
struct spec_hugepage_limit { char *page_size; uint64_t limit; struct spec_pos pos; };
struct spec_net_priority { char *name; uint32_t priority; struct spec_pos pos; };
struct spec_rdma_limit { char *device; struct spec_u64 hca_handles, hca_objects; struct spec_pos pos; };
struct spec_resources {
	bool present;
	struct spec_pos pos;
	struct {
		bool present;
		struct spec_i64 limit, reservation, swap, kernel, kernel_tcp;
		struct spec_u64 swappiness;
		struct spec_bool disable_oom_killer, use_hierarchy, check_before_update;
	} memory;
	struct {
		bool present;
		struct spec_u64 shares, burst, period, realtime_period;
		struct spec_i64 quota, realtime_runtime, idle;
		char *cpus, *mems;
		struct spec_pos cpus_pos, mems_pos;
	} cpu;
	struct { bool present; struct spec_i64 limit; } pids;
	struct {
		bool present;
		struct spec_u64 weight, leaf_weight;
		struct spec_blkio_device *weight_device; size_t n_weight_device;
		struct spec_blkio_device *throttle[4]; size_t n_throttle[4]; /* enum spec_throttle */
	} block_io;
	struct spec_hugepage_limit *hugepage_limits; size_t n_hugepage_limits;
	struct spec_cgroup_device *devices; size_t n_devices; bool devices_given;
	struct {
		bool present;
		struct spec_u64 class_id;
		struct spec_net_priority *priorities; size_t n_priorities;
	} network;
	struct spec_rdma_limit *rdma; size_t n_rdma;
	struct spec_kv *unified; size_t n_unified;
};

struct spec_linux {
	bool present;
	struct spec_namespace *namespaces; size_t n_namespaces; bool namespaces_given;
	struct spec_idmap *uid_mappings, *gid_mappings; size_t n_uid_mappings, n_gid_mappings;
	struct spec_pos uid_mappings_pos, gid_mappings_pos;
	struct spec_time_offset time_offsets[2]; size_t n_time_offsets; struct spec_pos time_offsets_pos;
	struct spec_device *devices; size_t n_devices;
	char *cgroups_path; struct spec_pos cgroups_path_pos;
	struct spec_resources resources;    /* linux.resources */
	struct spec_kv *sysctl; size_t n_sysctl;
	char *rootfs_propagation; unsigned long rootfs_propagation_flags;
	struct spec_strv masked_paths, readonly_paths;
	bool masked_given, readonly_given;
	char *mount_label;
	bool has_personality; unsigned long personality; struct spec_pos personality_pos;
	struct spec_syscall_filter syscall_filter;  /* nsrun: linux.syscallFilter/syscallErrno */
	struct spec_seccomp seccomp;                /* OCI: linux.seccomp */
};

/* "add" (nsrun): applied after the defaults of a short spec are filled in,
 * as systemd-nspawn's options add to its defaults; the command line's
 * --bind, --tmpfs, --setenv, --capability, --drop-capability and
 * --syscall-filter land here (spec/add.c). */
struct spec_add {
	bool present;
	struct spec_mount *mounts; size_t n_mounts;
	struct spec_strv env;     /* KEY=VALUE, replacing the same KEY */
	uint64_t caps, drop_caps; /* added to bounding/effective/permitted; dropped from all */
	struct spec_syscall_filter syscall_filter; /* entries appended to linux.syscallFilter */
	struct spec_pos pos;
};

/* nsrun "privateUsers" (and -U / --private-users): a user namespace whose
 * ids 0..count-1 are a private host range (spec/decode-userns.c). */
enum spec_private_users_mode { PRIVATE_USERS_UNSET, PRIVATE_USERS_NO, PRIVATE_USERS_PICK,
			       PRIVATE_USERS_FIXED };
#define SPEC_PRIVATE_USERS_COUNT 65536u   /* ids in a picked range, and the default count */
struct spec_private_users {
	enum spec_private_users_mode mode;
	uint32_t uid, count;      /* FIXED: host id of container id 0; the number of ids */
	bool defaulted;           /* a short spec without the member: "pick" */
	bool chown;               /* --private-users-ownership=chown: chown the tree once */
	struct spec_pos pos;
};

struct spec {
	char *file;               /* the spec file as given */
	char *dir;                /* its directory: root.path is relative to it */
	char *oci_version;
	struct spec_pos oci_version_pos;
	char *root_path;          /* as written */
	bool root_readonly;
	struct spec_pos root_pos;
	struct spec_mount *mounts; size_t n_mounts; bool mounts_given;
	struct spec_process process;
	char *hostname, *domainname;
	struct spec_pos hostname_pos, domainname_pos;
	struct spec_hooks hooks;
	struct spec_kv *annotations; size_t n_annotations;
	struct spec_linux linux_;
	/* nsrun members */
	bool boot;                /* "boot": true or nsrun --boot (README "Boot mode") */
	char *machine_name;
	struct spec_network *network; /* "network" or the command line (spec/network.h) */
	bool no_register;         /* "register": false (nsrun --no-register) */
	struct spec_add add;
	struct spec_private_users private_users;
	/* members parsed but refused at validation until they are implemented */
	struct spec_unsupported *unsupported; size_t n_unsupported;
	/* spec_load_opts.origins, copied: the options that made values */
	char **origins; size_t n_origins;
	/* true when the spec looks like a full OCI bundle (see spec_is_minimal) */
	bool minimal;
	unsigned n_warnings;
};

/* Parse and validate a spec file.  Warnings (unknown members) go to `warn`
 * (may be NULL).  On error err->msg is "FILE:LINE:COL: /pointer: message". */
int spec_load_file(const char *path, FILE *warn, struct spec **out, struct nsrun_error *err);
/* Same from a parsed tree; `name` is used in messages. */
int spec_load_tree(struct json_node *root, const char *name, FILE *warn, struct spec **out,
		   struct nsrun_error *err);
/* What the command line changes before validation: `nsrun --boot`. */
struct spec_load_opts {
	bool boot;                /* as if the spec said "boot": true */
	/* Values made from command-line options (cmd/options.c) have line 0
	 * and column k: messages about them name origins[k - 1] ("--bind
	 * '/a:/b:xx'") instead of a position in the file. */
	const char *const *origins;
	size_t n_origins;
	const char *ownership;    /* --private-users-ownership=map|chown */
};
/* Parse "pick", "no", "N" or "N:M" (a --private-users value) into *out;
 * returns NULL, or why the value is wrong. */
const char *spec_parse_private_users(const char *v, struct spec_private_users *out);
int spec_load_tree_opts(struct json_node *root, const char *name, FILE *warn,
			const struct spec_load_opts *opts, struct spec **out, struct nsrun_error *err);
/* A file holding only a linux.resources object (`nsrun update --resources`):
 * a spec with just linux_.resources set; pointers in messages are relative
 * to that object ("/memory/limit"). */
int spec_load_resources_file(const char *path, FILE *warn, struct spec **out, struct nsrun_error *err);
void spec_free(struct spec *s);
/* The one formatter of spec errors, for the decoder, the validator and
 * the planner: "FILE:LINE:COL: " + the message, which starts with the JSON
 * pointer ("/mounts/2/type: ...").  A value a command-line option made
 * (line 0, column k) names the option, origins[k - 1], instead; one
 * without a position names the file alone.  Returns -1. */
int spec_fail_at(struct nsrun_error *err, const struct spec *s, struct spec_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void spec_strv_free(struct spec_strv *v);
/* A NULL-terminated array of strings (the argv and envp form, without a
 * count): a copy of v[0..n-1], and freeing one (NULL is fine). */
char **spec_argv_dup(char *const *v, size_t n);
void spec_argv_free(char **v);
/* linux.namespaces: the entry of a type (NULL if none), and whether it is
 * a NEW one (not joined by path). */
const struct spec_namespace *spec_find_namespace(const struct spec *s, int type);
bool spec_has_new_namespace(const struct spec *s, int type);
/* `nsrun exec --process FILE`: an OCI process object replaces s->process. */
int spec_load_process_file(const char *path, FILE *warn, struct spec *s, struct nsrun_error *err);
static inline void spec_freep(struct spec **s) { if (*s) spec_free(*s); }
#define _cleanup_spec_ __attribute__((cleanup(spec_freep)))

/* Name tables shared by the decoder, the planner and the printer. */
const char *spec_cap_name(int cap);          /* "CAP_CHOWN" */
int spec_cap_from_name(const char *name);    /* -1 when unknown */
const char *spec_rlimit_name(int resource);  /* "RLIMIT_NOFILE" */
int spec_rlimit_from_name(const char *name);
const char *spec_namespace_name(int clone_flag); /* "mount" */
int spec_namespace_from_name(const char *name);
const char *spec_hook_name(enum spec_hook_kind kind); /* "createRuntime" */
/* A signal by number, name ("TERM", "SIGTERM", case-insensitive) or
 * "RTMIN+N"; -1 when it is none. */
int spec_signal_from_name(const char *s);
/* "UID" or "UID:GID", decimal digits only, each 0..2147483647; -1 otherwise
 * (nothing is written then). */
int spec_parse_uid_gid(const char *s, uint32_t *uid, uint32_t *gid, bool *has_gid);
/* Closest of `candidates` to `word` by edit distance, or NULL if none is close. */
const char *spec_suggest(const char *word, const char *const *candidates, size_t n);

#endif
