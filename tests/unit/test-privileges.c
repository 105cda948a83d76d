/* Privilege settings without privileges: validation errors (with their
 * JSON pointer and position) for capabilities, users, rlimits, sysctl,
 * oomScoreAdj and LSM labels; the capability sets the plan predicts after
 * exec; the plan built against host facts: SELinux/AppArmor steps and the
 * mount label skipped on a host without them, nspawn's default set clamped
 * to nsrun's bounding set, the probe of this host's facts; the order of
 * `nsrun exec`'s plan (SECURITY.md rule 11) and of `nsrun create`'s. */
#include <sched.h>
#include <string.h>

#include "exec.h"
#include "plan.h"
#include "tap.h"

/* Load a spec from text and plan it for `inv` on `host`; returns the
 * error message ("" when accepted). */
static const char *load_for(const char *text, const struct plan_invocation *inv,
			    const struct plan_host *host, struct plan **planp)
{
	static struct nsrun_error err;
	memset(&err, 0, sizeof(err));
	_cleanup_free_ char *file = xstrdup("/tmp/nsrun-test-privileges.XXXXXX");
	int fd = mkstemp(file);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		snprintf(err.msg, sizeof(err.msg), "cannot write %s", file);
		return err.msg;
	}
	close(fd);
	struct spec *s = NULL;
	FILE *devnull = fopen("/dev/null", "w");
	int r = spec_load_file(file, devnull, &s, &err);
	if (devnull)
		fclose(devnull);
	struct plan *p = NULL;
	if (r == 0)
		r = plan_build(s, inv, host, &p, &err);
	unlink(file);
	if (r < 0)
		return err.msg;
	if (planp)
		*planp = p;
	else
		plan_free(p);
	return "";
}

/* ... a foreground run on a host that constrains nothing */
static const char *load(const char *text, struct plan **planp)
{
	return load_for(text, NULL, &plan_host_permissive, planp);
}

/* The message after "FILE:" so tests need not know the temporary name. */
static const char *after_file(const char *msg)
{
	const char *p = strchr(msg, ':');
	return p ? p + 1 : msg;
}

static void refused(const char *spec, const char *want, const char *name)
{
	const char *msg = load(spec, NULL);
	tap_str_eq(after_file(msg), want, name);
}

#define R "{\"root\":{\"path\":\"/\"},"

