/* The systemd cgroup driver (--systemd-cgroup, or linux.cgroupsPath
 * "slice:prefix:name"): the container's cgroup is a transient scope
 * PREFIX-NAME.scope in SLICE with Delegate=yes, made by systemd through its
 * D-Bus API (StartTransientUnit), as runc and crun do.
 *
 * A scope is made around processes, and the container's PID 1 does not
 * exist yet when nsrun needs its cgroup (clone3 CLONE_INTO_CGROUP): a
 * keeper process holds the scope until PID 1 is in it (cgroup_enter kills
 * it).  The limits systemd has properties for (memory, pids, cpu weight and
 * quota, devices) are unit properties; the others are written to the
 * scope's files (cgroup_adopt), and a setting neither can apply is an error
 * naming it.  delete stops the unit (StopUnit).
 *
 * sd-bus (libsystemd) is loaded with dlopen only when the driver is used:
 * every other container starts without the dynamic loading it costs. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "cgroups.h"
#include "spec.h"

#define SYSD "org.freedesktop.systemd1"
#define SYSD_PATH "/org/freedesktop/systemd1"
#define SYSD_MANAGER "org.freedesktop.systemd1.Manager"

static struct {
	void *lib;
	typeof(sd_bus_new) *new_;
	typeof(sd_bus_set_address) *set_address;
	typeof(sd_bus_start) *start;
	typeof(sd_bus_open_system) *open_system;
	typeof(sd_bus_flush_close_unref) *close_unref;
	typeof(sd_bus_message_new_method_call) *new_method_call;
	typeof(sd_bus_message_append) *append;
	typeof(sd_bus_message_open_container) *open_container;
	typeof(sd_bus_message_close_container) *close_container;
	typeof(sd_bus_message_unref) *message_unref;
	typeof(sd_bus_call) *call;
	typeof(sd_bus_error_free) *error_free;
	typeof(sd_bus_error_has_name) *error_has_name;
	typeof(sd_bus_get_property_string) *get_property_string;
	typeof(sd_bus_get_property_trivial) *get_property_trivial;
} sd;

static int load_sd_bus(struct nsrun_error *err)
{
	if (sd.lib)
		return 0;
	void *lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return nsrun_error_set(err, 0, "the systemd cgroup driver needs libsystemd.so.0: %s", dlerror());
#define SYM(field, name) \
	if (!(*(void **)&sd.field = dlsym(lib, name))) { \
		dlclose(lib); \
		return nsrun_error_set(err, 0, "libsystemd.so.0 lacks %s", name); \
	}
	SYM(new_, "sd_bus_new") SYM(set_address, "sd_bus_set_address") SYM(start, "sd_bus_start")
	SYM(open_system, "sd_bus_open_system") SYM(close_unref, "sd_bus_flush_close_unref")
	SYM(new_method_call, "sd_bus_message_new_method_call") SYM(append, "sd_bus_message_append")
	SYM(open_container, "sd_bus_message_open_container")
	SYM(close_container, "sd_bus_message_close_container")
	SYM(message_unref, "sd_bus_message_unref") SYM(call, "sd_bus_call")
	SYM(error_free, "sd_bus_error_free") SYM(error_has_name, "sd_bus_error_has_name")
	SYM(get_property_string, "sd_bus_get_property_string")
	SYM(get_property_trivial, "sd_bus_get_property_trivial")
#undef SYM
	sd.lib = lib;
	return 0;
}

/* systemd's private socket, as systemctl uses as root, else the system bus. */
static int connect_systemd(sd_bus **out, struct nsrun_error *err)
{
	if (access("/run/systemd/system", F_OK) != 0)
		return nsrun_error_set(err, 0, "the systemd cgroup driver: systemd is not running on this "
				       "host (no /run/systemd/system)");
	if (load_sd_bus(err) < 0)
		return -1;
	sd_bus *bus = NULL;
	if (sd.new_(&bus) >= 0 && sd.set_address(bus, "unix:path=/run/systemd/private") >= 0 &&
	    sd.start(bus) >= 0) {
		*out = bus;
		return 0;
	}
	if (bus)
		sd.close_unref(bus);
	bus = NULL;
	int r = sd.open_system(&bus);
	if (r < 0)
		return nsrun_error_set(err, -r, "connect to systemd (private socket and system bus)");
	*out = bus;
	return 0;
}

