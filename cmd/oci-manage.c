/* The OCI verbs that manage a running container: ps, pause, resume,
 * update; and features. */
#include <ctype.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroups.h"
#include "commands.h"
#include "config.h"
#include "plan.h"
#include "state.h"

#if HAVE_SELINUX
#define HAVE_SELINUX_JSON "true"
#else
#define HAVE_SELINUX_JSON "false"
#endif

/* --- ps ---------------------------------------------------------------- */

static bool same_pidns(pid_t a, pid_t b)
{
	char pa[64], pb[64];
	struct stat sa, sb;
	snprintf(pa, sizeof(pa), "/proc/%d/ns/pid", (int)a);
	snprintf(pb, sizeof(pb), "/proc/%d/ns/pid", (int)b);
	return stat(pa, &sa) == 0 && stat(pb, &sb) == 0 && sa.st_ino == sb.st_ino &&
	       sa.st_dev == sb.st_dev;
}

/* The container's processes: its cgroup's, or those in its pid namespace. */
static int container_pids(const struct container_state *st, pid_t **out, size_t *n,
			  struct nsrun_error *err)
{
	*out = NULL;
	*n = 0;
	if (st->cgroup) {
		struct cgroup_handle *h = NULL;
		int r = cgroup_state_from_string(st->cgroup, &h, err);
		if (r == 0)
			r = cgroup_pids(h, out, n, err);
		if (h)
			cgroup_handle_free(h);
		return r;
	}
	_cleanup_closedir_ DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid == st->pid || (same_pidns(pid, st->pid) && !same_pidns(pid, getpid()))) {
			*out = xrealloc(*out, (*n + 1) * sizeof(pid_t));
			(*out)[(*n)++] = pid;
		}
	}
	return 0;
}

const char cmd_ps_help[] =
	"List the processes of container ID (host pids).\n";

int cmd_ps(const struct verb_args *a)
{
	const char *id = a->operands[0];
	bool json = a->format_json;
	struct container_state st;
	if (cmd_load_container(id, NULL, &st) < 0)
		return 1;
	struct nsrun_error err = { 0 };
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int status = 0;
	if (st.status == STATUS_STOPPED) {
		cmd_error("container \"%s\" is not running", id);
		status = 1;
	} else if (container_pids(&st, &pids, &n, &err) < 0) {
		cmd_error("%s", err.msg);
		status = 1;
	} else if (json) {
		fputs("[", stdout);
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		fputs("]\n", stdout);
	} else {
		printf("%-8s %s\n", "PID", "CMD");
		for (size_t i = 0; i < n; i++) {
			char path[64], comm[256] = "?";
			snprintf(path, sizeof(path), "/proc/%d/comm", (int)pids[i]);
			FILE *f = fopen(path, "re");
			if (f) {
				if (fgets(comm, sizeof(comm), f))
					comm[strcspn(comm, "\n")] = '\0';
				fclose(f);
			}
			/* the container names its processes: no escape sequences
			 * reach the caller's terminal */
			_cleanup_free_ char *safe = nsrun_escape(comm);
			printf("%-8d %s\n", (int)pids[i], safe);
		}
	}
	state_free(&st);
	return status;
}

/* --- pause, resume, update ---------------------------------------------- */

int cmd_container_cgroup(const char *id, struct container_state *st, struct cgroup_handle **h)
{
	struct nsrun_error err = { 0 };
	if (cmd_load_container(id, NULL, st) < 0)
		return -1;
	if (st->status == STATUS_STOPPED) {
		cmd_error("container \"%s\" is not running", id);
		return -1;
	}
	if (!st->cgroup) {
		cmd_error("container \"%s\" has no cgroup of its own (its spec sets no linux.resources "
			  "or linux.cgroupsPath)", id);
		return -1;
	}
	if (cgroup_state_from_string(st->cgroup, h, &err) < 0) {
		cmd_error("%s", err.msg);
		return -1;
	}
	return 0;
}

static int freeze(const char *id, bool frozen)
{
	struct container_state st;
	struct cgroup_handle *h = NULL;
	struct nsrun_error err = { 0 };
	int status = 1;
	if (cmd_container_cgroup(id, &st, &h) == 0) {
		if (cgroup_freeze(h, frozen, &err) < 0)
			cmd_error("%s", err.msg);
		else
			status = 0;
	}
	if (h)
		cgroup_handle_free(h);
	state_free(&st);
	return status;
}

const char cmd_pause_help[] =
	"Freeze every process of container ID (the cgroup freezer).\n";

const char cmd_resume_help[] =
	"Thaw every process of container ID (the cgroup freezer).\n";

