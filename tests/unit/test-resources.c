/* linux.resources and linux.cgroupsPath: every refused value is refused
 * with its JSON pointer and line:column, and the plan spells each accepted
 * setting for cgroup v1 and v2 (STEP_CGROUP's description). */
#include <fcntl.h>
#include <sched.h>
#include <string.h>

#include "plan.h"
#include "tap.h"

#define HEAD "{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"x\"]},\"linux\":{"

struct bad {
	const char *linux_members; /* inside "linux": {...} */
	const char *needle;        /* the column is where this first occurs in the line */
	const char *msg;           /* after "config.json:1:COL: " */
};

static const struct bad bads[] = {
	/* memory: -1 is "unlimited", other negatives, zero limits and fractions are not */
	{ "\"resources\":{\"memory\":{\"limit\":-5}}", "-5",
	  "/linux/resources/memory/limit: expected -1 (unlimited) or a number of bytes, got -5" },
	{ "\"resources\":{\"memory\":{\"limit\":1.5}}", "1.5",
	  "/linux/resources/memory/limit: expected -1 (unlimited) or a number of bytes, got 1.5" },
	{ "\"resources\":{\"memory\":{\"limit\":1e6}}", "1e6",
	  "/linux/resources/memory/limit: expected -1 (unlimited) or a number of bytes, got 1e6" },
	{ "\"resources\":{\"memory\":{\"limit\":0}}", "0}",
	  "/linux/resources/memory/limit: 0 bytes leaves the container nothing; -1 means unlimited" },
	{ "\"resources\":{\"memory\":{\"limit\":\"1G\"}}", "\"1G\"",
	  "/linux/resources/memory/limit: expected -1 (unlimited) or a number of bytes, got string" },
	{ "\"resources\":{\"memory\":{\"reservation\":-2}}", "-2",
	  "/linux/resources/memory/reservation: expected -1 (unlimited) or a number of bytes, got -2" },
	{ "\"resources\":{\"memory\":{\"limit\":2000,\"swap\":1000}}", "1000",
	  "/linux/resources/memory/swap: memory+swap (1000) must be at least the memory limit (2000)" },
	{ "\"resources\":{\"memory\":{\"swap\":1000}}", "1000",
	  "/linux/resources/memory/swap: a memory+swap limit needs a memory limit "
	  "(/linux/resources/memory/limit) to be counted against" },
	{ "\"resources\":{\"memory\":{\"swappiness\":101}}", "101",
	  "/linux/resources/memory/swappiness: expected an integer from 0 to 100, got 101" },
	{ "\"resources\":{\"memory\":{\"disableOOMKiller\":1}}", "1}",
	  "/linux/resources/memory/disableOOMKiller: expected true or false, got 1" },
	/* cpu */
	{ "\"resources\":{\"cpu\":{\"shares\":1}}", "1}",
	  "/linux/resources/cpu/shares: expected an integer from 2 to 262144, got 1" },
	{ "\"resources\":{\"cpu\":{\"shares\":-1024}}", "-1024",
	  "/linux/resources/cpu/shares: expected an integer from 0 to 262144, got -1024" },
	{ "\"resources\":{\"cpu\":{\"quota\":0}}", "0}",
	  "/linux/resources/cpu/quota: a quota of 0 lets nothing run; -1 means unlimited" },
	{ "\"resources\":{\"cpu\":{\"quota\":-2}}", "-2",
	  "/linux/resources/cpu/quota: expected an integer from -1 to 9223372036854775807, got -2" },
	{ "\"resources\":{\"cpu\":{\"period\":999}}", "999",
	  "/linux/resources/cpu/period: the kernel takes periods from 1000 to 1000000 microseconds" },
	{ "\"resources\":{\"cpu\":{\"quota\":1000,\"burst\":2000}}", "2000",
	  "/linux/resources/cpu/burst: must not be larger than the quota" },
	{ "\"resources\":{\"cpu\":{\"cpus\":\"0-\"}}", "\"0-\"",
	  "/linux/resources/cpu/cpus: expected a list like \"0-3,5\" (numbers and ranges separated by "
	  "commas), got \"0-\"" },
	{ "\"resources\":{\"cpu\":{\"cpus\":\"3-1\"}}", "\"3-1\"",
	  "/linux/resources/cpu/cpus: holds a range that goes backwards, got \"3-1\"" },
	{ "\"resources\":{\"cpu\":{\"mems\":\"0,,1\"}}", "\"0,,1\"",
	  "/linux/resources/cpu/mems: expected a list like \"0-3,5\" (numbers and ranges separated by "
	  "commas), got \"0,,1\"" },
	{ "\"resources\":{\"cpu\":{\"cpus\":\"0 \"}}", "\"0 \"",
	  "/linux/resources/cpu/cpus: expected a list like \"0-3,5\" (numbers and ranges separated by "
	  "commas), got \"0 \"" },
	{ "\"resources\":{\"cpu\":{\"idle\":2}}", "2}",
	  "/linux/resources/cpu/idle: expected an integer from 0 to 1, got 2" },
	/* pids */
	{ "\"resources\":{\"pids\":{\"limit\":-2}}", "-2",
	  "/linux/resources/pids/limit: expected an integer from -1 to 9223372036854775807, got -2" },
	{ "\"resources\":{\"pids\":{\"limit\":10.0}}", "10.0",
	  "/linux/resources/pids/limit: expected an integer from -1 to 9223372036854775807, got 10.0" },
	/* blockIO */
	{ "\"resources\":{\"blockIO\":{\"weight\":5}}", "5}",
	  "/linux/resources/blockIO/weight: weights go from 10 to 1000" },
	{ "\"resources\":{\"blockIO\":{\"weight\":1001}}", "1001",
	  "/linux/resources/blockIO/weight: expected an integer from 0 to 1000, got 1001" },
	{ "\"resources\":{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"minor\":0}]}}", "{\"major\"",
	  "/linux/resources/blockIO/weightDevice/0: give \"weight\" or \"leafWeight\" (or both)" },
	{ "\"resources\":{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0}]}}", "{\"major\"",
	  "/linux/resources/blockIO/throttleReadBpsDevice/0: \"rate\" is required" },
	{ "\"resources\":{\"blockIO\":{\"throttleWriteIOPSDevice\":[{\"major\":8,\"rate\":1}]}}", "{\"major\"",
	  "/linux/resources/blockIO/throttleWriteIOPSDevice/0: \"major\" and \"minor\" are required" },
	{ "\"resources\":{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1},"
	  "{\"major\":8,\"minor\":0,\"rate\":2}]}}", "{\"major\":8,\"minor\":0,\"rate\":2",
	  "/linux/resources/blockIO/throttleReadBpsDevice/1: device 8:0 is listed twice (first at 1:105)" },
	{ "\"resources\":{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":-1,\"minor\":0,\"rate\":1}]}}", "-1",
	  "/linux/resources/blockIO/throttleReadBpsDevice/0/major: expected an integer from 0 to 4095, got -1" },
	/* hugepageLimits */
	{ "\"resources\":{\"hugepageLimits\":[{\"pageSize\":\"2M\",\"limit\":1}]}", "\"2M\"",
	  "/linux/resources/hugepageLimits/0/pageSize: expected a size like \"2MB\", \"64KB\" or \"1GB\", "
	  "got \"2M\"" },
	{ "\"resources\":{\"hugepageLimits\":[{\"pageSize\":\"2MB\"}]}", "{\"pageSize\"",
	  "/linux/resources/hugepageLimits/0: \"limit\" is required" },
	{ "\"resources\":{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":-1}]}", "-1",
	  "/linux/resources/hugepageLimits/0/limit: expected an integer from 0 to 18446744073709551615, got -1" },
	/* devices */
	{ "\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}", "\"rwx\"",
	  "/linux/resources/devices/0/access: expected a combination of \"r\", \"w\" and \"m\" (each at "
	  "most once), got \"rwx\"" },
	{ "\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"c\",\"access\":\"rr\"}]}", "\"rr\"",
	  "/linux/resources/devices/0/access: expected a combination of \"r\", \"w\" and \"m\" (each at "
	  "most once), got \"rr\"" },
	{ "\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"c\",\"access\":\"\"}]}", "\"\"}",
	  "/linux/resources/devices/0/access: expected a combination of \"r\", \"w\" and \"m\" (each at "
	  "most once), got \"\"" },
	{ "\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"u\"}]}", "\"u\"",
	  "/linux/resources/devices/0/type: expected \"a\" (all), \"c\" (char) or \"b\" (block), got \"u\"" },
	{ "\"resources\":{\"devices\":[{\"type\":\"c\"}]}", "{\"type\"",
	  "/linux/resources/devices/0: \"allow\" is required" },
	{ "\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":-2}]}", "-2",
	  "/linux/resources/devices/0/major: expected an integer from -1 to 4095, got -2" },
	{ "\"resources\":{\"devices\":[{\"allow\":false,\"major\":1}]}", "{\"allow\"",
	  "/linux/resources/devices/0: type \"a\" (all devices) cannot name a major or minor number; give "
	  "\"c\" or \"b\"" },
	{ "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"r\"}]}", "{\"allow\"",
	  "/linux/resources/devices/0: type \"a\" (all devices) always means all access (\"rwm\"); give "
	  "\"c\" or \"b\" to allow or deny \"r\" only" },
	/* network, rdma */
	{ "\"resources\":{\"network\":{\"classID\":-1}}", "-1",
	  "/linux/resources/network/classID: expected an integer from 0 to 4294967295, got -1" },
	{ "\"resources\":{\"network\":{\"priorities\":[{\"name\":\"a/b\",\"priority\":1}]}}", "\"a/b\"",
	  "/linux/resources/network/priorities/0/name: expected a network interface name (1 to 15 bytes, "
	  "no '/', ':' or blanks), got \"a/b\"" },
	{ "\"resources\":{\"rdma\":{\"mlx5_1\":{}}}", "{}",
	  "/linux/resources/rdma/mlx5_1: give \"hcaHandles\" or \"hcaObjects\" (or both)" },
	/* unified */
	{ "\"resources\":{\"unified\":{\"../memory.max\":\"1\"}}", "\"../",
	  "/linux/resources/unified/..~1memory.max: a unified key names one file of the container's "
	  "cgroup: no '/' and no \"..\"" },
	{ "\"resources\":{\"unified\":{\"memory..max\":\"1\"}}", "\"memory..",
	  "/linux/resources/unified/memory..max: a unified key names one file of the container's "
	  "cgroup: no '/' and no \"..\"" },
	{ "\"resources\":{\"unified\":{\"memoryhigh\":\"1\"}}", "\"memoryhigh",
	  "/linux/resources/unified/memoryhigh: expected a cgroup v2 file name like \"memory.high\" "
	  "(CONTROLLER.FILE, no blanks)" },
	{ "\"resources\":{\"unified\":{\"cgroup.procs\":\"1\"}}", "\"cgroup.procs",
	  "/linux/resources/unified/cgroup.procs: cgroup.procs is managed by nsrun and cannot be set" },
	{ "\"resources\":{\"unified\":{\"memory.high\":1}}", "1}",
	  "/linux/resources/unified/memory.high: expected a string, got 1" },
	/* cgroupsPath */
	{ "\"cgroupsPath\":\"system.slice:nsrun/x:abc\"", "\"system",
	  "/linux/cgroupsPath: \"system.slice:nsrun/x:abc\": systemd's form is \"slice:prefix:name\" "
	  "(letters, digits, \"-_.@\", the slice may be empty), a cgroupfs path has no \":\"" },
	{ "\"cgroupsPath\":\"/a/../b\"", "\"/a",
	  "/linux/cgroupsPath: must not contain \".\" or \"..\" components, got \"/a/../b\"" },
	{ "\"cgroupsPath\":\"/\"", "\"/\"",
	  "/linux/cgroupsPath: \"/\" names the root cgroup; give a cgroup below it" },
	{ "\"cgroupsPath\":\"a\\tb\"", "\"a\\tb",
	  "/linux/cgroupsPath: must not contain blanks or control characters" },
	{ "\"cgroupsPath\":17", "17",
	  "/linux/cgroupsPath: expected a string, got 17" },
};