static void test_validation(void)
{
	refused(R "\"process\":{\"args\":[\"x\"],\n\"capabilities\":{\"bounding\":[\"CAP_CHWON\"]}}}",
		"2:29: /process/capabilities/bounding/0: unknown capability \"CAP_CHWON\" (did you mean \"CAP_CHOWN\"?)",
		"unknown capability name, with a suggestion");
	refused(R "\"process\":{\"args\":[\"x\"],\"capabilities\":{\"ambient\":[\"CAP_NOPE_NOPE_NOPE\"]}}}",
		"1:73: /process/capabilities/ambient/0: unknown capability \"CAP_NOPE_NOPE_NOPE\"",
		"unknown capability name in ambient");
	refused(R "\"process\":{\"args\":[\"x\"],\"capabilities\":{\"effective\":[\"CAP_KILL\"]}}}",
		"1:32: /process/capabilities/effective: an effective capability must also be permitted",
		"effective outside permitted");
	refused(R "\"process\":{\"args\":[\"x\"],\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":5}]}}",
		"1:57: /process/rlimits/0: soft limit 10 is above the hard limit 5", "rlimit soft above hard");
	refused(R "\"process\":{\"args\":[\"x\"],\"rlimits\":[{\"type\":\"RLIMIT_CPU\",\"soft\":1,\"hard\":1},"
		"{\"type\":\"RLIMIT_CPU\",\"soft\":1,\"hard\":1}]}}",
		"1:105: /process/rlimits/1: RLIMIT_CPU is set twice (first at 1:57)", "rlimit set twice");
	refused(R "\"process\":{\"args\":[\"x\"],\"rlimits\":[{\"type\":\"RLIMIT_NOFLE\",\"soft\":1,\"hard\":1}]}}",
		"1:65: /process/rlimits/0/type: unknown rlimit type \"RLIMIT_NOFLE\" (did you mean \"RLIMIT_NOFILE\"?)",
		"unknown rlimit type");
	refused(R "\"process\":{\"args\":[\"x\"],\"oomScoreAdj\":-1001}}",
		"1:60: /process/oomScoreAdj: expected an integer from -1000 to 1000, got -1001", "oomScoreAdj -1001");
	refused(R "\"process\":{\"args\":[\"x\"],\"oomScoreAdj\":\"5\"}}",
		"1:60: /process/oomScoreAdj: expected an integer from -1000 to 1000, got \"5\"", "oomScoreAdj as a string");
	refused(R "\"process\":{\"args\":[\"x\"],\"user\":{\"uid\":\"root\"}}}",
		"1:60: /process/user/uid: expected an integer from 0 to 2147483647, got \"root\"", "uid by name");
	refused(R "\"process\":{\"args\":[\"x\"],\"user\":{\"uid\":0,\"gid\":2147483648}}}",
		"1:68: /process/user/gid: expected an integer from 0 to 2147483647, got 2147483648", "gid too large");
	refused(R "\"process\":{\"args\":[\"x\"],\"user\":{\"uid\":0,\"umask\":-1}}}",
		"1:70: /process/user/umask: expected an integer from 0 to 4095, got -1", "negative umask");
	refused(R "\"process\":{\"args\":[\"x\"]},\"linux\":{\"sysctl\":{\"kernel/core_pattern\":\"x\"}}}",
		"1:66: /linux/sysctl/kernel~1core_pattern: invalid sysctl key (no '/', no empty components)",
		"sysctl key with a slash");
	refused(R "\"process\":{\"args\":[\"x\"]},\"linux\":{\"sysctl\":{\"net.ipv4..ip_forward\":\"x\"}}}",
		"1:66: /linux/sysctl/net.ipv4..ip_forward: invalid sysctl key (no '/', no empty components)",
		"sysctl key with ..");
	refused(R "\"process\":{\"args\":[\"x\"]},\"linux\":{\"sysctl\":{\"kernel.core_pattern\":\"x\"}}}",
		"1:66: /linux/sysctl/kernel.core_pattern: not a namespaced sysctl: only kernel.shm*, kernel.msg*, "
		"kernel.sem, fs.mqueue.*, net.* (with a network namespace), kernel.hostname and kernel.domainname "
		"can be set", "sysctl not namespaced");
	refused(R "\"process\":{\"args\":[\"x\"]},\"linux\":{\"sysctl\":{\"kernel.shmmax\":\"1\\n2\"}}}",
		"1:66: /linux/sysctl/kernel.shmmax: the value must not contain a newline", "sysctl value with a newline");
	refused(R "\"process\":{\"args\":[\"x\"]},\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],"
		"\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}}",
		"1:98: /linux/sysctl/net.ipv4.ip_forward: needs a new network namespace", "net sysctl without netns");
	refused(R "\"process\":{\"args\":[\"x\"],\"selinuxLabel\":\"container_t\"}}",
		"1:32: /process/selinuxLabel: expected an SELinux context user:role:type[:level], got \"container_t\"",
		"SELinux label that is not a context");
	refused(R "\"process\":{\"args\":[\"x\"]},\"linux\":{\"mountLabel\":\"a:b:c\\\",size=1\"}}",
		" /linux/mountLabel: must not contain '\"' or '\\', got \"a:b:c\",size=1\"",
		"mount label smuggling a mount option past a quote");
	refused(R "\"process\":{\"args\":[\"x\"],\"apparmorProfile\":\"p\\nchangeprofile q\"}}",
		"1:32: /process/apparmorProfile: must not contain whitespace or control characters, got "
		"\"p\nchangeprofile q\"", "AppArmor profile with a newline");
	refused(R "\"process\":{\"args\":[\"x\"],\"apparmorProfile\":\"\"}}",
		"1:32: /process/apparmorProfile: must not be empty, got \"\"", "empty AppArmor profile");
	refused(R "\"process\":{\"args\":[\"x\"]},\"linux\":{\"mountLabel\":\"a:b\"}}",
		" /linux/mountLabel: expected an SELinux context user:role:type[:level], got \"a:b\"",
		"mount label that is not a context");
	tap_str_eq(load(R "\"process\":{\"args\":[\"x\"],\"selinuxLabel\":\"system_u:system_r:container_t:s0:c1.c2\","
			"\"apparmorProfile\":\"nsrun-default\"},\"linux\":{\"mountLabel\":\"system_u:object_r:f_t:s0\"}}",
			NULL), "", "well-formed labels are accepted");
}

