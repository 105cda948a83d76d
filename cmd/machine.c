/* Machines: the registry around every run (foreground or background), and
 * the verbs on running machines: start, stop, kill, reboot, status, log,
 * list.  shell and login are in cmd/machine-shell.c. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "cgroups.h"
#include "commands.h"
#include "exec.h"
#include "json.h"
#include "machine.h"
#include "network.h"
#include "state.h"

const char *machine_state_root(void)
{
	return oci_global.root ? oci_global.root : NSRUN_DEFAULT_ROOT;
}

/* A registry name from a host name or a directory: invalid characters
 * become '-', at most 64 bytes. */
static char *name_from(const char *s)
{
	char buf[65];
	size_t n = 0;
	for (; *s && n < 64; s++)
		buf[n++] = isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.' ? *s : '-';
	buf[n] = '\0';
	while (n && (buf[n - 1] == '.' || buf[n - 1] == '-'))
		buf[--n] = '\0';
	char *p = buf;
	while (*p == '.' || *p == '-')
		p++;
	return xstrdup(*p ? p : "container");
}

/* The spec's port forwards in --port's syntax, "tcp:8000-8009:80". */
static void ports_of(struct machine_run *m, const struct spec_network *net)
{
	for (size_t i = 0; net && i < net->n_ports; i++) {
		const struct spec_net_port *p = &net->ports[i];
		char range[16] = "";
		if (p->host_last != p->host_first)
			snprintf(range, sizeof(range), "-%u", p->host_last);
		m->ports = xrealloc(m->ports, (m->n_ports + 1) * sizeof(*m->ports));
		m->ports[m->n_ports++] = xasprintf("%s:%u%s:%u", p->proto == IPPROTO_UDP ? "udp" : "tcp",
						   p->host_first, range, p->container_first);
	}
}

int machine_register(struct machine_run *m, const struct plan *plan, const struct run_cmdline *c,
		     const char *text, bool background)
{
	const struct spec *s = plan->spec;
	m->boot = s->boot;
	bool exact = s->machine_name != NULL;
	if (s->machine_name) {
		const char *why = s->no_register ? NULL : machine_name_check(s->machine_name);
		if (why) {
			cmd_error("%s: /machine: a machine name %s, got \"%s\"", s->file, why, s->machine_name);
			return -1;
		}
		m->rec.name = xstrdup(s->machine_name);
	} else {
		const char *base = strrchr(plan->rootfs, '/');
		m->rec.name = name_from(s->hostname ? s->hostname : base && base[1] ? base + 1 : plan->rootfs);
	}
	/* not registered, the name is still its id in the OCI state (oci-state.h) */
	if (s->no_register)
		return 0;
	m->rec.kind = xstrdup(c->machine ? "machine" : c->directory ? "directory" : "spec");
	m->rec.root = xstrdup(plan->rootfs);
	m->rec.since = registry_now();
	m->rec.supervisor = getpid();
	m->rec.supervisor_start = state_proc_starttime(getpid());
	m->rec.background = background;
	struct nsrun_error err = { 0 };
	if (registry_claim(machine_state_root(), &m->rec, exact, text, &err) < 0) {
		cmd_error("%s", err.msg);
		registry_record_free(&m->rec);
		return -1;
	}
	m->registered = true;
	ports_of(m, s->network);
	return 0;
}

void machine_on_start(void *data, pid_t leader, const char *cgroup)
{
	struct machine_run *m = data;
	if (m->registered) {
		m->rec.leader = leader;
		m->rec.leader_start = state_proc_starttime(leader);
		free(m->rec.cgroup);
		m->rec.cgroup = cgroup ? xstrdup(cgroup) : NULL;
		/* the network steps are done: the forwards are there */
		if (m->n_ports && !m->rec.n_ports) {
			m->rec.ports = TAKE_PTR(m->ports);
			m->rec.n_ports = m->n_ports;
			m->n_ports = 0;
		}
		struct nsrun_error err = { 0 };
		if (registry_update(machine_state_root(), &m->rec, &err) < 0)
			fprintf(stderr, "nsrun: warning: %s\n", err.msg);
	}
	if (m->ready_fd >= 0)
		(void)!write(m->ready_fd, "1", 1);
	machine_notify_start(m);   /* takes the ready pipe for READY=1 */
	/* no init that reports readiness: ready once it runs (nspawn's default) */
	if (!m->boot)
		machine_notify_manager("READY=1\nSTATUS=Container running.");
	if (m->ready_fd >= 0) {
		close(m->ready_fd);
		m->ready_fd = -1;
	}
}

