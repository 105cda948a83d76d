/* The container's cgroup statistics in the JSON form of runc's `events`
 * (containerd and monitoring tools read it): the "data" object of a
 * {"type":"stats"} event.  Each controller is read where the host has it,
 * v1 or v2; a controller the host lacks is left out.  Field names follow
 * runc's libcontainer/types (cpu.usage.total in ns, memory.usage.limit in
 * bytes, pids.current, blkio.ioServiceBytesRecursive, hugetlb by size). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups.h"
#include "json.h"

/* One number ("max" counts as 0, as runc reports no limit for pids). */
static bool read_u64(int dirfd, const char *file, unsigned long long *v)
{
	_cleanup_free_ char *s = cgroup_read_file(dirfd, file);
	if (!s)
		return false;
	*v = strncmp(s, "max", 3) == 0 ? 0 : strtoull(s, NULL, 10);
	return true;
}

/* "key value" lines (memory.stat, cpu.stat, cpuacct.stat). */
static bool keyed(const char *text, const char *key, unsigned long long *v)
{
	size_t len = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, key, len) == 0 && l[len] == ' ') {
			*v = strtoull(l + len + 1, NULL, 10);
			return true;
		}
	return false;
}

static void cpu_stats(struct cgroup_handle *h, FILE *out, bool *first)
{
	bool v2;
	int fd = cgroup_controller_dir(h, "cpuacct", &v2);
	if (fd < 0)
		fd = cgroup_controller_dir(h, "cpu", &v2);
	_cleanup_free_ char *stat = fd >= 0 ? cgroup_read_file(fd, v2 ? "cpu.stat" : "cpuacct.stat") : NULL;
	if (!stat)
		return;
	unsigned long long total = 0, user = 0, kernel = 0;
	fprintf(out, "%s\"cpu\":{\"usage\":{", *first ? "" : ",");
	*first = false;
	if (v2) {
		keyed(stat, "usage_usec", &total);
		keyed(stat, "user_usec", &user);
		keyed(stat, "system_usec", &kernel);
		total *= 1000, user *= 1000, kernel *= 1000;
	} else {
		long hz = sysconf(_SC_CLK_TCK);
		keyed(stat, "user", &user);
		keyed(stat, "system", &kernel);
		user *= 1000000000ULL / (unsigned long long)(hz > 0 ? hz : 100);
		kernel *= 1000000000ULL / (unsigned long long)(hz > 0 ? hz : 100);
		read_u64(fd, "cpuacct.usage", &total);
		_cleanup_free_ char *percpu = cgroup_read_file(fd, "cpuacct.usage_percpu");
		if (percpu) {
			fputs("\"percpu\":[", out);
			char *p = percpu, *end;
			for (bool f = true;; f = false) {
				unsigned long long n = strtoull(p, &end, 10);
				if (end == p)
					break;
				fprintf(out, "%s%llu", f ? "" : ",", n);
				p = end;
			}
			fputs("],", out);
		}
	}
	fprintf(out, "\"total\":%llu,\"kernel\":%llu,\"user\":%llu}", total, kernel, user);
	bool cv2;
	int cfd = cgroup_controller_dir(h, "cpu", &cv2);
	_cleanup_free_ char *cstat = cfd >= 0 ? cgroup_read_file(cfd, "cpu.stat") : NULL;
	unsigned long long periods = 0, throttled = 0, ttime = 0;
	if (cstat) {
		keyed(cstat, "nr_periods", &periods);
		keyed(cstat, "nr_throttled", &throttled);
		if (keyed(cstat, "throttled_usec", &ttime))
			ttime *= 1000;
		else
			keyed(cstat, "throttled_time", &ttime);
	}
	fprintf(out, ",\"throttling\":{\"periods\":%llu,\"throttledPeriods\":%llu,\"throttledTime\":%llu}}",
		periods, throttled, ttime);
}

static void memory_entry(FILE *out, const char *name, int fd, const char *usage, const char *limit,
			 const char *max, const char *failcnt)
{
	unsigned long long u = 0, l = 0, m = 0, f = 0;
	if (!read_u64(fd, usage, &u))
		return;
	read_u64(fd, limit, &l);
	if (max)
		read_u64(fd, max, &m);
	if (failcnt)
		read_u64(fd, failcnt, &f);
	fprintf(out, ",\"%s\":{\"limit\":%llu,\"usage\":%llu,\"max\":%llu,\"failcnt\":%llu}", name,
		l ? l : (unsigned long long)INT64_MAX, u, m, f);
}

