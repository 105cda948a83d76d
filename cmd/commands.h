/* cmd/: one function per verb; each returns nsrun's exit status. */
#ifndef NSRUN_COMMANDS_H
#define NSRUN_COMMANDS_H

#include <stdbool.h>

int cmd_run_foreground(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_spec(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_spec_from_command_line(int argc, char **argv); /* cmd/options.c */
/* OCI verbs (cmd/oci.c) */
int cmd_create(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_state(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_oci_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_events(int argc, char **argv);   /* cmd/events.c */

/* Global options, before the verb (runc's syntax). */
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
/* Re-run nsrun from a sealed memfd copy of itself (SECURITY.md rule 5),
 * for a verb main.c does not seal first; -1 after printing an error. */
int cmd_seal(void);

/* Print "nsrun: MSG" (cmd_error, also to --log) or "nsrun: warning: MSG"
 * on stderr, with control characters escaped (nsrun_escape). */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cmd_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True when argv holds -h or --help before a "--". */
int cmd_wants_help(int argc, char **argv);

#endif
