/* The OCI runtime command line (runc's verbs), for podman and friends:
 * create, start, state, kill, delete, run, list. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "commands.h"
#include "config.h"
#include "exec.h"
#include "plan.h"
#include "cgroups.h"
#include "state.h"

/* The creation time of the state: RFC 3339 with nanoseconds, as runc's. */
static char *now_rfc3339(void)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	return xasprintf("%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

static char *absolute(const char *path)
{
	char *r = realpath(path, NULL);
	return r ? r : xstrdup(path);
}

/* create and run share this: state directory, plan, executor. */
static int create_container(const struct verb_args *a, enum exec_mode mode, int *exit_status)
{
	struct nsrun_error err = { 0 };
	int dirfd = -1;
	int status = NSRUN_EXIT_FAILURE;
	bool made_dir = false;
	const char *id = a->operands[0];
	_cleanup_free_ char *bundle = absolute(a->bundle ? a->bundle : ".");
	_cleanup_free_ char *config = xasprintf("%s/config.json", bundle);
	struct spec *spec = NULL;
	_cleanup_plan_ struct plan *plan = NULL;
	int sock = -1;
	struct container_state st = { 0 };
	struct exec_options o = { .mode = mode, .id = id, .pid_file = a->pid_file,
				  .console_socket = a->console_socket, .preserve_fds = a->preserve_fds,
				  .fifo_fd = -1, .lock_fd = -1 };

	const struct plan_invocation inv = { .container_id = id, .wait_for_start = mode == EXEC_CREATE,
					     .warn = stderr };
	if (state_check_id(id, &err) < 0 || spec_load_file(config, stderr, &spec, &err) < 0 ||
	    exec_plan_build(spec, &inv, &plan, &err) < 0)
		goto fail;
	if (state_create_dir(oci_global.root, id, &dirfd, &err) < 0)
		goto fail;
	made_dir = true;
	if (plan->terminal && mode != EXEC_FOREGROUND && !a->console_socket) {
		nsrun_error_set(&err, 0, "%s: /process/terminal is true: --console-socket is required", config);
		goto fail;
	}
	if (mode == EXEC_CREATE) {
		sock = state_listen_exec(dirfd, &err);
		if (sock < 0)
			goto fail;
	}
	st.id = (char *)id;
	st.bundle = bundle;
	st.config = config;
	st.created = now_rfc3339();
	st.created_only = mode == EXEC_CREATE;
	st.annotations = plan->spec->annotations;
	st.n_annotations = plan->spec->n_annotations;
	if (state_write(dirfd, &st, &err) < 0)
		goto fail;
	o.fifo_fd = sock;
	o.systemd_cgroup = oci_global.systemd_cgroup;
	o.lock_fd = dirfd;
	if (mode == EXEC_FOREGROUND) {
		/* record the pid as soon as it exists: other verbs may look */
		if (exec_run_plan(plan, &o, exit_status, &err) < 0)
			goto fail;
		state_remove_dir(oci_global.root, id, &err);
		status = 0;
		goto out;
	}
	if (exec_run_plan(plan, &o, exit_status, &err) < 0)
		goto fail;
	st.pid = o.pid;
	st.starttime = state_proc_starttime(o.pid);
	st.cgroup = o.cgroup;
	o.cgroup = NULL;
	if (state_write(dirfd, &st, &err) < 0) {
		kill(o.pid, SIGKILL);
		goto fail;
	}
	status = 0;
	goto out;
fail:
	cmd_error("%s", err.msg);
	if (err.status)
		status = err.status;
	if (made_dir)
		state_remove_dir(oci_global.root, id, &err);
out:
	if (sock >= 0)
		close(sock);
	free(o.cgroup);
	free(st.cgroup);
	free(st.created);
	if (dirfd >= 0)
		close(dirfd);
	return status;
}

#define CREATE_HELP \
	"  -b, --bundle DIR        the bundle (default: the current directory)\n" \
	"  --pid-file FILE         write the container's PID 1 host pid here\n" \
	"  --console-socket PATH   with terminal: true, send the pty master here\n" \
	"  --preserve-fds N        pass fds 3 .. 3+N-1 to the container\n"

const char cmd_create_help[] =
	"Create container ID from the bundle's config.json; its program waits\n"
	"until `nsrun start ID`.\n"
	CREATE_HELP
	"  --no-pivot              accepted, no effect\n"
	"  --no-new-keyring        accepted, ignored: every container gets a new session\n"
	"                          keyring (SECURITY.md rule 13)\n";

int cmd_create(const struct verb_args *a)
{
	int unused;
	return create_container(a, EXEC_CREATE, &unused);
}

const char cmd_run_help[] =
	"Create and start container ID from the bundle's config.json; wait for it\n"
	"(its exit status is nsrun's) unless --detach.\n"
	CREATE_HELP
	"  --no-pivot, --no-new-keyring   accepted, no effect\n"
	"  -d, --detach            return once the program runs\n";

int cmd_oci_run(const struct verb_args *a)
{
	int exit_status = 0;
	int r = create_container(a, a->detach ? EXEC_DETACH : EXEC_FOREGROUND, &exit_status);
	return r ? r : exit_status;
}

int cmd_load_container(const char *id, int *dirfd, struct container_state *st)
{
	struct nsrun_error err = { 0 };
	int fd = -1;
	/* zeroed first: a caller may state_free it after a failure */
	memset(st, 0, sizeof(*st));
	if (state_open_dir(oci_global.root, id, &fd, &err) < 0 || state_read(fd, st, &err) < 0) {
		if (fd >= 0)
			close(fd);
		cmd_error("%s", err.msg);
		return -1;
	}
	if (dirfd)
		*dirfd = fd;
	else
		close(fd); /* the lock is released before long work */
	if (!st->id)
		st->id = xstrdup(id);
	return 0;
}

/* poststart and poststop run from start and delete: the hooks come from
 * the container's spec; a failing one is a warning. */
static void run_lifecycle_hooks(const struct container_state *st, enum spec_hook_kind kind,
				const char *status)
{
	struct nsrun_error err = { 0 };
	struct spec *spec = NULL;
	_cleanup_plan_ struct plan *plan = NULL;
	if (!st->config || spec_load_file(st->config, NULL, &spec, &err) < 0 ||
	    exec_plan_build(spec, NULL, &plan, &err) < 0) {
		cmd_warning("%s hooks not run: %s", spec_hook_name(kind), err.msg[0] ? err.msg : "no spec");
		return;
	}
	if (exec_run_hooks(plan, st->id, kind, status, st->pid, &err) < 0)
		cmd_warning("%s", err.msg);
}

int cmd_start(const struct verb_args *a)
{
	const char *id = a->operands[0];
	int dirfd;
	struct container_state st;
	if (cmd_load_container(id, &dirfd, &st) < 0)
		return NSRUN_EXIT_FAILURE;
	int status = NSRUN_EXIT_FAILURE;
	_cleanup_close_ int sock = -1;
	_cleanup_close_ int notify = -1;
	if (st.status != STATUS_CREATED) {
		_cleanup_free_ char *why = st.created_only ? state_read_late_error(dirfd) : NULL;
		cmd_error("container \"%s\" is %s, not created%s%s", id, state_status_name(st.status),
			  why ? ": " : "", why ? why : "");
		goto out;
	}
	/* PID 1 answers one byte once it goes on; never hang on a dead one */
	struct nsrun_error err = { 0 };
	sock = state_connect_exec(dirfd, &err);
	if (sock < 0) {
		if (!state_process_alive(st.pid, st.starttime))
			cmd_error("container \"%s\" died before it could start", id);
		else
			cmd_error("%s", err.msg);
		goto out;
	}
	/* where PID 1 reports an error after this point (state-create.c) */
	if (state_send_error_file(sock, dirfd) < 0 && !state_process_alive(st.pid, st.starttime)) {
		cmd_error("container \"%s\" died before it could start", id);
		goto out;
	}
	for (;;) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		int n = poll(&p, 1, 100);
		if (n > 0 && state_recv_byte(sock, &notify) == 1)
			break;
		if ((n > 0 && (p.revents & (POLLHUP | POLLERR))) ||
		    !state_process_alive(st.pid, st.starttime)) {
			_cleanup_free_ char *why = state_read_late_error(dirfd);
			cmd_error("container \"%s\" died before it could start%s%s", id, why ? ": " : "",
				  why ? why : "");
			goto out;
		}
	}
	unlinkat(dirfd, STATE_EXEC_SOCKET, 0);
	st.created_only = false;
	if (state_write(dirfd, &st, &err) < 0) {
		cmd_error("%s", err.msg);
		goto out;
	}
	run_lifecycle_hooks(&st, HOOK_POSTSTART, "running");
	if (notify >= 0 && getenv("NOTIFY_SOCKET")) { /* until READY=1, as crun start */
		_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, st.pid, 0);
		if (pidfd >= 0 && state_process_alive(st.pid, st.starttime))
			exec_notify_until_ready(notify, st.pid, pidfd);
	}
	status = 0;