static void memory_stats(struct cgroup_handle *h, FILE *out, bool *first, unsigned long long *oom)
{
	bool v2;
	int fd = cgroup_controller_dir(h, "memory", &v2);
	_cleanup_free_ char *stat = fd >= 0 ? cgroup_read_file(fd, "memory.stat") : NULL;
	if (!stat)
		return;
	unsigned long long cache = 0;
	if (!keyed(stat, v2 ? "file" : "total_cache", &cache))
		keyed(stat, "cache", &cache);
	fprintf(out, "%s\"memory\":{\"cache\":%llu", *first ? "" : ",", cache);
	*first = false;
	if (v2) {
		memory_entry(out, "usage", fd, "memory.current", "memory.max", "memory.peak", NULL);
		memory_entry(out, "swap", fd, "memory.swap.current", "memory.swap.max", "memory.swap.peak", NULL);
		_cleanup_free_ char *events = cgroup_read_file(fd, "memory.events");
		if (events)
			keyed(events, "oom_kill", oom);
	} else {
		memory_entry(out, "usage", fd, "memory.usage_in_bytes", "memory.limit_in_bytes",
			     "memory.max_usage_in_bytes", "memory.failcnt");
		memory_entry(out, "swap", fd, "memory.memsw.usage_in_bytes", "memory.memsw.limit_in_bytes",
			     "memory.memsw.max_usage_in_bytes", "memory.memsw.failcnt");
		memory_entry(out, "kernel", fd, "memory.kmem.usage_in_bytes", "memory.kmem.limit_in_bytes",
			     "memory.kmem.max_usage_in_bytes", "memory.kmem.failcnt");
		_cleanup_free_ char *ctl = cgroup_read_file(fd, "memory.oom_control");
		if (ctl)
			keyed(ctl, "oom_kill", oom);
	}
	fputs(",\"raw\":{", out);
	bool f = true;
	for (char *l = stat; *l;) {
		char *nl = strchr(l, '\n');
		if (nl)
			*nl = 0;
		char *sp = strchr(l, ' ');
		if (sp && sp > l) {
			*sp = 0;
			fputs(f ? "" : ",", out);
			json_write_string(out, l);
			fprintf(out, ":%llu", strtoull(sp + 1, NULL, 10));
			f = false;
		}
		if (!nl)
			break;
		l = nl + 1;
	}
	fputs("}}", out);
}

static void pids_stats(struct cgroup_handle *h, FILE *out, bool *first)
{
	bool v2;
	int fd = cgroup_controller_dir(h, "pids", &v2);
	unsigned long long cur = 0, lim = 0;
	if (fd < 0 || !read_u64(fd, "pids.current", &cur))
		return;
	read_u64(fd, "pids.max", &lim);
	fprintf(out, "%s\"pids\":{\"current\":%llu,\"limit\":%llu}", *first ? "" : ",", cur, lim);
	*first = false;
}

/* v1 "MAJ:MIN Op Value" lines as runc's blkio entries. */
static void blkio_v1(FILE *out, int fd, const char *file, const char *name, bool *f)
{
	_cleanup_free_ char *s = cgroup_read_file(fd, file);
	if (!s)
		return;
	fprintf(out, "%s\"%s\":[", *f ? "" : ",", name);
	*f = false;
	bool first = true;
	for (char *l = strtok(s, "\n"); l; l = strtok(NULL, "\n")) {
		unsigned maj, min;
		char op[32];
		unsigned long long v;
		if (sscanf(l, "%u:%u %31s %llu", &maj, &min, op, &v) != 4)
			continue;
		fprintf(out, "%s{\"major\":%u,\"minor\":%u,\"op\":\"%s\",\"value\":%llu}", first ? "" : ",",
			maj, min, op, v);
		first = false;
	}
	fputc(']', out);
}