void machine_run_init(struct machine_run *m)
{
	memset(m, 0, sizeof(*m));
	m->ready_fd = -1;
	m->notify_fd = -1;
}

void machine_unregister(struct machine_run *m)
{
	machine_notify_end(m);
	if (m->registered)
		registry_release(machine_state_root(), m->rec.name);
	m->registered = false;
	registry_record_free(&m->rec);
	for (size_t i = 0; i < m->n_ports; i++)
		free(m->ports[i]);
	free(m->ports);
	m->ports = NULL;
	m->n_ports = 0;
}

/* A record's host0 addresses ("192.0.2.2/24"), read from its network
 * namespace. */
struct net_view { struct spec_net_addr a[2 * NET_ADDRS_MAX]; size_t n; };

static void view_of(const struct machine_record *r, struct net_view *v)
{
	int n = registry_addresses(r, v->a, ARRAY_SIZE(v->a));
	v->n = n > 0 ? (size_t)n : 0;
}

/* A machine's record, or an error naming it. */
static int find(const char *name, struct machine_record *r)
{
	struct nsrun_error err = { 0 };
	if (registry_read(machine_state_root(), name, r, &err) < 0) {
		cmd_error("%s", err.msg);
		return -1;
	}
	return 0;
}

static char *log_path(const char *name)
{
	return xasprintf("%s/.machines/%s.log", machine_state_root(), name);
}

/* ---- start ------------------------------------------------------------- */

/* The supervising nsrun of a background machine: its own session, stdin
 * /dev/null, the console into NAME.log; it runs the machine as a
 * foreground run would and ends with it. */
static __attribute__((noreturn)) void supervise_background(struct plan *plan, struct run_cmdline *c,
							    const char *text, struct machine_run *mp)
{
	struct machine_run m = *mp;
	setsid();
	/* a service manager of the caller's is not the machine's: a
	 * background machine tells only `nsrun start` (machine-notify.c) */
	unsetenv("NOTIFY_SOCKET");
	if (fork() != 0)
		_exit(0);
	if (machine_register(&m, plan, c, text, true) < 0)
		_exit(NSRUN_EXIT_FAILURE);
	_cleanup_free_ char *log = log_path(m.rec.name);
	int lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	int nfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (lfd < 0 || nfd < 0 || dup2(nfd, 0) < 0 || dup2(lfd, 1) < 0 || dup2(lfd, 2) < 0) {
		machine_unregister(&m);
		_exit(NSRUN_EXIT_FAILURE);
	}
	close(lfd);
	close(nfd);
	signal(SIGHUP, SIG_IGN);
	struct exec_options o = { .mode = EXEC_FOREGROUND, .id = m.rec.name, .fifo_fd = -1, .lock_fd = -1,
				  .on_start = machine_on_start, .on_start_data = &m };
	int status = cmd_run_plan_foreground(plan, &o);
	fprintf(stderr, "nsrun: machine %s ended with status %d\n", m.rec.name, status);
	machine_unregister(&m);
	_exit(status);
}

/* The pipe says "1" once PID 1 runs and "2" at its READY=1 (a booted
 * machine's systemd): wait for both, as machinectl start waits for
 * systemd-nspawn@.service's readiness.  -1: it never ran. */
static int wait_started(int fd, const char *name)
{
	bool ran = false;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, ran ? 90 * 1000 : -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			fprintf(stderr, "nsrun: warning: machine %s runs, but its init did not report "
				"READY=1 within 90 s\n", name);
			return 0;
		}
		char b;
		ssize_t n = read(fd, &b, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ran ? 0 : -1;
		if (b == '1')
			ran = true;
		if (b == '2')
			return 0;
	}
}

/* `nsrun start --foreground NAME` (nsrun@.service): the console on
 * stdout; under a service manager ($NOTIFY_SOCKET) a reboot inside ends
 * nsrun with 133, and the unit restarts (RestartForceExitStatus=133). */