static bool has_step(const struct plan *p, enum plan_step_kind kind)
{
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].kind == kind)
			return true;
	return false;
}

static const struct plan_step *find_step(const struct plan *p, enum plan_step_kind kind)
{
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].kind == kind)
			return &p->steps[i];
	return NULL;
}

static char *printed(const struct plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	plan_print(p, f);
	fclose(f);
	return buf;
}

#define NS "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}"
#define CAPS "\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_NET_RAW\"],\"permitted\":[\"CAP_CHOWN\",\"CAP_KILL\"]," \
	     "\"effective\":[\"CAP_KILL\"],\"inheritable\":[\"CAP_KILL\"],\"ambient\":[\"CAP_KILL\"]"

static void test_caps_plan(void)
{
	struct plan *p = NULL;
	uint64_t eff, prm;
	const uint64_t chown = 1, kill = 1 << 5, raw = 1 << 13;

	load("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/\"},\"process\":{\"cwd\":\"/\",\"args\":[\"x\"],"
	     "\"capabilities\":{" CAPS "}}," NS "}", &p);
	tap_ok(p != NULL, "OCI spec with capabilities plans");
	if (!p)
		return;
	plan_caps_after_exec(p, &eff, &prm);
	tap_ok(prm == (chown | kill | raw) && eff == prm,
	       "uid 0: after exec permitted = effective = bounding | inheritable | ambient");
	tap_ok(has_step(p, STEP_CAPS_BOUNDING) && has_step(p, STEP_CAPS), "the plan sets the capability sets");
	plan_free(p);

	p = NULL;
	load("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/\"},\"process\":{\"cwd\":\"/\",\"args\":[\"x\"],"
	     "\"user\":{\"uid\":1000},\"capabilities\":{" CAPS "}}," NS "}", &p);
	if (!p)
		return;
	plan_caps_after_exec(p, &eff, &prm);
	tap_ok(prm == kill && eff == kill, "uid 1000: after exec only the ambient set is left");
	char *text = printed(p);
	tap_ok(strstr(text, "after exec (uid 1000, kernel rules): effective and permitted KILL") != NULL,
	       "nsrun plan shows the sets after exec when they differ");
	free(text);
	plan_free(p);

	p = NULL;
	load("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/\"},\"process\":{\"cwd\":\"/\",\"args\":[\"x\"],"
	     "\"noNewPrivileges\":true,\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\"],"
	     "\"permitted\":[\"CAP_KILL\"],\"effective\":[\"CAP_KILL\"]}}," NS "}", &p);
	if (!p)
		return;
	plan_caps_after_exec(p, &eff, &prm);
	tap_ok(prm == kill && eff == kill, "uid 0 with noNewPrivileges: permitted stays within the spec's");
	plan_free(p);

	p = NULL;
	load("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/\"},\"process\":{\"cwd\":\"/\",\"args\":[\"x\"]}," NS "}", &p);
	if (!p)
		return;
	plan_caps_after_exec(p, &eff, &prm);
	tap_ok(has_step(p, STEP_CAPS_BOUNDING) && has_step(p, STEP_CAPS) && p->caps.bounding == 0 && prm == 0,
	       "OCI spec without capabilities: the plan empties all five sets");
	tap_ok(!has_step(p, STEP_NO_TIOCSTI), "no CAP_SYS_ADMIN: no TIOCSTI guard needed");
	plan_free(p);

	p = NULL;
	load("{\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"x\"]}}", &p);
	if (!p)
		return;
	tap_ok(p->caps_from_defaults && (p->caps.bounding & (1ULL << 21)) && p->caps.inheritable == 0 &&
	       p->caps.ambient == 0, "minimal spec: a private user range by default, nspawn's set with "
	       "SYS_ADMIN (inside its user namespace), no inheritable or ambient");
	tap_ok(!has_step(p, STEP_NO_TIOCSTI), "minimal spec: in its user namespace no TIOCSTI guard is needed");
	plan_free(p);
	p = NULL;
	load("{\"root\":{\"path\":\"/\"},\"privateUsers\":\"no\",\"process\":{\"args\":[\"x\"]}}", &p);
	if (!p)
		return;
	tap_ok(p->caps_from_defaults && !(p->caps.bounding & (1ULL << 21)) && (p->caps.bounding & (1ULL << 19)) &&
	       p->caps.inheritable == 0 && p->caps.ambient == 0,
	       "minimal spec without a user namespace: nspawn's set less SYS_ADMIN, no inheritable or ambient");
	tap_ok(!has_step(p, STEP_NO_TIOCSTI), "minimal spec (no SYS_ADMIN): no TIOCSTI guard needed");
	plan_free(p);

	p = NULL;
	load("{\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"x\"],\"terminal\":true}}", &p);
	if (p)
		tap_ok(!has_step(p, STEP_NO_TIOCSTI), "a terminal of its own: no TIOCSTI guard needed");
	plan_free(p);
}