static void bus_closep(sd_bus **b)
{
	if (*b)
		sd.close_unref(*b);
}
static void msg_unrefp(sd_bus_message **m)
{
	if (*m)
		sd.message_unref(*m);
}
static void error_freep(sd_bus_error *e)
{
	if (sd.lib)
		sd.error_free(e);
}

bool cgroup_path_is_systemd(const char *path)
{
	return path && strchr(path, ':') && path[0] != '/';
}

/* "slice:prefix:name" (or NULL: ":nsrun:ID") -> slice and unit name. */
static int unit_names(const struct plan *p, char **slice, char **unit, struct nsrun_error *err)
{
	const char *path = p->cgroup->path;
	_cleanup_free_ char *def = NULL;
	if (!path) {
		if (p->container_id)
			def = xasprintf(":nsrun:%s", p->container_id);
		else
			def = xasprintf(":nsrun:%d", (int)getpid());
		path = def;
	}
	if (!cgroup_path_is_systemd(path))
		return nsrun_error_set(err, 0, "%s: /linux/cgroupsPath: with --systemd-cgroup it is "
				       "\"slice:prefix:name\", got \"%s\"", p->spec->file, path);
	const char *c1 = strchr(path, ':'), *c2 = strchr(c1 + 1, ':');
	*slice = c1 == path ? xstrdup("system.slice") : xstrndup(path, (size_t)(c1 - path));
	*unit = c2 == c1 + 1 ? xasprintf("%s.scope", c2 + 1) :
			       xasprintf("%.*s-%s.scope", (int)(c2 - c1 - 1), c1 + 1, c2 + 1);
	for (const char *c = *unit; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_.\\@", *c)) {
			nsrun_error_set(err, 0, "the systemd unit name \"%s\" is not valid (container ids "
					"for systemd scopes: letters, digits, \"-_.@\")", *unit);
			free(*slice);
			free(*unit);
			return -1;
		}
	return 0;
}

/* A process that only holds the scope until PID 1 is in it. */
static pid_t spawn_keeper(struct nsrun_error *err)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return nsrun_error_set(err, errno, "fork the scope's keeper");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		for (;;)
			pause();
	}
	return pid;
}

/* The name /proc/devices gives a major number ("pts" for char 136), for
 * systemd's "char-NAME"; NULL when it has none. */
static char *major_name(char type, int64_t major)
{
	FILE *f = fopen("/proc/devices", "re");
	if (!f)
		return NULL;
	char line[256], *found = NULL;
	bool in = false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Character devices:", 18) == 0 || strncmp(line, "Block devices:", 14) == 0) {
			in = (line[0] == 'C') == (type == 'c');
			continue;
		}
		long long n;
		char name[128];
		if (in && sscanf(line, "%lld %127s", &n, name) == 2 && n == major)
			found = xstrdup(name);
	}
	fclose(f);
	return found;
}

/* One rule as DeviceAllow= entries. */
static int append_device(sd_bus_message *m, const struct plan_cgroup_device *d, struct nsrun_error *err)
{
	int r = 0;
	const char *types[2] = { d->type == 'b' ? "block" : "char", d->type == 'a' ? "block" : NULL };
	for (size_t t = 0; t < 2 && types[t] && r >= 0; t++) {
		char node[160];
		if (d->major < 0 || d->type == 'a') {
			snprintf(node, sizeof(node), "%s-*", types[t]);
		} else if (d->minor < 0) {
			_cleanup_free_ char *name = major_name(d->type, d->major);
			if (!name)
				return nsrun_error_set(err, 0, "the systemd cgroup driver: %c %lld:* has no name "
						       "in /proc/devices for DeviceAllow=", d->type, (long long)d->major);
			snprintf(node, sizeof(node), "%s-%s", types[t], name);
		} else {
			snprintf(node, sizeof(node), "/dev/%s/%lld:%lld", types[t], (long long)d->major,
				 (long long)d->minor);
		}
		r = sd.append(m, "(ss)", node, d->access);
	}
	return r < 0 ? nsrun_error_set(err, -r, "build the DeviceAllow= property") : 0;
}

