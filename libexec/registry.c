/* The machine registry: see registry.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "json.h"
#include "registry.h"
#include "state.h"

char *registry_dir(const char *state_root, struct nsrun_error *err)
{
	char *dir = xasprintf("%s/.machines", state_root);
	if (mkdir(state_root, 0711) < 0 && errno != EEXIST) {
		nsrun_error_set(err, errno, "make %s", state_root);
		free(dir);
		return NULL;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		nsrun_error_set(err, errno, "make %s", dir);
		free(dir);
		return NULL;
	}
	return dir;
}

char *registry_now(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

static void write_str(FILE *f, const char *key, const char *v, bool comma)
{
	fprintf(f, "\t\"%s\": ", key);
	if (v)
		json_write_string(f, v);
	else
		fputs("null", f);
	fputs(comma ? ",\n" : "\n", f);
}

/* Write FILE atomically (a temporary file renamed over it). */
static int write_record(const char *dir, const struct machine_record *r, bool noreplace,
			struct nsrun_error *err)
{
	_cleanup_free_ char *tmp = xasprintf("%s/.%s.%d.tmp", dir, r->name, (int)getpid());
	_cleanup_free_ char *path = xasprintf("%s/%s.json", dir, r->name);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return nsrun_error_set(err, errno, "write %s", tmp);
	fputs("{\n", f);
	write_str(f, "name", r->name, true);
	write_str(f, "kind", r->kind, true);
	write_str(f, "root", r->root, true);
	write_str(f, "since", r->since, true);
	write_str(f, "cgroup", r->cgroup, true);
	fprintf(f, "\t\"supervisor\": %d,\n\t\"supervisorStart\": %llu,\n", (int)r->supervisor,
		r->supervisor_start);
	fprintf(f, "\t\"leader\": %d,\n\t\"leaderStart\": %llu,\n", (int)r->leader, r->leader_start);
	fprintf(f, "\t\"background\": %s,\n\t\"ready\": %s,\n\t\"ports\": [", r->background ? "true" : "false",
		r->ready ? "true" : "false");
	for (size_t i = 0; i < r->n_ports; i++) {
		fputs(i ? ", " : "", f);
		json_write_string(f, r->ports[i]);
	}
	fputs("]\n}\n", f);
	if (fclose(f) != 0) {
		unlink(tmp);
		return nsrun_error_set(err, errno, "write %s", tmp);
	}
	/* An update swaps the new record in (RENAME_EXCHANGE) and removes the
	 * old one: on ext4 (a /run that is not a tmpfs) replacing a file by
	 * rename(2) writes the new one's blocks out first, ~1 ms per start. */
	int rc = noreplace ? renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE)
			   : renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE);
	if (rc < 0 && !noreplace && errno == ENOENT)
		rc = rename(tmp, path);
	else if (rc == 0 && !noreplace)
		unlink(tmp);
	if (rc < 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return nsrun_error_set(err, e, "register %s", path);
	}
	return 0;
}

static char *member_str(const struct json_node *root, const char *key)
{
	struct json_member *m = json_object_member(root, key);
	return m && m->value->type == JSON_STRING ? xstrdup(m->value->text) : NULL;
}

static unsigned long long member_num(const struct json_node *root, const char *key)
{
	struct json_member *m = json_object_member(root, key);
	return m && m->value->type == JSON_NUMBER ? strtoull(m->value->text, NULL, 10) : 0;
}

static bool member_bool(const struct json_node *root, const char *key)
{
	struct json_member *m = json_object_member(root, key);
	return m && m->value->type == JSON_BOOL && m->value->boolean;
}

static bool record_alive(const struct machine_record *r)
{
	return r->supervisor > 0 && state_process_alive(r->supervisor, r->supervisor_start);
}