static int load(const char *text, FILE *warn, struct spec **s, struct nsrun_error *err)
{
	_cleanup_json_ struct json_node *root = NULL;
	if (json_parse(text, strlen(text), "config.json", &root, err) < 0)
		return -1;
	return spec_load_tree(root, "config.json", warn, s, err);
}

static void test_bad(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(bads); i++) {
		_cleanup_free_ char *text = xasprintf(HEAD "%s}}", bads[i].linux_members);
		const char *at = strstr(text, bads[i].needle);
		_cleanup_free_ char *want = xasprintf("config.json:1:%d: %s", at ? (int)(at - text) + 1 : 0,
						      bads[i].msg);
		struct spec *s = NULL;
		struct nsrun_error err = { 0 };
		int r = load(text, NULL, &s, &err);
		spec_free(s);
		_cleanup_free_ char *name = xasprintf("refused: %s", bads[i].linux_members);
		tap_str_eq(r < 0 ? err.msg : "(accepted)", want, name);
	}
}

/* STEP_CGROUP's description for a spec with these linux members. */
/* An OCI spec: a minimal one always gets a cgroup (its device rules). */
#define OCI_HEAD "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"process\":{\"cwd\":\"/\"," \
	"\"args\":[\"x\"]},\"linux\":{"
static char *describe(const char *linux_members, const char *id, char **steps)
{
	_cleanup_free_ char *text = xasprintf(OCI_HEAD "\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"cgroup\"}],"
					      "%s}}", linux_members);
	struct spec *s = NULL;
	struct plan *p = NULL;
	struct nsrun_error err = { 0 };
	const struct plan_invocation inv = { .container_id = id };
	if (load(text, NULL, &s, &err) < 0 || plan_build(s, &inv, &plan_host_permissive, &p, &err) < 0)
		return xasprintf("error: %s", err.msg);
	char *out = NULL, *all = NULL;
	size_t len = 0, alen = 0;
	FILE *f = open_memstream(&out, &len), *fa = open_memstream(&all, &alen);
	for (size_t i = 0; i < p->n_steps; i++) {
		if (p->steps[i].kind == STEP_CGROUP)
			plan_step_describe(p, &p->steps[i], f);
		fprintf(fa, "%s%s", i ? "," : "", plan_step_name(p->steps[i].kind));
		if (p->steps[i].kind == STEP_CLONE || p->steps[i].kind == STEP_UNSHARE) {
			fputc('(', fa);
			if (p->steps[i].ns_flags & CLONE_NEWCGROUP)
				fputs("cgroup", fa);
			fputc(')', fa);
		}
	}
	fclose(f);
	fclose(fa);
	if (steps)
		*steps = all;
	else
		free(all);
	plan_free(p);
	return out;
}