/* DevicePolicy=strict (everything denied) and a DeviceAllow= entry per
 * allow rule after the last "deny all"; a narrower deny rule cannot be said
 * with DeviceAllow= and is an error. */
static int append_devices(sd_bus_message *m, const struct plan_cgroup *pc, struct nsrun_error *err)
{
	const struct plan_cgroup_device *d = pc->devices;
	size_t first = 0;
	for (size_t i = 0; i < pc->n_devices; i++)
		if (!d[i].allow && d[i].type == 'a')
			first = i + 1;
	int r = sd.append(m, "(sv)", "DevicePolicy", "s", "strict");
	r = r < 0 ? r : sd.open_container(m, 'r', "sv");
	r = r < 0 ? r : sd.append(m, "s", "DeviceAllow");
	r = r < 0 ? r : sd.open_container(m, 'v', "a(ss)");
	r = r < 0 ? r : sd.open_container(m, 'a', "(ss)");
	if (r < 0)
		return nsrun_error_set(err, -r, "build the DeviceAllow= property");
	for (size_t i = first; i < pc->n_devices; i++) {
		if (!d[i].allow)
			return nsrun_error_set(err, 0, "the systemd cgroup driver: the device deny rule %c "
					       "%lld:%lld after allow rules cannot be said with DeviceAllow=",
					       d[i].type, (long long)d[i].major, (long long)d[i].minor);
		if (append_device(m, &d[i], err) < 0)
			return -1;
	}
	r = sd.close_container(m);
	r = r < 0 ? r : sd.close_container(m);
	r = r < 0 ? r : sd.close_container(m);
	return r < 0 ? nsrun_error_set(err, -r, "build the DeviceAllow= property") : 0;
}

/* The limits systemd has properties for; they are left out of the files
 * nsrun writes (keep[i] false). */
static int append_limits(sd_bus_message *m, const struct spec_resources *res, bool unified,
			 const struct plan_cgroup *pc, bool *keep, struct nsrun_error *err)
{
	int r = 0;
	if (res->memory.limit.set && res->memory.limit.v > 0)
		r = sd.append(m, "(sv)", unified ? "MemoryMax" : "MemoryLimit", "t", (uint64_t)res->memory.limit.v);
	if (r >= 0 && res->pids.limit.set)
		r = sd.append(m, "(sv)", "TasksMax", "t",
			      res->pids.limit.v > 0 ? (uint64_t)res->pids.limit.v : UINT64_MAX);
	if (r >= 0 && res->cpu.shares.set && res->cpu.shares.v) {
		uint64_t s = res->cpu.shares.v < 2 ? 2 : res->cpu.shares.v > 262144 ? 262144 : res->cpu.shares.v;
		r = unified ? sd.append(m, "(sv)", "CPUWeight", "t", 1 + ((s - 2) * 9999) / 262142)
			    : sd.append(m, "(sv)", "CPUShares", "t", s);
	}
	if (r >= 0 && res->cpu.quota.set && res->cpu.quota.v > 0) {
		uint64_t period = res->cpu.period.set && res->cpu.period.v ? res->cpu.period.v : 100000;
		r = sd.append(m, "(sv)", "CPUQuotaPerSecUSec", "t", (uint64_t)res->cpu.quota.v * 1000000 / period);
		if (r >= 0)
			r = sd.append(m, "(sv)", "CPUQuotaPeriodUSec", "t", period);
	}
	if (r < 0)
		return nsrun_error_set(err, -r, "build the unit's properties");
	static const char *const by_systemd[] = { "/linux/resources/memory/limit", "/linux/resources/pids/limit",
		"/linux/resources/cpu/shares", "/linux/resources/cpu/quota", "/linux/resources/cpu/period" };
	for (size_t i = 0; i < pc->n_writes; i++) {
		keep[i] = true;
		for (size_t k = 0; k < ARRAY_SIZE(by_systemd); k++)
			if (strcmp(pc->writes[i].pointer, by_systemd[k]) == 0)
				keep[i] = false;
	}
	return 0;
}

