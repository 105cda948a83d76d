/* nsrun enable NAME / disable NAME: start machine NAME when the host boots,
 * like `machinectl enable`: nsrun@NAME.service is linked into
 * machines.target.wants (and machines.target into multi-user.target.wants;
 * where machines.target is not installed, into multi-user.target.wants)
 * under /etc/systemd/system ($NSRUN_SYSTEMD_DIR for tests), then systemd
 * reloads its units.  On a host whose PID 1 is not systemd the links are
 * made all the same (they take effect when it boots with systemd) and
 * nsrun says so: nothing else starts machines at boot there. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "commands.h"
#include "config.h"
#include "machine.h"

static const char *systemd_dir(void)
{
	const char *d = getenv("NSRUN_SYSTEMD_DIR");
	return d && *d ? d : "/etc/systemd/system";
}

static bool systemd_running(void)
{
	struct stat st;
	return lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode) &&
	       !getenv("NSRUN_SYSTEMD_DIR");
}

static void daemon_reload(void)
{
	if (!systemd_running())
		return;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		execlp("systemctl", "systemctl", "daemon-reload", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

static int make_link(const char *target, const char *dir, const char *name)
{
	if ((mkdir(systemd_dir(), 0755) < 0 && errno != EEXIST) || (mkdir(dir, 0755) < 0 && errno != EEXIST)) {
		cmd_error("enable: %s: %s", dir, strerror(errno));
		return -1;
	}
	_cleanup_free_ char *link = xasprintf("%s/%s", dir, name);
	char cur[4096];
	ssize_t n = readlink(link, cur, sizeof(cur) - 1);
	if (n >= 0) {
		cur[n] = '\0';
		if (strcmp(cur, target) == 0)
			return 0;
		unlink(link);
	}
	if (symlink(target, link) < 0) {
		cmd_error("enable: %s: %s", link, strerror(errno));
		return -1;
	}
	printf("Created symlink %s -> %s.\n", link, target);
	return 0;
}

static int enable_disable(const struct verb_args *a, bool enable)
{
	const char *verb = a->verb->name;
	/* machines.target comes with systemd-container; without it the
	 * machine is wanted by multi-user.target directly */
	_cleanup_free_ char *mt = xasprintf("%s/machines.target", NSRUN_UNIT_DIR);
	bool have_mt = access(mt, F_OK) == 0;
	_cleanup_free_ char *wants = xasprintf("%s/%s.target.wants", systemd_dir(),
					       have_mt ? "machines" : "multi-user");
	_cleanup_free_ char *unit = xasprintf("%s/nsrun@.service", NSRUN_UNIT_DIR);
	int status = 0;
	for (int i = 0; i < a->n_operands; i++) {
		const char *why = machine_name_check(a->operands[i]);
		if (why) {
			cmd_error("%s: a machine name %s, got \"%s\"", verb, why, a->operands[i]);
			status = NSRUN_EXIT_FAILURE;
			continue;
		}
		_cleanup_free_ char *name = xasprintf("nsrun@%s.service", a->operands[i]);
		if (enable) {
			if (make_link(unit, wants, name) < 0)
				status = NSRUN_EXIT_FAILURE;
			continue;
		}
		_cleanup_free_ char *link = xasprintf("%s/%s", wants, name);
		if (unlink(link) == 0)
			printf("Removed %s.\n", link);
		else if (errno != ENOENT) {
			cmd_error("disable: %s: %s", link, strerror(errno));
			status = NSRUN_EXIT_FAILURE;
		}
	}
	if (enable && status == 0 && have_mt) {
		_cleanup_free_ char *mu = xasprintf("%s/multi-user.target.wants", systemd_dir());
		if (make_link(mt, mu, "machines.target") < 0)
			status = NSRUN_EXIT_FAILURE;
	}
	daemon_reload();
	if (enable && status == 0 && !systemd_running() && !getenv("NSRUN_SYSTEMD_DIR"))
		fprintf(stderr, "nsrun: note: systemd is not running on this host: the machine starts "
			"when the host boots with systemd; meanwhile `nsrun start NAME` starts it\n");
	return status;
}

const char cmd_enable_help[] =
	"Start machine NAME at boot (nsrun@NAME.service in machines.target), like\n"
	"machinectl enable.\n";

const char cmd_disable_help[] =
	"Do not start machine NAME at boot (nsrun@NAME.service in machines.target),\n"
	"like machinectl disable.\n";

int cmd_machine_enable(const struct verb_args *a) { return enable_disable(a, true); }
int cmd_machine_disable(const struct verb_args *a) { return enable_disable(a, false); }