int machine_run_foreground(struct plan *plan, struct run_cmdline *c, const char *text,
			   struct machine_run *m)
{
	if (machine_register(m, plan, c, text, false) < 0)
		return NSRUN_EXIT_FAILURE;
	struct exec_options o = { .mode = EXEC_FOREGROUND, .id = m->rec.name, .fifo_fd = -1, .lock_fd = -1,
				  .on_start = machine_on_start, .on_start_data = m,
				  .no_restart = machine_notify_has_manager() };
	int status = cmd_run_plan_foreground(plan, &o);
	if (o.rebooted)
		status = 133;
	machine_unregister(m);
	return status;
}

int cmd_machine_start(const char *name, bool foreground)
{
	/* main.c does not seal `start` (for an OCI container it creates
	 * nothing); booting a machine does: first thing (SECURITY.md rule 5) */
	if (cmd_seal() < 0)
		return NSRUN_EXIT_FAILURE;
	const char *why = machine_name_check(name);
	if (why) {
		cmd_error("start: a machine name %s, got \"%s\"", why, name);
		return NSRUN_EXIT_FAILURE;
	}
	_cleanup_free_ char *spec_file = machine_spec_file(name);
	_cleanup_free_ char *dir = xasprintf("%s/%s", options_machines_dir(), name);
	struct stat st;
	if (!spec_file && (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))) {
		cmd_error("start: no container \"%s\" was created, and there is no image %s "
			  "(nor %s.json there or in /etc/nsrun)", name, dir, name);
		return NSRUN_EXIT_FAILURE;
	}
	struct run_cmdline c;
	options_for_machine(&c, name, !spec_file);
	struct nsrun_error err = { 0 };
	_cleanup_free_ char *text = NULL;
	struct machine_run m;
	machine_run_init(&m);
	_cleanup_plan_ struct plan *plan = cmd_load_plan(&c, &text, &m, stderr);
	if (!plan) {
		machine_notify_end(&m);
		options_free(&c);
		return NSRUN_EXIT_FAILURE;
	}
	if (foreground) {
		/* nsrun@.service: ours to tell, not the executor's (machine-notify.c) */
		machine_notify_take_manager();
		int status = machine_run_foreground(plan, &c, text, &m);
		options_free(&c);
		return status;
	}
	struct machine_record old;
	if (registry_read(machine_state_root(), name, &old, &err) == 0) {
		cmd_error("start: machine \"%s\" is running already (PID %d)", name, (int)old.leader);
		registry_record_free(&old);
		machine_notify_end(&m);
		options_free(&c);
		return NSRUN_EXIT_FAILURE;
	}
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		cmd_error("pipe: %s", strerror(errno));
		machine_notify_end(&m);
		return NSRUN_EXIT_FAILURE;
	}
	fflush(NULL);
	m.ready_fd = pfd[1];
	pid_t pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		supervise_background(plan, &c, text, &m);
	}
	close(pfd[1]);
	if (m.notify_fd >= 0)
		close(m.notify_fd);  /* the supervisor's now */
	free(m.notify_path);
	options_free(&c);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	int started = wait_started(pfd[0], name);
	close(pfd[0]);
	if (started >= 0)
		return 0;
	/* it ended before the container ran: its log says why */
	_cleanup_free_ char *log = log_path(name);
	_cleanup_fclose_ FILE *f = fopen(log, "re");
	char line[4096];
	while (f && fgets(line, sizeof(line), f))
		fputs(line, stderr);
	cmd_error("start: machine \"%s\" did not start", name);
	return NSRUN_EXIT_FAILURE;
}

/* ---- stop, kill, reboot ------------------------------------------------ */