out:
	state_free(&st);
	close(dirfd);
	return status;
}

const char cmd_state_help[] =
	"Print the OCI state of container ID as JSON.\n";

int cmd_state(const struct verb_args *a)
{
	const char *id = a->operands[0];
	int dirfd;
	struct container_state st;
	if (cmd_load_container(id, &dirfd, &st) < 0)
		return 1;
	state_print_json(stdout, &st, OCI_STATE_INDENTED);
	putchar('\n');
	_cleanup_free_ char *why = st.status == STATUS_STOPPED ? state_read_late_error(dirfd) : NULL;
	if (why)
		cmd_error("container \"%s\" failed after create: %s", id, why);
	state_free(&st);
	close(dirfd);
	return 0;
}

int cmd_kill(const struct verb_args *a)
{
	const char *id = a->operands[0];
	const char *sigarg = a->n_operands > 1 ? a->operands[1] : "TERM";
	int sig = spec_signal_from_name(sigarg);
	if (sig < 0) {
		cmd_error("unknown signal \"%s\"", sigarg);
		return NSRUN_EXIT_FAILURE;
	}
	int dirfd;
	struct container_state st;
	if (cmd_load_container(id, &dirfd, &st) < 0)
		return 1;
	int status = 0;
	struct cgroup_handle *cg = NULL;
	struct nsrun_error err = { 0 };
	if (st.status != STATUS_CREATED && st.status != STATUS_RUNNING) {
		cmd_error("container \"%s\" is not running", id);
		status = 1;
	} else if (a->all && st.cgroup) {
		if (cgroup_state_from_string(st.cgroup, &cg, &err) < 0 || cgroup_kill(cg, sig, &err) < 0) {
			cmd_error("kill --all container \"%s\": %s", id, err.msg);
			status = 1;
		}
		if (cg)
			cgroup_handle_free(cg);
	} else if (kill(st.pid, sig) < 0) {
		/* --all without a cgroup: the pid namespace ends with its PID 1 */
		cmd_error("kill container \"%s\": %s", id, strerror(errno));
		status = 1;
	}
	state_free(&st);
	close(dirfd);
	return status;
}