/* v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N ..." */
static void blkio_v2(FILE *out, int fd, bool *f)
{
	_cleanup_free_ char *s = cgroup_read_file(fd, "io.stat");
	if (!s)
		return;
	static const struct { const char *key, *list, *op; } map[] = {
		{ "rbytes", "ioServiceBytesRecursive", "Read" }, { "wbytes", "ioServiceBytesRecursive", "Write" },
		{ "rios", "ioServicedRecursive", "Read" }, { "wios", "ioServicedRecursive", "Write" },
	};
	for (size_t list = 0; list < 2; list++) {
		fprintf(out, "%s\"%s\":[", *f ? "" : ",", map[list * 2].list);
		*f = false;
		bool first = true;
		for (char *l = s; *l;) {
			unsigned maj, min;
			if (sscanf(l, "%u:%u", &maj, &min) == 2)
				for (size_t k = list * 2; k < list * 2 + 2; k++) {
					char key[32];
					snprintf(key, sizeof(key), " %s=", map[k].key);
					char *nl = strchr(l, '\n'), *at = strstr(l, key);
					if (!at || (nl && at > nl))
						continue;
					fprintf(out, "%s{\"major\":%u,\"minor\":%u,\"op\":\"%s\",\"value\":%llu}",
						first ? "" : ",", maj, min, map[k].op,
						strtoull(at + strlen(key), NULL, 10));
					first = false;
				}
			char *nl = strchr(l, '\n');
			if (!nl)
				break;
			l = nl + 1;
		}
		fputc(']', out);
	}
}

static void blkio_stats(struct cgroup_handle *h, FILE *out, bool *first)
{
	bool v2;
	int fd = cgroup_controller_dir(h, "blkio", &v2);
	if (fd < 0)
		fd = cgroup_controller_dir(h, "io", &v2);
	if (fd < 0)
		return;
	fprintf(out, "%s\"blkio\":{", *first ? "" : ",");
	*first = false;
	bool f = true;
	if (v2) {
		blkio_v2(out, fd, &f);
	} else {
		blkio_v1(out, fd, "blkio.throttle.io_service_bytes_recursive", "ioServiceBytesRecursive", &f);
		blkio_v1(out, fd, "blkio.throttle.io_serviced_recursive", "ioServicedRecursive", &f);
	}
	fputc('}', out);
}

/* hugetlb.2MB.usage_in_bytes (v1) or hugetlb.2MB.current (v2), per size. */
static void hugetlb_stats(struct cgroup_handle *h, FILE *out, bool *first)
{
	bool v2;
	int fd = cgroup_controller_dir(h, "hugetlb", &v2);
	if (fd < 0)
		return;
	_cleanup_close_ int dup = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
	if (!d)
		return;
	dup = -1;
	const char *suffix = v2 ? ".current" : ".usage_in_bytes";
	bool f = true;
	struct dirent *e;
	while ((e = readdir(d))) {
		char size[32];
		size_t len = strlen(e->d_name), slen = strlen(suffix);
		if (strncmp(e->d_name, "hugetlb.", 8) || len <= 8 + slen || strcmp(e->d_name + len - slen, suffix) ||
		    len - 8 - slen >= sizeof(size))
			continue;
		memcpy(size, e->d_name + 8, len - 8 - slen);
		size[len - 8 - slen] = 0;
		if (strchr(size, '.'))
			continue; /* hugetlb.2MB.rsvd.current */
		char file[96];
		unsigned long long usage = 0, max = 0, failcnt = 0;
		snprintf(file, sizeof(file), "hugetlb.%s%s", size, suffix);
		read_u64(fd, file, &usage);
		/* "max" is the highest usage, which v2 does not keep (runc leaves 0);
		 * hugetlb.SIZE.max there is the limit */
		snprintf(file, sizeof(file), "hugetlb.%s.max_usage_in_bytes", size);
		if (!v2)
			read_u64(fd, file, &max);
		if (v2) {
			snprintf(file, sizeof(file), "hugetlb.%s.events", size);
			_cleanup_free_ char *ev = cgroup_read_file(fd, file);
			if (ev)
				keyed(ev, "max", &failcnt);
		} else {
			snprintf(file, sizeof(file), "hugetlb.%s.failcnt", size);
			read_u64(fd, file, &failcnt);
		}
		fprintf(out, "%s%s\"%s\":{\"usage\":%llu,\"max\":%llu,\"failcnt\":%llu}",
			f ? (*first ? "\"hugetlb\":{" : ",\"hugetlb\":{") : ",", "", size, usage, max, failcnt);
		f = false;
		*first = false;
	}
	closedir(d);
	if (!f)
		fputc('}', out);
}

void cgroup_stats_json(struct cgroup_handle *h, FILE *out, unsigned long long *oom_kills)
{
	bool first = true;
	*oom_kills = 0;
	fputc('{', out);
	cpu_stats(h, out, &first);
	memory_stats(h, out, &first, oom_kills);
	pids_stats(h, out, &first);
	blkio_stats(h, out, &first);
	hugetlb_stats(h, out, &first);
	fputc('}', out);
}