static bool wait_supervisor_gone(const struct machine_record *r, unsigned seconds)
{
	for (unsigned i = 0; i < seconds * 100; i++) {
		if (!state_process_alive(r->supervisor, r->supervisor_start))
			return true;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return false;
}

const char cmd_stop_help[] =
	"Shut machine NAME down cleanly: its nsrun sends a booted machine's init\n"
	"systemd's halt signal (SIGRTMIN+3), other programs SIGTERM.  After SECS\n"
	"(default 90) what is left is killed (SIGKILL).  Returns once it is gone.\n";

int cmd_machine_stop(const struct verb_args *a)
{
	unsigned timeout = a->timeout ? a->timeout : 90;
	const char *name = a->operands[0];
	struct machine_record r;
	if (find(name, &r) < 0)
		return NSRUN_EXIT_FAILURE;
	int status = 0;
	if (kill(r.supervisor, SIGTERM) < 0) {
		cmd_error("stop %s: %s", name, strerror(errno));
		status = NSRUN_EXIT_FAILURE;
	} else if (!wait_supervisor_gone(&r, timeout)) {
		/* the container's PID 1 ends, and its nsrun with it (the
		 * record again: it may have been read while it was starting) */
		struct machine_record now;
		struct nsrun_error e2 = { 0 };
		if (registry_read(machine_state_root(), name, &now, &e2) == 0) {
			if (now.leader && state_process_alive(now.leader, now.leader_start))
				kill(now.leader, SIGKILL);
			registry_record_free(&now);
		}
		if (!wait_supervisor_gone(&r, 10)) {
			cmd_error("stop %s: still running", name);
			status = NSRUN_EXIT_FAILURE;
		} else {
			fprintf(stderr, "nsrun: machine %s did not stop within %u s: killed\n", name, timeout);
		}
	}
	registry_record_free(&r);
	return status;
}

int cmd_machine_kill(const char *name, const char *sigarg)
{
	int sig = spec_signal_from_name(sigarg ? sigarg : "TERM");
	if (sig < 0) {
		cmd_error("unknown signal \"%s\"", sigarg);
		return NSRUN_EXIT_FAILURE;
	}
	struct machine_record r;
	if (find(name, &r) < 0)
		return NSRUN_EXIT_FAILURE;
	int status = 0;
	if (!r.leader || kill(r.leader, sig) < 0) {
		cmd_error("kill %s: %s", name, r.leader ? strerror(errno) : "it is still starting");
		status = 1;
	}
	registry_record_free(&r);
	return status;
}

const char cmd_reboot_help[] =
	"Reboot machine NAME: its init gets SIGINT (systemd: ctrl-alt-del, a clean\n"
	"reboot); the reboot ends the container and its nsrun starts it again.\n";

int cmd_machine_reboot(const struct verb_args *a)
{
	const char *name = a->operands[0];
	return cmd_machine_kill(name, "INT");
}

/* ---- status, log, list ------------------------------------------------- */

static void print_tail(const char *path, unsigned lines)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return;
	char **ring = xcalloc(lines, sizeof(char *));
	size_t n = 0;
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		free(ring[n % lines]);
		ring[n++ % lines] = xstrdup(line);
	}
	free(line);
	for (size_t i = n > lines ? n - lines : 0; i < n; i++)
		printf("  %s", ring[i % lines]);
	for (size_t i = 0; i < lines; i++)
		free(ring[i]);
	free(ring);
}

/* The start of /proc/PID/WHAT into buf, NUL-terminated; its length. */
static ssize_t read_proc(pid_t pid, const char *what, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? n : 0;
}

static pid_t ppid_of(pid_t pid)
{
	char buf[512];
	if (read_proc(pid, "stat", buf, sizeof(buf)) == 0)
		return 0;
	char *rp = strrchr(buf, ')');
	int ppid = 0;
	if (!rp || sscanf(rp + 2, "%*c %d", &ppid) != 1)
		return 0;
	return (pid_t)ppid;
}

