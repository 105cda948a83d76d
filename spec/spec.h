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
#define SPEC_CAP_LAST 40          /* CAP_CHECKPOINT_RESTORE */

struct spec_pos { unsigned line, col; };

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

struct spec_sysctl { char *key, *value; struct spec_pos pos; };
struct spec_kv { char *key, *value; };
struct spec_time_offset { int clock; /* CLOCK_MONOTONIC or CLOCK_BOOTTIME */ int64_t secs; uint32_t nanosecs; };

/* A member nsrun parses but cannot carry out yet: validation refuses it. */
struct spec_unsupported { char *pointer; struct spec_pos pos; };

struct spec_linux {
	bool present;
	struct spec_namespace *namespaces; size_t n_namespaces; bool namespaces_given;
	struct spec_idmap *uid_mappings, *gid_mappings; size_t n_uid_mappings, n_gid_mappings;
	struct spec_pos uid_mappings_pos, gid_mappings_pos;
	struct spec_time_offset time_offsets[2]; size_t n_time_offsets; struct spec_pos time_offsets_pos;
	struct spec_device *devices; size_t n_devices;
	char *cgroups_path;
	struct spec_sysctl *sysctl; size_t n_sysctl;
	char *rootfs_propagation; unsigned long rootfs_propagation_flags;
	struct spec_strv masked_paths, readonly_paths;
	bool masked_given, readonly_given;
	char *mount_label;
	bool has_personality; unsigned long personality; struct spec_pos personality_pos;
};

struct spec {
	char *file;               /* the spec file as given */
	char *dir;                /* its directory: root.path is relative to it */
	char *oci_version;
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
	bool boot;
	char *machine_name;
	/* members parsed but refused at validation until they are implemented */
	struct spec_unsupported *unsupported; size_t n_unsupported;
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
void spec_free(struct spec *s);
static inline void spec_freep(struct spec **s) { if (*s) spec_free(*s); }
#define _cleanup_spec_ __attribute__((cleanup(spec_freep)))

/* Name tables shared by the decoder, the planner and the printer. */
const char *spec_cap_name(int cap);          /* "CAP_CHOWN" */
int spec_cap_from_name(const char *name);    /* -1 when unknown */
const char *spec_rlimit_name(int resource);  /* "RLIMIT_NOFILE" */
int spec_rlimit_from_name(const char *name);
const char *spec_namespace_name(int clone_flag); /* "mount" */
int spec_namespace_from_name(const char *name);
/* Closest of `candidates` to `word` by edit distance, or NULL if none is close. */
const char *spec_suggest(const char *word, const char *const *candidates, size_t n);

#endif