static int start_scope(sd_bus *bus, const struct plan *p, const char *slice, const char *unit, pid_t keeper,
		       bool *keep, struct nsrun_error *err)
{
	struct statfs sf;
	bool unified = statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
	__attribute__((cleanup(msg_unrefp))) sd_bus_message *m = NULL, *reply = NULL;
	__attribute__((cleanup(error_freep))) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_free_ char *desc = xasprintf("nsrun container %s",
					      p->container_id ? p->container_id : unit);
	int r = sd.new_method_call(bus, &m, SYSD, SYSD_PATH, SYSD_MANAGER, "StartTransientUnit");
	r = r < 0 ? r : sd.append(m, "ss", unit, "fail");
	r = r < 0 ? r : sd.open_container(m, 'a', "(sv)");
	r = r < 0 ? r : sd.append(m, "(sv)", "Description", "s", desc);
	r = r < 0 ? r : sd.append(m, "(sv)", "Slice", "s", slice);
	r = r < 0 ? r : sd.append(m, "(sv)", "Delegate", "b", 1);
	r = r < 0 ? r : sd.append(m, "(sv)", "CollectMode", "s", "inactive-or-failed");
	r = r < 0 ? r : sd.append(m, "(sv)", "PIDs", "au", 1, (uint32_t)keeper);
	if (r < 0)
		return nsrun_error_set(err, -r, "build the StartTransientUnit call");
	if (append_limits(m, &p->spec->linux_.resources, unified, p->cgroup, keep, err) < 0 ||
	    append_devices(m, p->cgroup, err) < 0)
		return -1;
	r = sd.close_container(m);
	r = r < 0 ? r : sd.append(m, "a(sa(sv))", 0);
	if (r < 0)
		return nsrun_error_set(err, -r, "build the StartTransientUnit call");
	r = sd.call(bus, m, 0, &e, &reply);
	if (r < 0)
		return nsrun_error_set(err, -r, "systemd: start the transient scope %s in %s: %s", unit, slice,
				       e.message ? e.message : "failed");
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The scope's job is done (the keeper attached in every hierarchy systemd
 * manages) when the unit is active. */
static int wait_active(sd_bus *bus, const char *unit, struct nsrun_error *err)
{
	char path[512] = "/org/freedesktop/systemd1/unit/";
	size_t len = strlen(path);
	for (const char *c = unit; *c && len + 4 < sizeof(path); c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'))
			path[len++] = *c;
		else
			len += (size_t)snprintf(path + len, sizeof(path) - len, "_%02x", (unsigned char)*c);
	}
	path[len] = 0;
	for (int i = 0; i < 10000; i++) {
		__attribute__((cleanup(error_freep))) sd_bus_error e = SD_BUS_ERROR_NULL;
		_cleanup_free_ char *state = NULL;
		int r = sd.get_property_string(bus, SYSD, path, "org.freedesktop.systemd1.Unit", "ActiveState",
					       &e, &state);
		if (r < 0)
			return nsrun_error_set(err, -r, "systemd: the state of %s: %s", unit,
					       e.message ? e.message : "failed");
		if (strcmp(state, "active") == 0)
			return 0;
		/* inactive: the job has not run yet */
		if (strcmp(state, "failed") == 0 || strcmp(state, "deactivating") == 0)
			return nsrun_error_set(err, 0, "systemd: %s is %s", unit, state);
		sleep_ms(1);
	}
	return nsrun_error_set(err, ETIMEDOUT, "systemd: %s did not become active", unit);
}

