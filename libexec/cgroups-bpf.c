/* cgroup v2 has no devices controller: device access is decided by an
 * eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup.
 * The program is small and built here by hand (no libbpf, no compiler):
 *
 *   r2 = type (BPF_DEVCG_DEV_BLOCK/CHAR), r3 = access (MKNOD|READ|WRITE),
 *   r4 = major, r5 = minor;
 *   for each rule, last first: if it matches, return allow ? 1 : 0;
 *   return the default (deny, or allow after an "allow a" rule).
 *
 * Semantics: everything is denied at first, and the LAST rule that matches
 * a request decides, as with runc's and crun's programs.  An allow rule
 * matches when the request's access is within its access; a deny rule
 * when they share any bit (a deny of "w" refuses an "rw" open).  A rule of
 * type "a" resets everything before it.  This equals the v1 devices
 * controller for every list nsrun and its peers generate; v1 differs only
 * for a deny with wildcards after a narrower allow (v1 keeps the allow). */
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
						.off = (o), .imm = (i) })
#define LDX_W(dst, src, off) INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV32_REG(dst, src) INSN(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define ALU32_IMM(op, dst, imm) INSN(BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define JMP_IMM(op, dst, imm, off) INSN(BPF_JMP | (op) | BPF_K, dst, 0, off, imm)
#define MOV64_IMM(dst, imm) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define EXIT_INSN() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int access_mask(const char *a)
{
	int m = 0;
	for (; *a; a++)
		m |= *a == 'r' ? BPF_DEVCG_ACC_READ : *a == 'w' ? BPF_DEVCG_ACC_WRITE :
		     *a == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
	return m;
}

size_t cgroup_devices_bpf_build(const struct plan_cgroup_device *rules, size_t n, struct bpf_insn **out)
{
	const int all = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
	/* Rules before the last "a" rule never decide anything. */
	size_t first = 0;
	int dflt = 0;
	for (size_t i = 0; i < n; i++)
		if (rules[i].type == 'a') {
			first = i + 1;
			dflt = rules[i].allow;
		}
	struct bpf_insn *p = xcalloc(6 + (n - first) * 9 + 2, sizeof(*p));
	size_t k = 0;
	p[k++] = LDX_W(BPF_REG_2, BPF_REG_1, 0);
	p[k++] = MOV32_REG(BPF_REG_3, BPF_REG_2);
	p[k++] = ALU32_IMM(BPF_AND, BPF_REG_2, 0xffff);
	p[k++] = ALU32_IMM(BPF_RSH, BPF_REG_3, 16);
	p[k++] = LDX_W(BPF_REG_4, BPF_REG_1, 4);
	p[k++] = LDX_W(BPF_REG_5, BPF_REG_1, 8);
	for (size_t i = n; i-- > first;) {
		const struct plan_cgroup_device *r = &rules[i];
		int acc = access_mask(r->access);
		bool check_acc = acc != all;
		short len = (short)(2 + (r->type != 'a') + 3 * check_acc + (r->major >= 0) + (r->minor >= 0));
		short at = 0; /* index in the block of the next instruction */
#define SKIP() ((short)(len - at - 1))
		if (r->type != 'a') {
			p[k++] = JMP_IMM(BPF_JNE, BPF_REG_2, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK :
					 BPF_DEVCG_DEV_CHAR, SKIP());
			at++;
		}
		if (check_acc) {
			p[k++] = MOV32_REG(BPF_REG_1, BPF_REG_3);
			at++;
			if (r->allow) {
				/* the request must be within the rule's access */
				p[k++] = ALU32_IMM(BPF_AND, BPF_REG_1, all & ~acc);
				at++;
				p[k++] = JMP_IMM(BPF_JNE, BPF_REG_1, 0, SKIP());
			} else {
				/* any shared bit is refused */
				p[k++] = ALU32_IMM(BPF_AND, BPF_REG_1, acc);
				at++;
				p[k++] = JMP_IMM(BPF_JEQ, BPF_REG_1, 0, SKIP());
			}
			at++;
		}
		if (r->major >= 0) {
			p[k++] = JMP_IMM(BPF_JNE, BPF_REG_4, (int)r->major, SKIP());
			at++;
		}
		if (r->minor >= 0) {
			p[k++] = JMP_IMM(BPF_JNE, BPF_REG_5, (int)r->minor, SKIP());
			at++;
		}
#undef SKIP
		p[k++] = MOV64_IMM(BPF_REG_0, r->allow ? 1 : 0);
		p[k++] = EXIT_INSN();
	}
	p[k++] = MOV64_IMM(BPF_REG_0, dflt);
	p[k++] = EXIT_INSN();
	*out = p;
	return k;
}

int cgroup_devices_bpf_attach(int cgroup_fd, const struct plan_cgroup_device *rules, size_t n,
			      struct nsrun_error *err)
{
	_cleanup_free_ struct bpf_insn *insns = NULL;
	size_t count = cgroup_devices_bpf_build(rules, n, &insns);
	static char log[65536];
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)count;
	attr.license = (uint64_t)(uintptr_t)"GPL";
	attr.expected_attach_type = BPF_CGROUP_DEVICE;
	int prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (prog < 0 && errno == EINVAL) {
		/* again with the verifier's log, for the message */
		attr.log_level = 1;
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = sizeof(log);
		log[0] = '\0';
		prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
		if (prog < 0)
			return nsrun_error_set(err, errno, "load the device rules as an eBPF program "
					       "(%zu instructions): %.300s", count, log);
	}
	if (prog < 0)
		return nsrun_error_set(err, errno, "load the device rules as an eBPF program");
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	int r = (int)syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof(attr));
	int e = errno;
	close(prog);
	if (r < 0)
		return nsrun_error_set(err, e, "attach the device rules' eBPF program");
	return 0;
}