static void wait_gone(pid_t pid, unsigned long long starttime)
{
	for (int i = 0; i < 1000 && state_process_alive(pid, starttime); i++) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

const char cmd_delete_help[] =
	"Remove container ID and everything nsrun made for it.  A running\n"
	"container needs --force (it is killed).\n";

int cmd_delete(const struct verb_args *a)
{
	const char *id = a->operands[0];
	bool force = a->force;
	int dirfd;
	struct container_state st;
	if (cmd_load_container(id, &dirfd, &st) < 0) {
		/* runc: deleting what is not there with --force is not an error */
		return force ? 0 : 1;
	}
	int status = 0;
	if (st.status == STATUS_RUNNING && !force) {
		cmd_error("container \"%s\" is running: stop it first, or use --force", id);
		status = 1;
		goto out;
	}
	bool alive = st.status == STATUS_RUNNING || st.status == STATUS_CREATED;
	if (alive && !st.cgroup) {
		kill(st.pid, SIGKILL);
		wait_gone(st.pid, st.starttime);
	}
	struct nsrun_error err = { 0 };
	if (st.cgroup) {
		/* kills whatever is left (a paused container too) and removes it */
		struct cgroup_handle *cg = NULL;
		if (cgroup_state_from_string(st.cgroup, &cg, &err) < 0 || cgroup_destroy(cg, &err) < 0) {
			cmd_error("delete container \"%s\": %s", id, err.msg);
			status = 1;
			goto out;
		}
	}
	if (st.pid > 0)
		net_release(st.pid, st.starttime);
	run_lifecycle_hooks(&st, HOOK_POSTSTOP, "stopped");
	if (state_remove_dir(oci_global.root, id, &err) < 0) {
		cmd_error("%s", err.msg);
		status = 1;
	}
out:
	state_free(&st);
	close(dirfd);
	return status;
}

void cmd_each_container(const char *root, void (*fn)(struct container_state *st, void *data),
			void *data)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		int dirfd;
		struct container_state st;
		struct nsrun_error err = { 0 };
		if (state_open_dir(root, e->d_name, &dirfd, &err) < 0)
			continue;
		if (state_read(dirfd, &st, &err) == 0) {
			if (!st.id)
				st.id = xstrdup(e->d_name);
			fn(&st, data);
			state_free(&st);
		}
		close(dirfd);
	}
}

struct listing { bool json, quiet, first; };

static void list_one(struct container_state *st, void *data)
{
	struct listing *l = data;
	pid_t pid = st->status == STATUS_STOPPED ? 0 : st->pid;
	if (l->json) {
		fputs(l->first ? "" : ",", stdout);
		state_print_json(stdout, st, OCI_STATE_COMPACT);
	} else if (l->quiet) {
		printf("%s\n", st->id);
	} else {
		printf("%-24s %-8d %-10s %-40s %s\n", st->id, (int)pid, state_status_name(st->status),
		       st->bundle ? st->bundle : "", st->created ? st->created : "");
	}
	l->first = false;
}

/* runc's listing: --format table|json, -q */
int cmd_list(const struct verb_args *a)
{
	struct listing l = { a->format_json, a->quiet, true };
	if (l.json)
		fputs("[", stdout);
	else if (!l.quiet)
		printf("%-24s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
	cmd_each_container(oci_global.root, list_one, &l);
	if (l.json)
		fputs("]\n", stdout);
	return 0;
}

/* checkpoint, restore: runc's verbs that nsrun does not have yet */
int cmd_unsupported(int argc, char **argv)
{
	(void)argc;
	cmd_error("'%s' is not supported yet by nsrun %s", argv[0], NSRUN_VERSION);
	return NSRUN_EXIT_FAILURE;
}
