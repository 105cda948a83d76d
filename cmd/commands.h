/* cmd/: one function per verb (cmd/verbs.c lists them); each returns
 * nsrun's exit status. */
#ifndef NSRUN_COMMANDS_H
#define NSRUN_COMMANDS_H

#include <stdbool.h>

#include "verbs.h"

/* The text of `nsrun VERB --help` after its Usage line (cmd/verbs.c makes
 * that from the table), beside each verb's function. */
extern const char cmd_plan_help[], cmd_check_help[], cmd_spec_help[], cmd_list_help[],
	cmd_start_help[], cmd_kill_help[], cmd_exec_help[], cmd_stop_help[], cmd_reboot_help[],
	cmd_status_help[], cmd_log_help[], cmd_shell_help[], cmd_login_help[], cmd_enable_help[],
	cmd_disable_help[], cmd_list_images_help[], cmd_clone_help[], cmd_rename_help[],
	cmd_remove_help[], cmd_read_only_help[], cmd_import_fs_help[], cmd_import_tar_help[],
	cmd_export_tar_help[], cmd_create_help[], cmd_run_help[], cmd_state_help[], cmd_delete_help[],
	cmd_ps_help[], cmd_pause_help[], cmd_resume_help[], cmd_update_help[], cmd_features_help[],
	cmd_events_help[];

/* Verbs that parse their own argv (argv[0] is the verb). */
int cmd_run_foreground(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_spec_from_command_line(int argc, char **argv); /* cmd/options.c */
int cmd_unsupported(int argc, char **argv);            /* checkpoint, restore (cmd/oci.c) */
/* cmd/spec-template.c */
int cmd_spec(const struct verb_args *a);
/* OCI verbs (cmd/oci.c, cmd/oci-exec.c, cmd/oci-manage.c, cmd/events.c) */
int cmd_create(const struct verb_args *a);
int cmd_start(const struct verb_args *a);
int cmd_state(const struct verb_args *a);
int cmd_kill(const struct verb_args *a);
int cmd_delete(const struct verb_args *a);
int cmd_oci_run(const struct verb_args *a);
int cmd_list(const struct verb_args *a);
int cmd_exec(const struct verb_args *a);
int cmd_ps(const struct verb_args *a);
int cmd_pause(const struct verb_args *a);
int cmd_resume(const struct verb_args *a);
int cmd_update(const struct verb_args *a);
int cmd_features(const struct verb_args *a);
int cmd_events(const struct verb_args *a);

struct container_state;
/* Each OCI container under `root` whose state reads: fn(state, data). */
void cmd_each_container(const char *root, void (*fn)(struct container_state *st, void *data),
			void *data);

/* Global options, before the verb (runc's syntax; cmd/global.c). */
struct oci_global {
	const char *root;         /* --root: state directories (default /run/nsrun) */
	const char *log;          /* --log FILE: errors also go here */
	bool log_json;            /* --log-format json */
	bool debug;
	bool systemd_cgroup;      /* --systemd-cgroup: the container's cgroup is a systemd scope */
};
extern struct oci_global oci_global;

struct plan;
struct exec_options;
/* Run a plan in the foreground (cmd/foreground.c); returns nsrun's exit status. */
int cmd_run_plan_foreground(struct plan *plan, struct exec_options *o);
/* Run a plan that joins a running container (exec, shell, login); its exit
 * status, or nsrun's after printing the error (cmd/oci-exec.c). */
int cmd_run_plan_joined(struct plan *plan, struct exec_options *o);
struct spec_strv;
/* Replace *v by a copy of items[0..n) (cmd/oci-exec.c). */
void cmd_strv_set(struct spec_strv *v, char **items, size_t n);
/* Open, lock and read container id's state (its lock kept in *dirfd, or
 * released when dirfd is NULL); -1 after printing the error, *st then
 * zeroed (state_free is harmless) (cmd/oci.c). */
int cmd_load_container(const char *id, int *dirfd, struct container_state *st);
/* ... and its cgroup, for a running container with one (cmd/oci-manage.c). */
struct cgroup_handle;
int cmd_container_cgroup(const char *id, struct container_state *st, struct cgroup_handle **h);
/* The command line as given, for cmd_seal (main.c sets it). */
void cmd_set_argv(char **argv);
/* Re-run nsrun from a sealed memfd copy of itself (SECURITY.md rule 5),
 * for a verb main.c does not seal first; -1 after printing an error. */
int cmd_seal(void);

/* Print "nsrun: MSG" (cmd_error, also to --log) or "nsrun: warning: MSG"
 * on stderr, with control characters escaped (nsrun_escape). */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cmd_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* getopt_long's '?' or ':' (c) as an error (cmd/verbs.c): `letter` names
 * the option when nonzero, else `word` (the argument as given); `no_value`:
 * an option without a value was given one.  An unknown option points to
 * `nsrun VERB --help` ("nsrun --help" when verb is ""). */
void cmd_option_error(int c, int letter, bool no_value, const char *word, const char *verb);
/* True when argv holds -h or --help before a "--". */
int cmd_wants_help(int argc, char **argv);

#endif
