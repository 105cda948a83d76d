/* `nsrun start NAME` returns once the machine's systemd is ready.  A
 * machine booted in the background gets a notification socket of its own:
 * nsrun binds a datagram socket in the registry's directory and
 * bind-mounts it to /run/nsrun/notify, with NOTIFY_SOCKET pointing there in
 * PID 1's environment.  Once the container runs, a small helper process of
 * the supervising nsrun reads it: READY=1 releases the waiting `nsrun
 * start`.  The helper dies with its nsrun (parent-death signal).
 *
 * Under a service manager (nsrun@.service runs `nsrun start --foreground`
 * with $NOTIFY_SOCKET) the same socket's READY=1 and STATUS= are passed on
 * to it, and a machine that does not boot is ready once it runs
 * (machine_on_start).  nsrun stays the unit's main process, without
 * MAINPID=: it turns the unit's SIGTERM into the init's halt signal, and a
 * reboot inside into exit status 133 that restarts the unit.  (The
 * executor's own forwarding, libexec/notify.c, with MAINPID= the init, is
 * for other units; with KillMode=mixed systemd cannot wait for a main
 * process that is not its child, and kills the machine at once.) */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "commands.h"
#include "machine.h"

#define CONTAINER_NOTIFY_PATH "/run/nsrun/notify"

static int unix_addr(const char *path, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(sa->sun_path))
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, n);
	if (path[0] == '@')
		sa->sun_path[0] = '\0'; /* abstract */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] != '@'));
	return 0;
}

static char *manager_socket;

void machine_notify_take_manager(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	free(manager_socket);
	manager_socket = path && *path ? xstrdup(path) : NULL;
	unsetenv("NOTIFY_SOCKET");
}

bool machine_notify_has_manager(void)
{
	return manager_socket != NULL;
}

/* Tell the service manager that started nsrun (no-op without one). */
void machine_notify_manager(const char *msg)
{
	const char *path = manager_socket;
	struct sockaddr_un sa;
	socklen_t len;
	if (!path || unix_addr(path, &sa, &len) < 0)
		return;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		(void)!sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
}

int machine_notify_setup(struct machine_run *m, struct spec *s, struct nsrun_error *err)
{
	m->notify_fd = -1;
	if (!s->boot || s->no_register)
		return 0;
	_cleanup_free_ char *dir = registry_dir(machine_state_root(), err);
	if (!dir)
		return -1;
	m->notify_path = xasprintf("%s/.notify-%d", dir, (int)getpid());
	struct sockaddr_un sa;
	socklen_t len;
	if (unix_addr(m->notify_path, &sa, &len) < 0)
		return nsrun_error_set(err, 0, "notify socket path too long: %s", m->notify_path);
	unlink(m->notify_path);
	m->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (m->notify_fd < 0 || bind(m->notify_fd, (struct sockaddr *)&sa, len) < 0)
		return nsrun_error_set(err, errno, "notify socket %s", m->notify_path);
	chmod(m->notify_path, 0600);
	/* the same as "add": a mount and an environment variable */
	s->mounts = xrealloc(s->mounts, (s->n_mounts + 1) * sizeof(*s->mounts));
	struct spec_mount *mt = &s->mounts[s->n_mounts++];
	*mt = (struct spec_mount){ .destination = xstrdup(CONTAINER_NOTIFY_PATH), .type = xstrdup("bind"),
				   .source = xstrdup(m->notify_path) };
	mt->options.v = xcalloc(2, sizeof(char *));
	mt->options.v[0] = xstrdup("bind");
	mt->options.n = 1;
	struct spec_strv *env = &s->process.env;
	env->v = xrealloc(env->v, (env->n + 2) * sizeof(char *));
	env->v[env->n++] = xstrdup("NOTIFY_SOCKET=" CONTAINER_NOTIFY_PATH);
	env->v[env->n] = NULL;
	return 0;
}

/* The helper: read the container's notifications until nsrun ends. */
static __attribute__((noreturn)) void notify_helper(int sock, int ready_fd, pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent)
		_exit(0);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	char buf[4096];
	for (;;) {
		ssize_t n = recv(sock, buf, sizeof(buf) - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			_exit(0);
		buf[n] = '\0';
		char out[4096];
		size_t o = 0;
		for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			bool ready = strcmp(l, "READY=1") == 0;
			if (ready && ready_fd >= 0) {
				(void)!write(ready_fd, "2", 1);
				close(ready_fd);
				ready_fd = -1;
			}
			if ((ready || strncmp(l, "STATUS=", 7) == 0 || strcmp(l, "STOPPING=1") == 0) &&
			    o + strlen(l) + 2 < sizeof(out))
				o += (size_t)snprintf(out + o, sizeof(out) - o, "%s\n", l);
		}
		if (o)
			machine_notify_manager(out);
	}
}

void machine_notify_start(struct machine_run *m)
{
	if (m->notify_fd < 0 || m->notify_helper > 0)
		return;
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid != 0) {
		m->notify_helper = pid > 0 ? pid : 0;
		if (m->ready_fd >= 0 && pid > 0) {  /* the helper says READY now */
			close(m->ready_fd);
			m->ready_fd = -1;
		}
		return;
	}
	/* only the socket and the ready pipe: nothing else of the container's */
	int sock = fcntl(m->notify_fd, F_DUPFD_CLOEXEC, 3);
	int ready = m->ready_fd >= 0 ? fcntl(m->ready_fd, F_DUPFD_CLOEXEC, 3) : -1;
	int keep_lo = sock < ready || ready < 0 ? sock : ready, keep_hi = sock < ready ? ready : sock;
	for (int fd = 3; fd < 1024; fd++)
		if (fd != keep_lo && fd != keep_hi)
			close(fd);
	notify_helper(sock, ready, parent);
}

void machine_notify_end(struct machine_run *m)
{
	if (m->notify_helper > 0) {
		kill(m->notify_helper, SIGKILL);
		m->notify_helper = 0;
	}
	if (m->notify_fd >= 0)
		close(m->notify_fd);
	m->notify_fd = -1;
	if (m->notify_path)
		unlink(m->notify_path);
	free(m->notify_path);
	m->notify_path = NULL;
}