static void print_cmdline(pid_t pid)
{
	char buf[256];
	ssize_t n = read_proc(pid, "cmdline", buf, sizeof(buf));
	for (ssize_t i = 0; i + 1 < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	printf("%d %s\n", (int)pid, buf);
}

static void print_tree(const pid_t *pids, size_t n, pid_t parent, int depth)
{
	for (size_t i = 0; i < n; i++) {
		if (ppid_of(pids[i]) != parent || depth > 32)
			continue;
		printf("           %*s%s", depth * 2, "", depth ? "`-" : "");
		print_cmdline(pids[i]);
		print_tree(pids, n, pids[i], depth + 1);
	}
}

/* An OCI container (an engine's id, or nsrun create) as a record, for
 * status; *status its OCI status. */
static int oci_record(const char *id, struct machine_record *r, const char **status)
{
	int dirfd;
	struct container_state st;
	struct nsrun_error err = { 0 };
	memset(r, 0, sizeof(*r));
	if (state_check_id(id, &err) < 0 || state_open_dir(machine_state_root(), id, &dirfd, &err) < 0)
		return -1;
	int rc = state_read(dirfd, &st, &err);
	close(dirfd);
	if (rc < 0)
		return -1;
	r->name = xstrdup(id);
	r->kind = xstrdup("oci");
	r->root = st.bundle ? xstrdup(st.bundle) : NULL;
	r->since = st.created ? xstrdup(st.created) : NULL;
	r->cgroup = st.cgroup ? xstrdup(st.cgroup) : NULL;
	r->leader = st.status == STATUS_STOPPED ? 0 : st.pid;
	r->leader_start = st.starttime;
	*status = state_status_name(st.status);
	state_free(&st);
	return 0;
}

const char cmd_status_help[] =
	"Show machine NAME (or OCI container NAME): state, PID, since, host0's\n"
	"addresses and forwarded ports, its processes (the cgroup's) and the last\n"
	"lines of its log.\n";

int cmd_machine_status(const struct verb_args *a)
{
	const char *name = a->operands[0];
	struct machine_record r;
	const char *oci_status = NULL;
	struct nsrun_error err = { 0 };
	if (registry_read(machine_state_root(), name, &r, &err) < 0 &&
	    oci_record(name, &r, &oci_status) < 0) {
		cmd_error("%s", err.msg);
		return NSRUN_EXIT_FAILURE;
	}
	printf("%s (%s)\n      State: %s\n     Leader: %d\n      Since: %s\n       Root: %s\n", r.name,
	       r.kind, oci_status ? oci_status : registry_state(&r), (int)r.leader, r.since ? r.since : "",
	       r.root ? r.root : "");
	if (!oci_status)
		printf(" Supervisor: %d (nsrun%s)\n", (int)r.supervisor,
		       r.background ? ", in the background" : ", in the foreground");
	struct net_view v;
	view_of(&r, &v);
	for (size_t i = 0; i < v.n; i++)
		printf("%s%s\n", i ? "             " : "    Address: ", v.a[i].text);
	for (size_t i = 0; i < r.n_ports; i++)
		printf("%s%s\n", i ? "             " : "      Ports: ", r.ports[i]);
	struct cgroup_handle *h = NULL;
	memset(&err, 0, sizeof(err));
	pid_t *pids = NULL;
	size_t n = 0;
	if (r.cgroup && cgroup_state_from_string(r.cgroup, &h, &err) == 0 &&
	    cgroup_pids(h, &pids, &n, &err) == 0) {
		printf("     CGroup: %zu processes\n", n);
		/* the roots: processes whose parent is not in the cgroup */
		for (size_t i = 0; i < n; i++) {
			pid_t pp = ppid_of(pids[i]);
			bool inside = false;
			for (size_t k = 0; k < n; k++)
				inside |= pids[k] == pp;
			if (!inside) {
				printf("           ");
				print_cmdline(pids[i]);
				print_tree(pids, n, pids[i], 1);
			}
		}
	}
	free(pids);
	if (h)
		cgroup_handle_free(h);
	if (r.background) {
		_cleanup_free_ char *log = log_path(r.name);
		printf("\nLog (%s):\n", log);
		print_tail(log, 10);
	}
	registry_record_free(&r);
	return 0;
}

const char cmd_log_help[] =
	"Print the console log of machine NAME (started with nsrun start).\n"
	"  -f, --follow  go on printing what it writes until it stops\n";

int cmd_machine_log(const struct verb_args *a)
{
	bool follow = a->follow;
	const char *name = a->operands[0];
	if (machine_name_check(name)) {
		cmd_error("log: not a machine name: \"%s\"", name);
		return NSRUN_EXIT_FAILURE;
	}
	_cleanup_free_ char *log = log_path(name);
	_cleanup_close_ int fd = open(log, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cmd_error("log %s: no log (%s): %s", name, log, strerror(errno));
		return NSRUN_EXIT_FAILURE;
	}
	struct machine_record r;
	struct nsrun_error err = { 0 };
	bool alive = registry_read(machine_state_root(), name, &r, &err) == 0;
	char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			fwrite(buf, 1, (size_t)n, stdout);
			continue;
		}
		fflush(stdout);
		if (!follow || !alive || !state_process_alive(r.supervisor, r.supervisor_start))
			break;
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (alive)
		registry_record_free(&r);
	return 0;
}

static void json_strings(const char *key, const char *const *v, size_t n)
{
	printf(",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? "," : "", stdout);
		json_write_string(stdout, v[i]);
	}
	fputs("]", stdout);
}

