/* Machines (cmd/machine*.c): the registry around runs, and the verbs. */
#ifndef NSRUN_MACHINE_H
#define NSRUN_MACHINE_H

#include "options.h"
#include "plan.h"
#include "registry.h"
#include "verbs.h"

struct machine_run {
	struct machine_record rec;
	bool registered;
	int ready_fd;             /* `nsrun start`: "1" once PID 1 runs, "2" at READY=1, or -1 */
	int notify_fd;            /* boot: the container's notification socket, or -1 */
	char *notify_path;
	pid_t notify_helper;      /* reads it (cmd/machine-notify.c) */
	bool boot;                /* its init reports readiness itself */
	char **ports;             /* the forwards, into the record once set up */
	size_t n_ports;
};

/* sd_notify (cmd/machine-notify.c): a booted machine's own socket, added
 * to its spec before the plan is built; the helper reading it, started
 * once the container runs; and its end. */
int machine_notify_setup(struct machine_run *m, struct spec *s, struct nsrun_error *err);
void machine_notify_start(struct machine_run *m);
void machine_notify_end(struct machine_run *m);
/* Take $NOTIFY_SOCKET (nsrun's own service manager) out of the
 * environment, for machine_notify_manager only; then send it MSG. */
void machine_notify_take_manager(void);
void machine_notify_manager(const char *msg);
bool machine_notify_has_manager(void);

/* Register the run of `plan` (unless the spec says "register": false);
 * prints the error.  `text` is the spec tree as a file. */
int machine_register(struct machine_run *m, const struct plan *plan, const struct run_cmdline *c,
		     const char *text, bool background);
/* exec_options.on_start */
void machine_on_start(void *data, pid_t leader, const char *cgroup);
void machine_unregister(struct machine_run *m);
const char *machine_state_root(void);

/* Load, validate and plan for this host (what it cannot carry out is
 * reported on `warn`); with `m`, a booted machine's notification socket is
 * added first (machine_notify_setup).  Prints the error and returns NULL on
 * failure (cmd/foreground.c). */
struct plan *cmd_load_plan(const struct run_cmdline *a, char **text, struct machine_run *m,
			   FILE *warn);
int cmd_machine_start(const char *name, bool foreground);
void machine_run_init(struct machine_run *m);
/* Register and run a machine in the foreground; nsrun's exit status. */
int machine_run_foreground(struct plan *plan, struct run_cmdline *c, const char *text,
			   struct machine_run *m);
int cmd_machine_stop(const struct verb_args *a);
int cmd_machine_kill(const char *name, const char *sig);
int cmd_machine_reboot(const struct verb_args *a);
int cmd_machine_status(const struct verb_args *a);
int cmd_machine_log(const struct verb_args *a);
int cmd_machine_shell(const struct verb_args *a);
int cmd_machine_login(const struct verb_args *a);
int cmd_start_any(const struct verb_args *a);
int cmd_machine_enable(const struct verb_args *a);
int cmd_machine_disable(const struct verb_args *a);
/* the image store (cmd/images.c) */
int cmd_list_images(const struct verb_args *a);
int cmd_clone(const struct verb_args *a);
int cmd_rename(const struct verb_args *a);
int cmd_remove(const struct verb_args *a);
int cmd_read_only(const struct verb_args *a);
int cmd_import_fs(const struct verb_args *a);
int cmd_import_tar(const struct verb_args *a);
int cmd_export_tar(const struct verb_args *a);
bool image_is_read_only(const char *name);
int cmd_kill_any(const struct verb_args *a);
int cmd_exec_any(const struct verb_args *a);
int cmd_list_any(const struct verb_args *a);

#endif