#define LABELS_SPEC "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/\"},\"process\":{\"cwd\":\"/\"," \
	"\"args\":[\"x\"],\"selinuxLabel\":\"system_u:system_r:container_t:s0\",\"apparmorProfile\":" \
	"\"nsrun-default\"},\"mounts\":[{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}," \
	"{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}],\"linux\":{\"namespaces\":" \
	"[{\"type\":\"mount\"}],\"mountLabel\":\"system_u:object_r:f_t:s0\",\"maskedPaths\":" \
	"[\"/proc/kcore\"]},\"annotations\":{\"run.nsrun.apparmor\":\"optional\"}}"

static const struct plan_step *find_mount(const struct plan *p, const char *fstype)
{
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].kind == STEP_MOUNT && p->steps[i].fstype &&
		    strcmp(p->steps[i].fstype, fstype) == 0 && strcmp(p->steps[i].path, "/dev") != 0)
			return &p->steps[i];
	return NULL;
}

/* The labels on a host with both LSMs: carried out, context= on the
 * tmpfs mounts nsrun makes. */
static void test_lsm_enabled(void)
{
	struct plan *p = NULL;
	load(LABELS_SPEC, &p);
	tap_ok(p != NULL, "spec with labels plans");
	if (!p)
		return;
	const struct plan_step *se = find_step(p, STEP_SELINUX_LABEL), *aa = find_step(p, STEP_APPARMOR_PROFILE);
	tap_ok(se && aa && !se->skip_reason && !aa->skip_reason && se->value &&
	       strcmp(se->value, "system_u:system_r:container_t:s0") == 0,
	       "SELinux and AppArmor enabled: the label steps are carried out");
	const struct plan_step *tmp = find_mount(p, "tmpfs"), *proc = find_mount(p, "proc");
	tap_ok(tmp && proc && tmp->label && !proc->label && find_step(p, STEP_MASK_PATH)->label &&
	       !plan_mount_label_skip(p), "the mount label goes on tmpfs and the mask tmpfs, not on proc");
	char *text = printed(p);
	tap_ok(strstr(text, "tmpfs tmpfs -> /tmp context=\"system_u:object_r:f_t:s0\"") != NULL,
	       "nsrun plan shows context= on the tmpfs");
	free(text);
	struct nsrun_error err = { 0 };
	tap_ok(exec_check_apparmor(p, &err) == 0, "AppArmor enabled: the profile is applied");
	plan_free(p);
}