static void remove_files(const char *dir, const char *name)
{
	_cleanup_free_ char *rec = xasprintf("%s/%s.json", dir, name);
	_cleanup_free_ char *spec = xasprintf("%s/%s.spec.json", dir, name);
	unlink(spec);
	unlink(rec);
}

/* Parse a record file: 0, or -1 when it is missing (ENOENT) or garbage
 * (records are written whole and renamed into place: one that does not
 * parse is nobody's). */
static int parse_record(const char *path, const char *name, struct machine_record *r,
			struct nsrun_error *err)
{
	memset(r, 0, sizeof(*r));
	_cleanup_json_ struct json_node *root = NULL;
	if (access(path, F_OK) < 0)
		return nsrun_error_set(err, ENOENT, "no machine \"%s\" is running", name);
	if (json_parse_file(path, &root, err) < 0)
		return nsrun_error_set(err, EINVAL, "no machine \"%s\" is running", name);
	r->name = member_str(root, "name");
	r->kind = member_str(root, "kind");
	r->root = member_str(root, "root");
	r->since = member_str(root, "since");
	r->cgroup = member_str(root, "cgroup");
	r->supervisor = (pid_t)member_num(root, "supervisor");
	r->supervisor_start = member_num(root, "supervisorStart");
	r->leader = (pid_t)member_num(root, "leader");
	r->leader_start = member_num(root, "leaderStart");
	r->background = member_bool(root, "background");
	r->ready = member_bool(root, "ready");
	struct json_member *ports = json_object_member(root, "ports");
	for (size_t i = 0; ports && ports->value->type == JSON_ARRAY && i < ports->value->count; i++) {
		const struct json_node *p = ports->value->items[i];
		if (p->type != JSON_STRING)
			continue;
		r->ports = xrealloc(r->ports, (r->n_ports + 1) * sizeof(*r->ports));
		r->ports[r->n_ports++] = xstrdup(p->text);
	}
	if (!r->name)
		r->name = xstrdup(name);
	return 0;
}

/* Remove NAME's record if it is (still) stale.  Two nsruns may find the
 * same dead record at once: the sweep looks again under an exclusive lock
 * on the directory, so the slower one never removes the fresh record the
 * faster one wrote in between. */
static void sweep_record(const char *dir, const char *name)
{
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || flock(dfd, LOCK_EX) < 0)
		return;
	_cleanup_free_ char *path = xasprintf("%s/%s.json", dir, name);
	struct machine_record again;
	struct nsrun_error e = { 0 };
	int r = parse_record(path, name, &again, &e);
	if ((r < 0 && e.errnum != ENOENT) || (r == 0 && !record_alive(&again)))
		remove_files(dir, name);
	if (r == 0)
		registry_record_free(&again);
}

/* Read a record file; sweeps it when its nsrun is gone. */
static int read_in(const char *dir, const char *name, struct machine_record *r, struct nsrun_error *err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s.json", dir, name);
	if (parse_record(path, name, r, err) < 0) {
		if (err->errnum != ENOENT)
			sweep_record(dir, name);
		err->errnum = ENOENT;
		return -1;
	}
	if (!record_alive(r)) {
		sweep_record(dir, name);
		registry_record_free(r);
		return nsrun_error_set(err, ENOENT, "no machine \"%s\" is running", name);
	}
	return 0;
}

int registry_read(const char *state_root, const char *name, struct machine_record *r,
		  struct nsrun_error *err)
{
	/* names come from the command line: never a path */
	if (!*name || name[0] == '.' || strchr(name, '/') || strlen(name) > 64) {
		memset(r, 0, sizeof(*r));
		return nsrun_error_set(err, ENOENT, "no machine \"%s\" is running", name);
	}
	_cleanup_free_ char *dir = xasprintf("%s/.machines", state_root);
	return read_in(dir, name, r, err);
}