static void like(const char *got, const char *want, const char *name)
{
	int ok = got && strstr(got, want) != NULL;
	tap_ok(ok, "%s", name);
	if (!ok)
		printf("#   got:  %s\n#   want substring: %s\n", got ? got : "(null)", want);
}

static void test_plan(void)
{
	char *steps = NULL;
	_cleanup_free_ char *d = describe("\"resources\":{\"memory\":{\"limit\":104857600,\"swap\":209715200,"
					  "\"swappiness\":10}}", NULL, &steps);
	like(d, "create (nsrun's cgroup)/nsrun-$PID in each hierarchy", "default path: nsrun-PID under nsrun's cgroup");
	like(d, "memory/limit: v1 memory.limit_in_bytes=104857600, v2 memory.max=104857600", "memory limit");
	like(d, "memory/swap: v1 memory.memsw.limit_in_bytes=209715200, v2 memory.swap.max=104857600",
	     "swap: v1 memory+swap, v2 swap alone");
	like(d, "memory/swappiness: v1 memory.swappiness=10, v2 none (cgroup v2 has no per-cgroup swappiness)",
	     "swappiness: no v2 form, with the reason");
	/* the cgroup namespace is made after the move, by the child */
	like(steps, "cgroup,clone(),release,wait-parent,unshare(cgroup)", "cgroupns unshared after wait-parent");
	free(steps);

	_cleanup_free_ char *d2 = describe("\"resources\":{\"memory\":{\"limit\":-1,\"swap\":-1}}", NULL, NULL);
	like(d2, "v1 memory.limit_in_bytes=-1, v2 memory.max=max", "-1 is unlimited: -1 on v1, max on v2");
	like(d2, "v1 memory.memsw.limit_in_bytes=-1, v2 memory.swap.max=max", "unlimited swap");

	_cleanup_free_ char *d3 = describe("\"resources\":{\"cpu\":{\"shares\":1024,\"quota\":50000,"
					   "\"period\":100000,\"burst\":1000,\"cpus\":\"0-1\",\"idle\":1,"
					   "\"realtimeRuntime\":950}}", "web", NULL);
	like(d3, "create (nsrun's cgroup)/nsrun-web in", "container id names the cgroup");
	like(d3, "cpu/shares: v1 cpu.shares=1024, v2 cpu.weight=39", "shares -> weight (1 + (1024-2)*9999/262142)");
	like(d3, "cpu/period: v1 cpu.cfs_period_us=100000, v2 (not needed)", "period: in cpu.max on v2");
	like(d3, "cpu/quota: v1 cpu.cfs_quota_us=50000, v2 cpu.max=50000 100000", "quota and period -> cpu.max");
	like(d3, "cpu/burst: v1 cpu.cfs_burst_us=1000, v2 cpu.max.burst=1000", "burst");
	like(d3, "cpu/cpus: v1 cpuset.cpus=0-1, v2 cpuset.cpus=0-1", "cpus");
	like(d3, "cpu/idle: v1 cpu.idle=1, v2 cpu.idle=1", "idle");
	like(d3, "cpu/realtimeRuntime: v1 cpu.rt_runtime_us=950, v2 none", "realtime: v1 only");

	_cleanup_free_ char *d4 = describe("\"resources\":{\"cpu\":{\"shares\":2,\"quota\":-1}},"
					   "\"cgroupsPath\":\"/machine/c1\"", NULL, NULL);
	like(d4, "create /machine/c1 in each hierarchy", "absolute cgroupsPath");
	like(d4, "v2 cpu.weight=1", "shares 2 -> weight 1");
	like(d4, "v1 cpu.cfs_quota_us=-1, v2 cpu.max=max", "quota -1 -> max");

	_cleanup_free_ char *d5 = describe("\"resources\":{\"pids\":{\"limit\":0},\"blockIO\":{\"weight\":500,"
					   "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":300}]}},"
					   "\"cgroupsPath\":\"pods/p1\"", NULL, NULL);
	like(d5, "create (nsrun's cgroup)/pods/p1 in", "relative cgroupsPath");
	like(d5, "pids/limit: v1 pids.max=max, v2 pids.max=max", "pids 0 means no limit");
	like(d5, "blockIO/weight: v1 blkio.weight=500 or blkio.bfq.weight=500, v2 io.bfq.weight=500 or "
	     "io.weight=default 4950", "blkio weight, v2 io.weight converted");
	like(d5, "v1 blkio.throttle.write_iops_device=8:16 300, v2 io.max=8:16 wiops=300", "throttle");

	_cleanup_free_ char *d6 = describe("\"resources\":{\"hugepageLimits\":[{\"pageSize\":\"2MB\","
					   "\"limit\":4194304}],\"network\":{\"classID\":1048577},"
					   "\"unified\":{\"io.max\":\"8:0 rbps=1\\n8:16 wbps=2\"}}", NULL, NULL);
	like(d6, "hugepageLimits/0: v1 hugetlb.2MB.limit_in_bytes=4194304, v2 hugetlb.2MB.max=4194304",
	     "hugetlb");
	like(d6, "v2 hugetlb.2MB.rsvd.max=4194304 if present", "hugetlb reservations where the kernel has them");
	like(d6, "network/classID: v1 net_cls.classid=1048577, v2 none (cgroup v2 has no net_cls controller)",
	     "net_cls: v1 only");
	like(d6, "unified/io.max: v1 none (is a cgroup v2 setting), v2 io.max=8:0 rbps=1\\n8:16 wbps=2",
	     "unified: v2 only, newlines shown escaped");

	_cleanup_free_ char *d7 = describe("\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
					   "{\"allow\":true,\"type\":\"b\",\"major\":8,\"minor\":0,"
					   "\"access\":\"mr\"}]},\"devices\":[{\"path\":\"/dev/fuse\","
					   "\"type\":\"c\",\"major\":10,\"minor\":229}]", NULL, NULL);
	like(d7, "devices (v1 devices.deny/devices.allow, v2 eBPF): deny a, deny a, allow b 8:0 rm, "
	     "allow c *:* m, allow b *:* m, allow c 1:3 rwm, allow c 1:5 rwm, allow c 1:7 rwm, "
	     "allow c 1:8 rwm, allow c 1:9 rwm, allow c 5:0 rwm, allow c 5:2 rwm, allow c 136:* rwm, "
	     "allow c 10:229 rwm", "device rules: spec's in order, access normalised, then defaults and "
	     "linux.devices");

	/* cgroupsPath alone asks for a cgroup too; no cgroup, no step */
	_cleanup_free_ char *d8 = describe("\"cgroupsPath\":\"/x\"", NULL, NULL);
	like(d8, "create /x in each hierarchy; PID 1 enters it", "cgroupsPath without resources");
	char *st = NULL;
	_cleanup_free_ char *d9 = describe("\"sysctl\":{}", NULL, &st);
	tap_ok(d9 && !*d9 && st && strstr(st, "clone(cgroup)") && !strstr(st, "wait-parent"),
	       "no cgroup: cgroupns made by clone, no wait");
	free(st);
	_cleanup_free_ char *d10 = describe("\"cgroupsPath\":\"\"", NULL, NULL);
	tap_ok(d10 && !*d10, "an empty cgroupsPath is not given (as with runc and crun)");
}