int cgroup_create_systemd(const struct plan *p, int proc_fd, struct cgroup_handle **out,
			  struct nsrun_error *err)
{
	_cleanup_free_ char *slice = NULL, *unit = NULL;
	if (unit_names(p, &slice, &unit, err) < 0)
		return -1;
	__attribute__((cleanup(bus_closep))) sd_bus *bus = NULL;
	if (connect_systemd(&bus, err) < 0)
		return -1;
	pid_t keeper = spawn_keeper(err);
	if (keeper < 0)
		return -1;
	_cleanup_free_ bool *keep = xcalloc(p->cgroup->n_writes + 1, sizeof(bool));
	int r = start_scope(bus, p, slice, unit, keeper, keep, err);
	if (r == 0)
		r = wait_active(bus, unit, err);
	if (r == 0) {
		struct plan_cgroup files = *p->cgroup;
		files.writes = xcalloc(p->cgroup->n_writes + 1, sizeof(*files.writes));
		files.n_writes = 0;
		for (size_t i = 0; i < p->cgroup->n_writes; i++)
			if (keep[i])
				files.writes[files.n_writes++] = p->cgroup->writes[i];
		r = cgroup_adopt(p, &files, keeper, unit, proc_fd, out, err);
		free(files.writes);
		if (r == 0)
			return 0; /* the handle owns the keeper now */
	}
	kill(keeper, SIGKILL);
	waitpid(keeper, NULL, 0);
	struct nsrun_error ignored = { 0 };
	cgroup_systemd_stop(unit, &ignored);
	return nsrun_error_prefix(err, "%s: ", unit);
}

