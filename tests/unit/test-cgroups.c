/* libexec/cgroups.h, the API the OCI verbs use.
 *
 * Without privileges: the state string and its checks, and the v2 device
 * program, run here on a small interpreter of the instructions it uses
 * against the v1 semantics the rules are meant to have.  As root, on the
 * host's cgroups: create, join, list, freeze, thaw, signal, save and load
 * the state, destroy (also while frozen), and nothing left behind. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cgroups.h"
#include "tap.h"

static void test_state_strings(void)
{
	const char *good = "v1\t1\tmemory\t/sys/fs/cgroup/memory\t/a/nsrun-x\n"
			   "v1\t0\tcpu,cpuacct\t/sys/fs/cgroup/cpu,cpuacct\t/a/nsrun-x\n"
			   "v2\t2\t\t/sys/fs/cgroup/unified\t/a/nsrun-x\n";
	struct cgroup_handle *h = NULL;
	struct nsrun_error err = { 0 };
	int r = cgroup_state_from_string(good, &h, &err);
	tap_ok(r == 0, "state: a valid string loads (%s)", r ? err.msg : "");
	_cleanup_free_ char *again = h ? cgroup_state_to_string(h) : NULL;
	tap_str_eq(again, good, "state: to_string(from_string(s)) == s");
	tap_str_eq(h ? cgroup_path(h) : NULL, "/a/nsrun-x", "state: cgroup_path");
	cgroup_handle_free(h);
	static const char *const bad[] = {
		"v3\t1\tmemory\t/sys/fs/cgroup/memory\t/a\n",        /* version */
		"v1\t1\tmemory\t/sys/fs/cgroup/memory\t/a/../b\n",   /* .. */
		"v1\t1\tmemory\t/sys/fs/cgroup/memory\t/\n",         /* the root */
		"v1\t1\tmemory\t/tmp/memory\t/a\n",                  /* not a cgroup mount */
		"v1\t1\tmemory\t/sys/fs/cgroup/a/b\t/a\n",           /* too deep */
		"v1\tx\tmemory\t/sys/fs/cgroup/memory\t/a\n",        /* count */
		"v1\t1\tmemory\t/sys/fs/cgroup/memory\n",            /* fields */
		"v1\t1\tmemory\t/sys/fs/cgroup/memory\ta\n",         /* relative */
		"v1\t1\tmemory\t/sys/fs/cgroup/memory\t/a//b\n",     /* empty component */
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		h = NULL;
		r = cgroup_state_from_string(bad[i], &h, &err);
		tap_ok(r < 0 && strstr(err.msg, "bad cgroup state line"), "state: refused line %zu", i);
		cgroup_handle_free(h);
	}
}

/* The subset of eBPF the device program uses, interpreted. */
static int run_prog(const struct bpf_insn *p, size_t n, int type, int access, int major, int minor)
{
	uint32_t ctx[3] = { (uint32_t)(access << 16 | type), (uint32_t)major, (uint32_t)minor };
	uint64_t r[11] = { 0 };
	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint8_t cls = BPF_CLASS(i->code), op = BPF_OP(i->code);
		if (cls == BPF_LDX) {
			r[i->dst_reg] = ctx[i->off / 4];
		} else if (cls == BPF_ALU || cls == BPF_ALU64) {
			uint64_t src = BPF_SRC(i->code) == BPF_X ? r[i->src_reg] : (uint64_t)(int64_t)i->imm;
			uint64_t v = op == BPF_MOV ? src : op == BPF_AND ? r[i->dst_reg] & src :
				     op == BPF_RSH ? r[i->dst_reg] >> src : 0xdead;
			r[i->dst_reg] = cls == BPF_ALU ? (uint32_t)v : v;
		} else if (cls == BPF_JMP && op == BPF_EXIT) {
			return (int)r[0];
		} else if (cls == BPF_JMP) {
			bool eq = r[i->dst_reg] == (uint64_t)(int64_t)i->imm;
			if ((op == BPF_JEQ && eq) || (op == BPF_JNE && !eq))
				pc += (size_t)i->off;
		} else {
			return -1;
		}
	}
	return -2; /* ran off the end */
}