/* "a,b,c" of the addresses (without prefix) or of the ports */
static char *joined(const struct net_view *v, char *const *ports, size_t n_ports)
{
	char *out = xstrdup("");
	size_t n = v ? v->n : n_ports;
	for (size_t i = 0; i < n; i++) {
		char one[INET6_ADDRSTRLEN + 8];
		if (v)
			net_addr_format(&v->a[i], false, one, sizeof(one));
		char *next = xasprintf("%s%s%s", out, i ? "," : "", v ? one : ports[i]);
		free(out);
		out = next;
	}
	return out;
}

/* One line of the table; trailing empty columns are left off. */
struct row { const char *name, *kind, *state, *since, *root; pid_t pid; char *addrs, *ports; };

static void print_row(const struct row *w, int root_w, int addr_w)
{
	bool more = (w->addrs && *w->addrs) || (w->ports && *w->ports);
	printf("%-20s %-10s %-8d %-9s %-21.19s %-*s", w->name, w->kind, (int)w->pid, w->state, w->since,
	       more ? root_w : 0, w->root);
	if (more)
		printf(" %-*s%s%s", w->ports && *w->ports ? addr_w : 0, w->addrs ? w->addrs : "",
		       w->ports && *w->ports ? " " : "", w->ports ? w->ports : "");
	putchar('\n');
}

/* OCI containers (engines' ids) are listed beside machines, kind "oci". */
struct oci_listing { bool json, first; int root_w; };

static void list_oci_one(struct container_state *st, void *data)
{
	struct oci_listing *l = data;
	pid_t pid = st->status == STATUS_STOPPED ? 0 : st->pid;
	/* a veth of an OCI container (create with "network") too */
	struct machine_record as = { .leader = pid, .leader_start = st->starttime };
	struct net_view v;
	view_of(&as, &v);
	if (l->json) {
		fputs(l->first ? "\n" : ",\n", stdout);
		fputs("  {\"name\":", stdout);
		json_write_string(stdout, st->id);
		printf(",\"kind\":\"oci\",\"leader\":%d,\"state\":\"%s\",\"root\":", (int)pid,
		       state_status_name(st->status));
		json_write_string(stdout, st->bundle ? st->bundle : "");
		fputs(",\"since\":", stdout);
		json_write_string(stdout, st->created ? st->created : "");
		const char *addrs[ARRAY_SIZE(v.a)];
		for (size_t i = 0; i < v.n; i++)
			addrs[i] = v.a[i].text;
		json_strings("addresses", addrs, v.n);
		fputs(",\"ports\":[]}", stdout);
	} else {
		_cleanup_free_ char *addrs = joined(&v, NULL, 0);
		struct row w = { st->id, "oci", state_status_name(st->status), st->created ? st->created : "",
				 st->bundle ? st->bundle : "", pid, addrs, NULL };
		print_row(&w, l->root_w, 0);
	}
	l->first = false;
}

static void list_json(const struct machine_record *r, const struct net_view *v, bool first)
{
	fputs(first ? "\n  {\"name\":" : ",\n  {\"name\":", stdout);
	json_write_string(stdout, r->name);
	fputs(",\"kind\":", stdout);
	json_write_string(stdout, r->kind ? r->kind : "");
	printf(",\"leader\":%d,\"state\":\"%s\",\"root\":", (int)r->leader, registry_state(r));
	json_write_string(stdout, r->root ? r->root : "");
	fputs(",\"since\":", stdout);
	json_write_string(stdout, r->since ? r->since : "");
	printf(",\"supervisor\":%d,\"background\":%s", (int)r->supervisor,
	       r->background ? "true" : "false");
	const char *addrs[ARRAY_SIZE(v->a)];
	for (size_t i = 0; i < v->n; i++)
		addrs[i] = v->a[i].text;
	json_strings("addresses", addrs, v->n);
	json_strings("ports", (const char *const *)r->ports, r->n_ports);
	fputs("}", stdout);
}