int cgroup_systemd_stop(const char *unit, struct nsrun_error *err)
{
	__attribute__((cleanup(bus_closep))) sd_bus *bus = NULL;
	if (connect_systemd(&bus, err) < 0)
		return -1;
	__attribute__((cleanup(msg_unrefp))) sd_bus_message *m = NULL, *reply = NULL;
	__attribute__((cleanup(error_freep))) sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = sd.new_method_call(bus, &m, SYSD, SYSD_PATH, SYSD_MANAGER, "StopUnit");
	r = r < 0 ? r : sd.append(m, "ss", unit, "replace");
	if (r < 0)
		return nsrun_error_set(err, -r, "build the StopUnit call");
	r = sd.call(bus, m, 0, &e, &reply);
	if (r < 0 && !sd.error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
		return nsrun_error_set(err, -r, "systemd: stop %s: %s", unit, e.message ? e.message : "failed");
	return 0;
}

/* A setting's value as a property: "max" is infinity. */
static uint64_t write_value(const struct plan_cgroup_write *w, bool unified)
{
	const char *v = unified && w->v2.value ? w->v2.value : w->v1.value ? w->v1.value : w->v2.value;
	if (!v || strncmp(v, "max", 3) == 0 || strncmp(v, "-1", 2) == 0)
		return UINT64_MAX;
	return strtoull(v, NULL, 10);
}

/* The unit's CPUQuotaPeriodUSec in microseconds; systemd's default (its
 * "infinity") and any failure give the kernel's 100 ms. */
static uint64_t unit_quota_period(sd_bus *bus, const char *unit)
{
	_cleanup_free_ char *path = NULL;
	/* the object path of a unit: its name with bytes other than
	 * [A-Za-z0-9] as _XX */
	size_t n = strlen(unit);
	path = xmalloc(sizeof("/org/freedesktop/systemd1/unit/") + 3 * n);
	char *o = path + sprintf(path, "/org/freedesktop/systemd1/unit/");
	for (const char *u = unit; *u; u++)
		o += (*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || (*u >= '0' && *u <= '9')
			     ? sprintf(o, "%c", *u) : sprintf(o, "_%02x", (unsigned char)*u);
	__attribute__((cleanup(error_freep))) sd_bus_error e = SD_BUS_ERROR_NULL;
	uint64_t v = UINT64_MAX;
	if (sd.get_property_trivial(bus, SYSD, path, "org.freedesktop.systemd1.Scope",
				    "CPUQuotaPeriodUSec", &e, 't', &v) < 0 || v == UINT64_MAX || v == 0)
		return 100000;
	return v;
}

/* cpu quota/period as CPUQuotaPerSecUSec= (and CPUQuotaPeriodUSec=): the
 * quota is per period, so a new quota alone is counted in the unit's
 * current period; a quota of -1 is no limit.  A new period alone keeps
 * what systemd keeps, the share of each second. */
static int append_update_quota(sd_bus *bus, sd_bus_message *m, const char *unit,
			       const struct plan_cgroup *pc, bool *keep)
{
	const char *quota = NULL, *period = NULL;
	for (size_t i = 0; i < pc->n_writes; i++) {
		if (strcmp(pc->writes[i].pointer, "/linux/resources/cpu/quota") == 0)
			quota = pc->writes[i].v1.value;
		else if (strcmp(pc->writes[i].pointer, "/linux/resources/cpu/period") == 0)
			period = pc->writes[i].v1.value;
		else
			continue;
		keep[i] = false;
	}
	uint64_t per = period ? strtoull(period, NULL, 10) : 0;
	int r = 0;
	if (per)
		r = sd.append(m, "(sv)", "CPUQuotaPeriodUSec", "t", per);
	if (r >= 0 && quota) {
		long long q = strtoll(quota, NULL, 10);
		if (!per)
			per = unit_quota_period(bus, unit);
		r = sd.append(m, "(sv)", "CPUQuotaPerSecUSec", "t",
			      q < 0 ? UINT64_MAX : (uint64_t)q * 1000000 / per);
	}
	return r;
}

int cgroup_systemd_update(const char *unit, const struct plan_cgroup *pc, bool *keep, struct nsrun_error *err)
{
	static const struct { const char *pointer, *v1, *v2; } props[] = {
		{ "/linux/resources/memory/limit", "MemoryLimit", "MemoryMax" },
		{ "/linux/resources/pids/limit", "TasksMax", "TasksMax" },
		{ "/linux/resources/cpu/shares", "CPUShares", "CPUWeight" },
	};
	struct statfs sf;
	bool unified = statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
	__attribute__((cleanup(bus_closep))) sd_bus *bus = NULL;
	if (connect_systemd(&bus, err) < 0)
		return -1;
	__attribute__((cleanup(msg_unrefp))) sd_bus_message *m = NULL, *reply = NULL;
	__attribute__((cleanup(error_freep))) sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = sd.new_method_call(bus, &m, SYSD, SYSD_PATH, SYSD_MANAGER, "SetUnitProperties");
	r = r < 0 ? r : sd.append(m, "sb", unit, 1);
	r = r < 0 ? r : sd.open_container(m, 'a', "(sv)");
	for (size_t i = 0; r >= 0 && i < pc->n_writes; i++) {
		keep[i] = true;
		for (size_t k = 0; k < ARRAY_SIZE(props) && keep[i]; k++)
			if (strcmp(pc->writes[i].pointer, props[k].pointer) == 0) {
				keep[i] = false;
				r = sd.append(m, "(sv)", unified ? props[k].v2 : props[k].v1, "t",
					      write_value(&pc->writes[i], unified));
			}
	}
	r = r < 0 ? r : append_update_quota(bus, m, unit, pc, keep);
	r = r < 0 ? r : sd.close_container(m);
	if (r < 0)
		return nsrun_error_set(err, -r, "build the SetUnitProperties call");
	r = sd.call(bus, m, 0, &e, &reply);
	if (r < 0)
		return nsrun_error_set(err, -r, "systemd: set the properties of %s: %s", unit,
				       e.message ? e.message : "failed");
	return 0;
}