/* On a host without them the plan marks them skipped and says so once, at
 * the build; a profile that is not optional is refused by the executor. */
static void test_lsm_disabled(void)
{
	struct plan_host host = plan_host_permissive;
	host.selinux = host.apparmor = false;
	char *warnbuf = NULL;
	size_t warnlen = 0;
	FILE *warn = open_memstream(&warnbuf, &warnlen);
	const struct plan_invocation inv = { .warn = warn };
	struct plan *p = NULL;
	load_for(LABELS_SPEC, &inv, &host, &p);
	fclose(warn);
	if (!p)
		return;
	const struct plan_step *se = find_step(p, STEP_SELINUX_LABEL), *aa = find_step(p, STEP_APPARMOR_PROFILE);
	tap_str_eq(se->skip_reason, "SELinux is disabled on this host", "no SELinux: the label step is skipped");
	tap_str_eq(aa->skip_reason, "AppArmor is not enabled on this host",
		   "no AppArmor, optional: the profile step is skipped");
	tap_str_eq(plan_mount_label_skip(p), "SELinux is disabled on this host", "no SELinux: the mount label is skipped");
	tap_ok(!find_mount(p, "tmpfs")->label && !find_step(p, STEP_MASK_PATH)->label,
	       "no SELinux: no mount gets context=");
	tap_ok(strstr(warnbuf, "/process/selinuxLabel \"system_u:system_r:container_t:s0\" is not applied: "
		      "SELinux is disabled on this host") != NULL &&
	       strstr(warnbuf, "/linux/mountLabel \"system_u:object_r:f_t:s0\" is not applied") != NULL,
	       "no SELinux: a warning names each member");
	char *text = printed(p);
	tap_ok(strstr(text, "selinux-label    system_u:system_r:container_t:s0 -- skipped: SELinux is "
		      "disabled on this host") != NULL && strstr(text, "context=\"") == NULL,
	       "no SELinux: nsrun plan shows it skipped, and no context=");
	free(text);
	free(warnbuf);
	plan_free(p);

	/* without the annotation a profile the host cannot apply is refused */
	p = NULL;
	load_for("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/\"},\"process\":{\"cwd\":\"/\",\"args\":[\"x\"],"
		 "\"apparmorProfile\":\"docker-default\"},\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}",
		 NULL, &host, &p);
	if (!p)
		return;
	struct nsrun_error err = { 0 };
	int r = exec_check_apparmor(p, &err);
	aa = find_step(p, STEP_APPARMOR_PROFILE);
	tap_ok(r < 0 && aa && !aa->skip_reason, "no AppArmor, not optional: refused, the step not skipped");
	tap_ok(strstr(err.msg, "/process/apparmorProfile \"docker-default\": AppArmor is not enabled on "
		      "this host, and the container would run unconfined; refused") != NULL,
	       "no AppArmor: the message says why (%s)", err.msg);
	plan_free(p);
}

/* nspawn's default set is clamped to nsrun's bounding set in the plan;
 * a spec's own capabilities are not (the executor refuses missing ones). */