static int machine_list(bool json)
{
	struct machine_record *recs;
	size_t n;
	registry_list(machine_state_root(), &recs, &n);
	struct net_view *views = xcalloc(n + 1, sizeof(*views));
	int root_w = 4, addr_w = 9;
	for (size_t i = 0; i < n; i++) {
		view_of(&recs[i], &views[i]);
		_cleanup_free_ char *a = joined(&views[i], NULL, 0);
		root_w = recs[i].root && (int)strlen(recs[i].root) > root_w ? (int)strlen(recs[i].root) : root_w;
		addr_w = (int)strlen(a) > addr_w ? (int)strlen(a) : addr_w;
	}
	bool first = true;
	if (json)
		fputs("[", stdout);
	else
		printf("%-20s %-10s %-8s %-9s %-21s %-*s %-*s %s\n", "NAME", "KIND", "PID", "STATE", "SINCE",
		       root_w, "ROOT", addr_w, "ADDRESSES", "PORTS");
	for (size_t i = 0; i < n; i++) {
		const struct machine_record *r = &recs[i];
		if (json) {
			list_json(r, &views[i], first);
		} else {
			_cleanup_free_ char *a = joined(&views[i], NULL, 0);
			_cleanup_free_ char *p = joined(NULL, r->ports, r->n_ports);
			struct row w = { r->name, r->kind ? r->kind : "", registry_state(r), r->since ? r->since : "",
					 r->root ? r->root : "", r->leader, a, p };
			print_row(&w, root_w, addr_w);
		}
		first = false;
		registry_record_free(&recs[i]);
	}
	free(recs);
	free(views);
	struct oci_listing l = { json, first, root_w };
	cmd_each_container(machine_state_root(), list_oci_one, &l);
	first = l.first;
	if (json)
		fputs(first ? "]\n" : "\n]\n", stdout);
	return 0;
}

/* ---- the verbs both worlds share --------------------------------------- */

/* An OCI container with this id exists under the state root. */
static bool oci_exists(const char *id)
{
	struct nsrun_error err = { 0 };
	if (!id || id[0] == '-' || state_check_id(id, &err) < 0)
		return false;
	_cleanup_free_ char *path = xasprintf("%s/%s", machine_state_root(), id);
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char cmd_start_help[] =
	"Let created OCI container ID run; when no container ID was created,\n"
	"boot machine NAME of the image store ($NSRUN_MACHINES_DIR/NAME, with\n"
	"NAME.json if there is one) in the background under a supervising\n"
	"nsrun, its console in a log (nsrun log NAME); returns once it runs and\n"
	"its systemd reported READY=1.  --foreground: run it in this process\n"
	"(nsrun@.service).\n";

/* start ID: a created OCI container first (engines only start what they
 * created); else NAME of the image store. */
int cmd_start_any(const struct verb_args *a)
{
	const char *id = a->operands[0];
	if (a->foreground || !oci_exists(id))
		return cmd_machine_start(id, a->foreground);
	return cmd_start(a);
}

/* A machine NAME, given without options, that is no OCI container. */
static bool machine_not_oci(const struct verb_args *a)
{
	const char *name = a->operands[0];
	struct machine_record r;
	struct nsrun_error err = { 0 };
	if (a->n_options || oci_exists(name) || registry_read(machine_state_root(), name, &r, &err) < 0)
		return false;
	registry_record_free(&r);
	return true;
}

const char cmd_kill_help[] =
	"Send SIGNAL (a name like TERM or SIGKILL, or a number; default TERM) to\n"
	"the container's PID 1 (--all: to every process of the container).\n";

int cmd_kill_any(const struct verb_args *a)
{
	if (machine_not_oci(a))
		return cmd_machine_kill(a->operands[0], a->n_operands > 1 ? a->operands[1] : NULL);
	return cmd_kill(a);
}

const char cmd_list_help[] =
	"List what nsrun runs: machines and foreground runs (name, kind, leader\n"
	"PID, state, since, root, host0's addresses, forwarded ports) and OCI\n"
	"containers (kind oci).\n"
	"  --json        the same as JSON\n"
	"  --format table|json, -q  runc's listing of the OCI containers (ids only)\n";

/* list, list --json: machines and OCI containers; runc's --format and -q
 * keep runc's output. */
int cmd_list_any(const struct verb_args *a)
{
	if (!a->format_given && !a->quiet)
		return machine_list(a->json);
	if (a->json) {
		cmd_error("list: --json is nsrun's listing, --format and -q runc's: give one");
		return NSRUN_EXIT_FAILURE;
	}
	return cmd_list(a);
}

/* exec NAME CMD...: for a machine (no OCI container of that id), what
 * `nsrun shell NAME CMD...` does; exec's options are the OCI verb's. */
int cmd_exec_any(const struct verb_args *a)
{
	if (a->n_operands >= 2 && machine_not_oci(a))
		return cmd_machine_shell(a);
	return cmd_exec(a);
}
