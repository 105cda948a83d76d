/* `nsrun events [--stats] [--interval SECS] ID`: the container's cgroup
 * statistics as runc prints them, one JSON object a line:
 *   {"type":"stats","id":"ID","data":{"cpu":{...},"memory":{...},"pids":{...},...}}
 * --stats prints one and exits; otherwise one every interval (default 5 s)
 * and {"type":"oom","id":"ID"} when the memory controller killed a process,
 * until the container stops. */
#include <errno.h>
#include <time.h>

#include "cgroups.h"
#include "commands.h"
#include "json.h"
#include "state.h"

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

const char cmd_events_help[] =
	"Print container ID's cgroup statistics as JSON lines, in runc's form\n"
	"({\"type\":\"stats\",\"id\":ID,\"data\":{\"cpu\":...,\"memory\":...,\"pids\":...}}),\n"
	"and {\"type\":\"oom\"} events, until the container stops.\n"
	"  --stats              print the statistics once and exit\n"
	"  --interval SECS      seconds between two statistics (default 5)\n";

int cmd_events(const struct verb_args *a)
{
	const char *id = a->operands[0];
	bool once = a->stats;
	double interval = a->interval > 0 ? a->interval : 5;
	struct container_state st;
	struct cgroup_handle *cg = NULL;
	int status = NSRUN_EXIT_FAILURE;
	if (cmd_container_cgroup(id, &st, &cg) < 0)
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