static void test_bpf(void)
{
	enum { M = BPF_DEVCG_ACC_MKNOD, R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE };
	enum { B = BPF_DEVCG_DEV_BLOCK, C = BPF_DEVCG_DEV_CHAR };
	const struct plan_cgroup_device rules[] = {
		{ true, 'a', -1, -1, "rwm", NULL },     /* reset: everything before is moot */
		{ false, 'a', -1, -1, "rwm", NULL },    /* deny all */
		{ true, 'c', 1, 3, "rw", NULL },        /* /dev/null read/write, no mknod */
		{ true, 'c', -1, -1, "m", NULL },       /* mknod any char device */
		{ true, 'b', 8, -1, "r", NULL },        /* read sd* */
		{ false, 'b', 8, 16, "r", NULL },       /* but not sdb */
		{ true, 'c', 136, -1, "rwm", NULL },    /* ptys */
		{ false, 'c', 136, 5, "w", NULL },      /* except writing pts/5 */
	};
	struct bpf_insn *p = NULL;
	size_t n = cgroup_devices_bpf_build(rules, ARRAY_SIZE(rules), &p);
	static const struct { int type, access, major, minor, want; const char *what; } cases[] = {
		{ C, R | W, 1, 3, 1, "c 1:3 rw allowed" },
		{ C, R, 1, 3, 1, "c 1:3 r allowed (within rw)" },
		{ C, M, 1, 3, 1, "c 1:3 m allowed by the c *:* m rule" },
		{ C, R, 1, 5, 0, "c 1:5 r denied (deny all)" },
		{ C, M, 10, 229, 1, "mknod of any char device" },
		{ C, M | R, 10, 229, 0, "but not reading it" },
		{ B, M, 8, 0, 0, "no mknod of block devices" },
		{ B, R, 8, 0, 1, "b 8:0 r allowed" },
		{ B, R | W, 8, 0, 0, "b 8:0 rw denied (w not allowed)" },
		{ B, R, 8, 16, 0, "b 8:16 r denied by the later deny" },
		{ B, R, 9, 0, 0, "b 9:0 denied" },
		{ C, R | W, 136, 2, 1, "pts/2 rw allowed" },
		{ C, R, 136, 5, 1, "pts/5 r allowed" },
		{ C, R | W, 136, 5, 0, "pts/5 rw denied: a deny of w refuses any request with w" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		tap_ok(run_prog(p, n, cases[i].type, cases[i].access, cases[i].major, cases[i].minor) ==
		       cases[i].want, "bpf: %s", cases[i].what);
	free(p);
	const struct plan_cgroup_device allow_all[] = { { true, 'a', -1, -1, "rwm", NULL },
							{ false, 'b', 8, 0, "w", NULL } };
	n = cgroup_devices_bpf_build(allow_all, 2, &p);
	tap_ok(run_prog(p, n, B, R, 9, 9) == 1 && run_prog(p, n, B, W, 8, 0) == 0 &&
	       run_prog(p, n, B, R, 8, 0) == 1, "bpf: allow a, then deny b 8:0 w");
	free(p);
	n = cgroup_devices_bpf_build(NULL, 0, &p);
	tap_ok(run_prog(p, n, C, R, 1, 3) == 0, "bpf: no rules: everything denied");
	free(p);
}

static struct plan *plan_from(const char *text, struct nsrun_error *err)
{
	_cleanup_json_ struct json_node *root = NULL;
	struct spec *s = NULL;
	struct plan *p = NULL;
	if (json_parse(text, strlen(text), "config.json", &root, err) < 0 ||
	    spec_load_tree(root, "config.json", NULL, &s, err) < 0 ||
	    plan_build(s, NULL, &plan_host_permissive, &p, err) < 0)
		return NULL;
	return p;
}

static pid_t sleeper(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void test_lifecycle(void)
{
	if (geteuid() != 0 || !exists("/sys/fs/cgroup")) {
		tap_ok(1, "# SKIP the lifecycle needs root and cgroups");
		return;
	}
	struct nsrun_error err = { 0 };
	char path[64], text[512];
	snprintf(path, sizeof(path), "/nsrun-unit-%d/c", (int)getpid());
	snprintf(text, sizeof(text), "{\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"x\"]},\"linux\":"
		 "{\"cgroupsPath\":\"%s\"}}", path);
	struct plan *p = plan_from(text, &err);
	tap_ok(p != NULL, "plan (%s)", p ? "" : err.msg);
	if (!p)
		return;
	struct cgroup_handle *h = NULL;
	int r = cgroup_create(p, -1, &h, &err);
	tap_ok(r == 0, "create %s (%s)", path, r ? err.msg : "");
	if (r < 0) {
		plan_free(p);
		return;
	}
	tap_str_eq(cgroup_path(h), path, "cgroup_path is the absolute cgroupsPath");
	pid_t a = sleeper();
	r = cgroup_enter(h, a, false, &err);
	tap_ok(r == 0, "enter (%s)", r ? err.msg : "");
	pid_t *pids = NULL;
	size_t n = 0;
	r = cgroup_pids(h, &pids, &n, &err);
	tap_ok(r == 0 && n == 1 && pids[0] == a, "pids: the one process");
	free(pids);
	bool frozen = true;
	tap_ok(cgroup_is_frozen(h, &frozen, &err) == 0 && !frozen, "not frozen at first");
	r = cgroup_freeze(h, true, &err);
	tap_ok(r == 0 && cgroup_is_frozen(h, &frozen, &err) == 0 && frozen, "freeze (%s)", r ? err.msg : "");
	r = cgroup_freeze(h, false, &err);
	tap_ok(r == 0 && cgroup_is_frozen(h, &frozen, &err) == 0 && !frozen, "thaw (%s)", r ? err.msg : "");

	/* what the state file keeps is enough to go on in another process */
	_cleanup_free_ char *st = cgroup_state_to_string(h);
	cgroup_handle_free(h);
	h = NULL;
	r = cgroup_state_from_string(st, &h, &err);
	tap_ok(r == 0, "state saved and loaded");
	r = cgroup_kill(h, SIGTERM, &err);
	int ws = 0;
	waitpid(a, &ws, 0);
	tap_ok(r == 0 && WIFSIGNALED(ws) && WTERMSIG(ws) == SIGTERM, "kill SIGTERM reaches the process");

	pid_t b = sleeper();
	r = cgroup_enter(h, b, false, &err);
	tap_ok(r == 0 && cgroup_freeze(h, true, &err) == 0, "a second process, frozen");
	/* zombies do not hold a cgroup: destroy need not wait for b's reaping */
	r = cgroup_destroy(h, &err);
	int bs = 0;
	waitpid(b, &bs, 0);
	tap_ok(r == 0, "destroy succeeds (%s)", r ? err.msg : "");
	tap_ok(WIFSIGNALED(bs) && WTERMSIG(bs) == SIGKILL, "destroy kills a frozen process");
	char dir[128];
	snprintf(dir, sizeof(dir), "/sys/fs/cgroup/pids/nsrun-unit-%d", (int)getpid());
	bool left = exists(dir);
	snprintf(dir, sizeof(dir), "/sys/fs/cgroup/nsrun-unit-%d", (int)getpid());
	left |= exists(dir);
	tap_ok(!left, "the cgroup and the parent nsrun made are gone");
	plan_free(p);
}

/* The walk below a cgroup works on any directory tree: one deeper than
 * any fixed limit (and than the fds nsrun may hold), with siblings, and a
 * second file system mounted inside (never entered) when root. */
static void test_tree(void)
{
	char base[] = "/tmp/nsrun-cgtree.XXXXXX";
	if (!tap_ok(mkdtemp(base) != NULL, "tree: a temporary directory"))
		return;
	int root = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int cur = dup(root);
	const int depth = 1100;
	for (int i = 0; i < depth; i++) {
		char name[16];
		snprintf(name, sizeof(name), "d%d", i % 7);
		mkdirat(cur, "side", 0755); /* a sibling at every level */
		mkdirat(cur, name, 0755);
		int next = openat(cur, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(cur);
		cur = next;
	}
	close(cur);
	pid_t *pids = NULL;
	size_t n = 0;
	cgroup_tree_pids(root, &pids, &n);
	tap_ok(n == 0, "tree: no cgroup.procs anywhere, no pids (and no crash at depth %d)", depth);
	free(pids);
	int r = cgroup_tree_remove(root, cgroup_now_ms() + 2000);
	tap_ok(r == 0, "tree: %d levels with siblings removed (%d)", depth, r);
	DIR *d = fdopendir(dup(root));
	int left = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		left += e->d_name[0] != '.';
	if (d)
		closedir(d);
	tap_ok(left == 0, "tree: nothing left below the root (%d)", left);
	close(root);
	rmdir(base);
}

int main(void)
{
	test_tree();
	test_state_strings();
	test_bpf();
	test_lifecycle();
	return tap_done();
}