int registry_claim(const char *state_root, struct machine_record *r, bool exact, const char *spec_text,
		   struct nsrun_error *err)
{
	_cleanup_free_ char *dir = registry_dir(state_root, err);
	if (!dir)
		return -1;
	_cleanup_free_ char *base = xstrdup(r->name);
	bool claimed = false;
	for (unsigned k = 1, tries = 0; !claimed && k < 1000 && tries < 2000; k++, tries++) {
		if (k > 1) {
			free(r->name);
			r->name = xasprintf("%.60s-%u", base, k);
		}
		if (write_record(dir, r, true, err) == 0) {
			claimed = true;
			break;
		}
		if (err->errnum != EEXIST)
			return -1;
		struct machine_record old;
		struct nsrun_error e2 = { 0 };
		if (read_in(dir, r->name, &old, &e2) < 0) {  /* stale: swept, try again */
			k--;
			continue;
		}
		registry_record_free(&old);
		if (exact) {
			nsrun_error_set(err, 0, "a machine named \"%s\" is running already (see nsrun "
					"list)", r->name);
			err->errnum = EEXIST;
			return -1;
		}
	}
	if (!claimed)
		return nsrun_error_set(err, 0, "no free name like \"%s\" in %s", base, dir);
	if (spec_text) {
		_cleanup_free_ char *sp = xasprintf("%s/%s.spec.json", dir, r->name);
		_cleanup_close_ int fd = open(sp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		size_t len = strlen(spec_text);
		if (fd < 0 || write(fd, spec_text, len) != (ssize_t)len) {
			nsrun_error_set(err, errno, "write %s", sp);
			remove_files(dir, r->name);
			return -1;
		}
	}
	return 0;
}

int registry_update(const char *state_root, const struct machine_record *r, struct nsrun_error *err)
{
	_cleanup_free_ char *dir = xasprintf("%s/.machines", state_root);
	return write_record(dir, r, false, err);
}

void registry_release(const char *state_root, const char *name)
{
	_cleanup_free_ char *dir = xasprintf("%s/.machines", state_root);
	remove_files(dir, name);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct machine_record *)a)->name, ((const struct machine_record *)b)->name);
}

/* A ".NAME.PID.tmp" whose writer was killed before it renamed it in
 * (a SIGKILLed nsrun): gone with its writer. */
static void sweep_tmp(DIR *d, const char *name)
{
	size_t len = strlen(name);
	if (len < 7 || strcmp(name + len - 4, ".tmp"))
		return;
	const char *dot = name + len - 5;
	while (dot > name && *dot != '.')
		dot--;
	char *end;
	long pid = strtol(dot + 1, &end, 10);
	if (dot == name || pid <= 0 || end != name + len - 4)
		return;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		unlinkat(dirfd(d), name, 0);
}

int registry_list(const char *state_root, struct machine_record **out, size_t *n)
{
	_cleanup_free_ char *dir = xasprintf("%s/.machines", state_root);
	_cleanup_closedir_ DIR *d = opendir(dir);
	*out = NULL;
	*n = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.') {
			sweep_tmp(d, e->d_name);
			continue;
		}
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") ||
		    (len > 10 && strcmp(e->d_name + len - 10, ".spec.json") == 0))
			continue;
		_cleanup_free_ char *name = xstrndup(e->d_name, len - 5);
		struct machine_record r;
		struct nsrun_error err = { 0 };
		if (read_in(dir, name, &r, &err) < 0)
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = r;
	}
	if (*n)
		qsort(*out, *n, sizeof(**out), by_name);
	return 0;
}

void registry_record_free(struct machine_record *r)
{
	free(r->name);
	free(r->kind);
	free(r->root);
	free(r->since);
	free(r->cgroup);
	for (size_t i = 0; i < r->n_ports; i++)
		free(r->ports[i]);
	free(r->ports);
	memset(r, 0, sizeof(*r));
}

const char *registry_state(const struct machine_record *r)
{
	if (!r->leader)
		return "starting";
	if (!state_process_alive(r->leader, r->leader_start))
		return "stopping";
	return "running";
}