int cmd_pause(const struct verb_args *a) { return freeze(a->operands[0], true); }
int cmd_resume(const struct verb_args *a) { return freeze(a->operands[0], false); }

const char cmd_update_help[] =
	"Change the cgroup limits of container ID; FILE holds an OCI linux.resources\n"
	"object (\"-\" for stdin is not supported).\n";

int cmd_update(const struct verb_args *a)
{
	const char *file = a->resources, *id = a->operands[0];
	if (!file) {
		cmd_error("update: only --resources FILE is supported yet; see nsrun update --help");
		return NSRUN_EXIT_FAILURE;
	}
	struct nsrun_error err = { 0 };
	struct spec *spec = NULL;
	struct plan_cgroup *pc = NULL;
	if (spec_load_resources_file(file, stderr, &spec, &err) < 0 ||
	    !(pc = plan_cgroup_build(spec))) {
		if (!err.msg[0])
			nsrun_error_set(&err, 0, "%s: no resources to update", file);
		cmd_error("%s", err.msg);
		spec_free(spec);
		return NSRUN_EXIT_FAILURE;
	}
	struct container_state st;
	struct cgroup_handle *h = NULL;
	int status = 1;
	if (cmd_container_cgroup(id, &st, &h) == 0) {
		if (cgroup_update(h, pc, file, &err) < 0)
			cmd_error("%s", err.msg);
		else
			status = 0;
	}
	if (h)
		cgroup_handle_free(h);
	plan_cgroup_free(pc);
	spec_free(spec);
	state_free(&st);
	return status;
}

const char cmd_features_help[] =
	"Print what this nsrun supports, as the OCI features JSON.\n";

/* --- features ------------------------------------------------------------ */

int cmd_features(const struct verb_args *a)
{
	(void)a;
	fputs("{\n  \"ociVersionMin\": \"1.0.0\",\n  \"ociVersionMax\": \"1.3.0\",\n"
	      "  \"hooks\": [],\n"
	      "  \"mountOptions\": [\"async\", \"atime\", \"bind\", \"defaults\", \"dev\", \"diratime\", "
	      "\"dirsync\", \"exec\", \"lazytime\", \"loud\", \"mand\", \"noatime\", \"nodev\", "
	      "\"nodiratime\", \"noexec\", \"nolazytime\", \"nomand\", \"norelatime\", "
	      "\"nostrictatime\", \"nosuid\", \"nosymfollow\", \"private\", \"rbind\", \"relatime\", "
	      "\"rprivate\", \"rshared\", \"rslave\", \"runbindable\", \"ro\", \"rw\", \"shared\", "
	      "\"silent\", \"slave\", \"strictatime\", \"suid\", \"sync\", \"unbindable\"],\n"
	      "  \"linux\": {\n"
	      "    \"namespaces\": [\"cgroup\", \"ipc\", \"mount\", \"network\", \"pid\", \"time\", "
	      "\"user\", \"uts\"],\n    \"capabilities\": [", stdout);
	for (int c = 0; c <= SPEC_CAP_LAST; c++)
		printf("%s\"%s\"", c ? ", " : "", spec_cap_name(c));
	fputs("],\n    \"cgroup\": {\"v1\": true, \"v2\": true, \"systemd\": true, "
	      "\"systemdUser\": false, \"rdma\": true},\n"
	      "    \"seccomp\": {\"enabled\": true, \"actions\": [\"SCMP_ACT_ALLOW\", "
	      "\"SCMP_ACT_ERRNO\", \"SCMP_ACT_KILL\", \"SCMP_ACT_KILL_PROCESS\", "
	      "\"SCMP_ACT_KILL_THREAD\", \"SCMP_ACT_LOG\", \"SCMP_ACT_TRACE\", \"SCMP_ACT_TRAP\"], "
	      "\"operators\": [\"SCMP_CMP_EQ\", \"SCMP_CMP_GE\", \"SCMP_CMP_GT\", \"SCMP_CMP_LE\", "
	      "\"SCMP_CMP_LT\", \"SCMP_CMP_MASKED_EQ\", \"SCMP_CMP_NE\"], \"archs\": [\"SCMP_ARCH_X86\", "
	      "\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X32\"]},\n"
	      "    \"apparmor\": {\"enabled\": true},\n"
	      "    \"selinux\": {\"enabled\": " HAVE_SELINUX_JSON "},\n"
	      "    \"intelRdt\": {\"enabled\": false},\n"
	      "    \"mountExtensions\": {\"idmap\": {\"enabled\": false}}\n  },\n"
	      "  \"annotations\": {\"org.opencontainers.runc.checkpoint.enabled\": \"false\", "
	      "\"io.github.nsrun.version\": \"" NSRUN_VERSION "\"}\n}\n", stdout);
	return 0;
}