static void test_caps_clamped(void)
{
	struct plan_host host = plan_host_permissive;
	host.bounding &= ~(1ULL << 24); /* SYS_RESOURCE */
	struct plan *p = NULL;
	load_for("{\"root\":{\"path\":\"/\"},\"privateUsers\":\"no\",\"process\":{\"args\":[\"x\"]}}", NULL,
		 &host, &p);
	if (!p)
		return;
	struct plan *full = NULL;
	load("{\"root\":{\"path\":\"/\"},\"privateUsers\":\"no\",\"process\":{\"args\":[\"x\"]}}", &full);
	tap_ok(full && (full->caps.bounding & (1ULL << 24)) && !(p->caps.bounding & (1ULL << 24)) &&
	       !(p->caps.effective & (1ULL << 24)) && !(p->caps.permitted & (1ULL << 24)) &&
	       p->caps.bounding == (full->caps.bounding & ~(1ULL << 24)),
	       "default set on a host without SYS_RESOURCE: the plan keeps the rest, less SYS_RESOURCE");
	char *text = printed(p);
	tap_ok(strstr(text, "SYS_RESOURCE") == NULL, "nsrun plan does not list SYS_RESOURCE");
	free(text);
	plan_free(p);
	plan_free(full);
	p = NULL;
	load_for("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/\"},\"process\":{\"cwd\":\"/\",\"args\":[\"x\"],"
		 "\"capabilities\":{\"bounding\":[\"CAP_SYS_RESOURCE\"]}},\"linux\":{\"namespaces\":"
		 "[{\"type\":\"mount\"}]}}", NULL, &host, &p);
	tap_ok(p && p->caps.bounding == (1ULL << 24), "a spec's own set is kept as it is");
	plan_free(p);
}

/* The facts probed on this host are the kernel's (/proc/self/status). */
static void test_host_facts(void)
{
	struct plan_host h;
	exec_probe_host_facts(&h);
	unsigned long long bnd = 0, eff = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f)) {
		sscanf(line, "CapBnd: %llx", &bnd);
		sscanf(line, "CapEff: %llx", &eff);
	}
	if (f)
		fclose(f);
	uint64_t known = (2ULL << SPEC_CAP_LAST) - 1;
	tap_ok(h.bounding == (bnd & known) && h.effective == (eff & known),
	       "the probe reads nsrun's bounding and effective sets (%llx %llx)", bnd, eff);
	char aa_on = 0;
	f = fopen("/sys/module/apparmor/parameters/enabled", "r");
	if (f) {
		aa_on = (char)fgetc(f);
		fclose(f);
	}
	tap_ok(h.apparmor == (aa_on == 'Y' && access("/sys/kernel/security/apparmor", F_OK) == 0),
	       "the probe sees whether AppArmor is enabled");
}

static size_t index_of(const struct plan *p, enum plan_step_kind kind, int ns_flags)
{
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].kind == kind && (!ns_flags || p->steps[i].ns_flags == ns_flags))
			return i;
	return (size_t)-1;
}

/* nsrun exec: every namespace is joined by the process nsrun cloned (none
 * by nsrun itself), pid and time last; the labels are written before it
 * enters the pid namespace; everything else after. */
static void test_exec_plan(void)
{
	struct plan *p = NULL;
	/* (the host's users: the plan nsrun exec makes from a spec without a user namespace) */
	const struct plan_invocation inv = { .exec_pid = 4242 };
	tap_str_eq(load_for(R "\"privateUsers\":\"no\",\"process\":{\"args\":[\"x\"],\"terminal\":true,"
			    "\"selinuxLabel\":\"system_u:system_r:container_t:s0\"},\"linux\":{\"namespaces\":"
			    "[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"time\"},{\"type\":\"uts\"}]}}",
			    &inv, &plan_host_permissive, &p), "",
		   "a spec with pid, mount, time and uts namespaces plans for nsrun exec");
	if (!p)
		return;
	tap_ok(p->exec_pid == 4242 && !p->cgroup && p->caps.inheritable == 0 && p->caps.ambient == 0,
	       "it is an exec plan");
	size_t enter = index_of(p, STEP_ENTER_PIDNS, 0), label = index_of(p, STEP_SELINUX_LABEL, 0);
	size_t pidns = index_of(p, STEP_JOIN_NS, CLONE_NEWPID), timens = index_of(p, STEP_JOIN_NS, CLONE_NEWTIME);
	size_t mnt = index_of(p, STEP_JOIN_NS, CLONE_NEWNS), uts = index_of(p, STEP_JOIN_NS, CLONE_NEWUTS);
	tap_ok(!has_step(p, STEP_JOIN_NS_EARLY), "nsrun itself joins no namespace (its child is not "
	       "visible to the container while it joins)");
	tap_ok(mnt < uts && uts < pidns && pidns < timens && timens < label && label < enter,
	       "mount, uts, then pid and time, the label, then enter (%zu %zu %zu %zu %zu %zu)", mnt, uts,
	       pidns, timens, label, enter);
	tap_ok(!p->steps[pidns].in_parent && !p->steps[enter].in_parent, "joined and entered by the child");
	tap_str_eq(p->steps[pidns].path, "/proc/4242/ns/pid", "the pid namespace of the container's PID 1");
	bool after = true;
	for (size_t i = 0; i < p->n_steps; i++) {
		enum plan_step_kind k = p->steps[i].kind;
		if (k == STEP_CONSOLE || k == STEP_USER || k == STEP_CAPS || k == STEP_CWD ||
		    k == STEP_STDIO || k == STEP_EXEC)
			after &= i > enter;
	}
	tap_ok(after, "console, user, capabilities, cwd, stdio and exec come after enter");
	char *text = printed(p);
	tap_ok(strstr(text, "enter            close every fd of the host, then fork into the joined pid "
			    "namespace") != NULL, "nsrun plan names the step");
	free(text);
	plan_free(p);
}

