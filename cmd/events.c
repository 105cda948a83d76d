/* `nsrun events [--stats] [--interval SECS] ID`: the container's cgroup
 * statistics as runc prints them, one JSON object a line:
 *   {"type":"stats","id":"ID","data":{"cpu":{...},"memory":{...},"pids":{...},...}}
 * --stats prints one and exits; otherwise one every interval (default 5 s)
 * and {"type":"oom","id":"ID"} when the memory controller killed a process,
 * until the container stops. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "cgroups.h"
#include "commands.h"
#include "json.h"
#include "state.h"

static const char events_usage[] =
	"Usage: nsrun [GLOBAL OPTIONS] events [--stats] [--interval SECS] ID\n"
	"\n"
	"Print container ID's cgroup statistics as JSON lines, in runc's form\n"
	"({\"type\":\"stats\",\"id\":ID,\"data\":{\"cpu\":...,\"memory\":...,\"pids\":...}}),\n"
	"and {\"type\":\"oom\"} events, until the container stops.\n"
	"  --stats              print the statistics once and exit\n"
	"  --interval SECS      seconds between two statistics (default 5)\n";

static int parse_interval(const char *v, double *out)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	/* runc takes Go durations ("5s"); a bare number means seconds */
	if (end != v && (strcmp(end, "s") == 0 || !*end) && !errno && d > 0 && d <= 86400) {
		*out = d;
		return 0;
	}
	cmd_error("--interval: expected seconds from 0 to 86400 (\"5\" or \"5s\"), got \"%s\"", v);
	return -1;
}

/* One statistics event; returns the OOM kill count through *oom. */
static void print_stats(struct cgroup_handle *cg, const char *id, unsigned long long *oom)
{
	fputs("{\"type\":\"stats\",\"id\":", stdout);
	json_write_string(stdout, id);
	fputs(",\"data\":", stdout);
	cgroup_stats_json(cg, stdout, oom);
	fputs("}\n", stdout);
	fflush(stdout);
}

/* Open the container's state and cgroup; prints the error. */
static int open_container(const char *id, struct container_state *st, struct cgroup_handle **cg)
{
	struct nsrun_error err = { 0 };
	int dirfd;
	if (state_open_dir(oci_global.root, id, &dirfd, &err) < 0 || state_read(dirfd, st, &err) < 0) {
		cmd_error("%s", err.msg);
		return -1;
	}
	close(dirfd); /* the lock is not held while events runs */
	if (st->status == STATUS_STOPPED) {
		cmd_error("container \"%s\" is not running", id);
		return -1;
	}
	if (!st->cgroup) {
		cmd_error("container \"%s\" has no cgroup: no statistics", id);
		return -1;
	}
	if (cgroup_state_from_string(st->cgroup, cg, &err) < 0) {
		cmd_error("container \"%s\": %s", id, err.msg);
		return -1;
	}
	return 0;
}

int cmd_events(int argc, char **argv)
{
	if (cmd_wants_help(argc, argv)) {
		fputs(events_usage, stdout);
		return 0;
	}
	bool once = false;
	double interval = 5;
	const char *id = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--stats") == 0)
			once = true;
		else if (strcmp(a, "--interval") == 0 && i + 1 < argc) {
			if (parse_interval(argv[++i], &interval) < 0)
				return NSRUN_EXIT_FAILURE;
		} else if (strncmp(a, "--interval=", 11) == 0) {
			if (parse_interval(a + 11, &interval) < 0)
				return NSRUN_EXIT_FAILURE;
		} else if (a[0] != '-' && !id)
			id = a;
		else {
			fputs(events_usage, stderr);
			return NSRUN_EXIT_FAILURE;
		}
	}
	if (!id) {
		fputs(events_usage, stderr);
		return NSRUN_EXIT_FAILURE;
	}
	struct container_state st = { 0 };
	struct cgroup_handle *cg = NULL;
	int status = NSRUN_EXIT_FAILURE;
	if (open_container(id, &st, &cg) < 0)
		goto out;
	unsigned long long oom = 0, last_oom;
	print_stats(cg, id, &oom);
	status = 0;
	while (!once) {
		struct timespec ts = { (time_t)interval, (long)((interval - (double)(time_t)interval) * 1e9) };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		if (!state_process_alive(st.pid, st.starttime))
			break;
		last_oom = oom;
		print_stats(cg, id, &oom);
		if (oom > last_oom) {
			fputs("{\"type\":\"oom\",\"id\":", stdout);
			json_write_string(stdout, id);
			fputs("}\n", stdout);
			fflush(stdout);
		}
	}
out:
	if (cg)
		cgroup_handle_free(cg);
	state_free(&st);
	return status;
}