static void test_warnings(void)
{
	_cleanup_free_ char *text = xasprintf(HEAD "\"resources\":{\"memory\":{\"limt\":1}}}}");
	char *out = NULL;
	size_t len = 0;
	FILE *w = open_memstream(&out, &len);
	struct spec *s = NULL;
	struct nsrun_error err = { 0 };
	int r = load(text, w, &s, &err);
	fclose(w);
	spec_free(s);
	tap_ok(r == 0, "unknown member in resources.memory is not an error");
	tap_str_eq(out, "config.json:1:79: warning: /linux/resources/memory/limt: unknown member, ignored "
		   "(did you mean \"limit\"?)\n", "unknown member in resources.memory: warning with suggestion");
	free(out);
}

static void test_resources_file(void)
{
	char path[] = "/tmp/nsrun-test-resources-XXXXXX";
	int fd = mkstemp(path);
	const char *good = "{\"memory\": {\"limit\": 1048576}, \"pids\": {\"limit\": 5}}";
	if (fd < 0 || write(fd, good, strlen(good)) < 0) {
		tap_ok(0, "temporary file");
		return;
	}
	close(fd);
	struct spec *s = NULL;
	struct nsrun_error err = { 0 };
	int r = spec_load_resources_file(path, NULL, &s, &err);
	struct plan_cgroup *pc = r == 0 ? plan_cgroup_build(s) : NULL;
	tap_ok(pc && pc->n_writes == 2 && strcmp(pc->writes[0].pointer, "/linux/resources/memory/limit") == 0 &&
	       strcmp(pc->writes[1].v2.value, "5") == 0 && !pc->path,
	       "a resources file alone (nsrun update): the settings to write");
	plan_cgroup_free(pc);
	spec_free(s);
	s = NULL;
	fd = open(path, O_WRONLY | O_TRUNC);
	const char *bad = "{\"memory\": {\"limit\": -7}}";
	if (fd < 0 || write(fd, bad, strlen(bad)) < 0)
		return;
	close(fd);
	r = spec_load_resources_file(path, NULL, &s, &err);
	_cleanup_free_ char *want = xasprintf("%s:1:22: /memory/limit: expected -1 (unlimited) or a number "
					      "of bytes, got -7", path);
	tap_str_eq(r < 0 ? err.msg : "(accepted)", want, "a resources file: errors point into it");
	spec_free(s);
	unlink(path);
}

int main(void)
{
	test_resources_file();
	test_bad();
	test_plan();
	test_warnings();
	return tap_done();
}