/* `nsrun create`: the program waits for `start` after the labels, before
 * the startContainer hooks and stdio; a filter passing a listener loads
 * before the wait, any other as late as in a run. */
#define SC_CAPS "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"],\"effective\":[\"CAP_SYS_ADMIN\"]," \
	"\"permitted\":[\"CAP_SYS_ADMIN\"]}"
static void test_create_plan(void)
{
	static const char *const filters[] = {
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":"
		"\"SCMP_ACT_ERRNO\"}]}",
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/a.sock\",\"syscalls\":[{\"names\":"
		"[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
	};
	for (size_t k = 0; k < 2; k++) {
		_cleanup_free_ char *text = xasprintf("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/\"},"
						      "\"process\":{\"cwd\":\"/\",\"args\":[\"x\"]," SC_CAPS "},"
						      "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],"
						      "\"seccomp\":%s}}", filters[k]);
		const struct plan_invocation create = { .container_id = "c1", .wait_for_start = true };
		struct plan *p = NULL, *run = NULL;
		tap_str_eq(load_for(text, &create, &plan_host_permissive, &p), "", k ? "create plans (listener)" : "create plans");
		load_for(text, NULL, &plan_host_permissive, &run);
		if (!p || !run) {
			plan_free(p);
			plan_free(run);
			continue;
		}
		size_t wait = index_of(p, STEP_WAIT_START, 0), stdio = index_of(p, STEP_STDIO, 0);
		size_t sc = index_of(p, STEP_SECCOMP, 0), cwd = index_of(p, STEP_CWD, 0);
		size_t answer = index_of(p, STEP_ANSWER_START, 0);
		tap_ok(p->n_steps == run->n_steps + 2 && index_of(run, STEP_WAIT_START, 0) == (size_t)-1 &&
		       index_of(run, STEP_ANSWER_START, 0) == (size_t)-1 &&
		       strcmp(p->container_id, "c1") == 0 && !run->container_id,
		       "create: two steps more than run, wait-start and answer-start, and the container's id");
		if (k == 0)
			tap_ok(cwd < wait && wait + 1 == answer && answer + 1 == stdio && stdio < sc,
			       "create: wait-start and answer-start right before stdio, the filter after "
			       "(%zu %zu %zu)", wait, stdio, sc);
		else
			tap_ok(cwd < sc && sc + 1 == wait && wait + 1 == answer && answer + 1 == stdio &&
			       index_of(run, STEP_SECCOMP, 0) > index_of(run, STEP_STDIO, 0),
			       "create with a listener: the filter loads before wait-start, after stdio in a "
			       "run (%zu %zu %zu)", sc, wait, stdio);
		plan_free(p);
		plan_free(run);
	}
}

int main(void)
{
	test_validation();
	test_caps_plan();
	test_lsm_enabled();
	test_lsm_disabled();
	test_caps_clamped();
	test_host_facts();
	test_exec_plan();
	test_create_plan();
	return tap_done();
}
