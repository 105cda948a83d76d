/* Unit tests for the syscall rules of a spec: decoding and validation of
 * linux.syscallFilter, linux.syscallErrno and linux.seccomp (every error
 * with its position), and the filters the plan resolves from them. */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "plan.h"
#include "tap.h"

int plan_seccomp_low32(unsigned index, int op, uint64_t a, uint64_t b, struct plan_seccomp_cmp out[32]);

/* A minimal nsrun spec on one line; `linux` and `process` are spliced in. */
static char *make_doc(const char *linux_members, const char *process_extra)
{
	return xasprintf("{\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"sh\"]%s}, "
			 "\"linux\": {%s}}", process_extra ? process_extra : "", linux_members);
}

static int load(const char *doc, struct spec **s, struct nsrun_error *err)
{
	_cleanup_json_ struct json_node *root = NULL;
	*s = NULL;
	if (json_parse(doc, strlen(doc), "t.json", &root, err) < 0)
		return -1;
	return spec_load_tree(root, "t.json", NULL, s, err);
}

/* The spec must be refused with "t.json:1:COL: POINTER: MSG", COL being
 * where `at` first occurs in the document (1-based). */
static void refused(const char *linux_members, const char *at, const char *pointer, const char *msg)
{
	_cleanup_free_ char *doc = make_doc(linux_members, NULL);
	struct nsrun_error err = { 0 };
	struct spec *s = NULL;
	int r = load(doc, &s, &err);
	spec_free(s);
	const char *hit = strstr(doc, at);
	_cleanup_free_ char *want = xasprintf("t.json:1:%d: %s: %s", hit ? (int)(hit - doc) + 1 : -1,
					      pointer, msg);
	tap_ok(r < 0, "refused: %s", linux_members);
	tap_str_eq(err.msg, want, "  message and position");
}

/* A minimal spec without a user namespace has no CAP_SYS_ADMIN by default
 * (so its filters set no_new_privs first): these keep it. */
static const char with_sys_admin[] = ", \"capabilities\": {\"bounding\": [\"CAP_SYS_ADMIN\"], "
	"\"effective\": [\"CAP_SYS_ADMIN\"], \"permitted\": [\"CAP_SYS_ADMIN\"]}";

static struct plan *plan_of(const char *linux_members, const char *process_extra)
{
	_cleanup_free_ char *doc = make_doc(linux_members, process_extra);
	struct nsrun_error err = { 0 };
	struct spec *s = NULL;
	struct plan *p = NULL;
	if (load(doc, &s, &err) < 0 || plan_build(s, NULL, &plan_host_permissive, &p, &err) < 0) {
		tap_ok(0, "plans: %s", linux_members);
		printf("#   %s\n", err.msg);
		return NULL;
	}
	return p;
}

static const char *plan_error(const char *linux_members, const char *process_extra)
{
	static char msg[4096];
	_cleanup_free_ char *doc = make_doc(linux_members, process_extra);
	struct nsrun_error err = { 0 };
	struct spec *s = NULL;
	struct plan *p = NULL;
	if (load(doc, &s, &err) < 0) {
		snprintf(msg, sizeof(msg), "(refused by the decoder) %s", err.msg);
		return msg;
	}
	if (plan_build(s, NULL, &plan_host_permissive, &p, &err) == 0) {
		plan_free(p);
		return "(no error)";
	}
	snprintf(msg, sizeof(msg), "%s", err.msg);
	return msg;
}

static const struct plan_seccomp *filter(const struct plan *p, size_t which)
{
	for (size_t i = 0; p && i < p->n_steps; i++)
		if (p->steps[i].kind == STEP_SECCOMP && which-- == 0)
			return p->steps[i].seccomp;
	return NULL;
}

/* The action of the unconditional rule for `name`, or the default action. */
static uint32_t action_for(const struct plan_seccomp *f, const char *name)
{
	for (size_t i = 0; i < f->n_rules; i++)
		if (strcmp(f->rules[i].syscall, name) == 0 && f->rules[i].n_cmp == 0)
			return f->rules[i].action;
	return f->default_action;
}

static size_t rules_for(const struct plan_seccomp *f, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n_rules; i++)
		n += strcmp(f->rules[i].syscall, name) == 0;
	return n;
}

static char *describe(const struct plan_seccomp *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	plan_seccomp_describe(f, out);
	fclose(out);
	return buf;
}

static void test_filter_errors(void)
{
	refused("\"syscallFilter\": [\"@system-service\", \"@mnt\"]", "\"@mnt\"", "/linux/syscallFilter/1",
		"unknown system call group \"@mnt\" (did you mean \"@mount\"?); `nsrun analyze "
		"syscall-filter` lists them");
	refused("\"syscallFilter\": [\"~mkdri\"]", "\"~mkdri\"", "/linux/syscallFilter/0",
		"unknown system call \"mkdri\" (did you mean \"mkdir\"?)");
	refused("\"syscallFilter\": [\"~mkdir:EACESS\"]", "\"~mkdir", "/linux/syscallFilter/0",
		"unknown errno \"EACESS\" in \"~mkdir:EACESS\" (did you mean \"EACCES\"?): expected a "
		"name such as EACCES or a number from 1 to 4095");
	refused("\"syscallFilter\": [\"~mkdir:0\"]", "\"~mkdir", "/linux/syscallFilter/0",
		"unknown errno \"0\" in \"~mkdir:0\": expected a name such as EACCES or a number from 1 "
		"to 4095");
	refused("\"syscallFilter\": [\"@default\", \"mkdir:EACCES\"]", "\"mkdir:", "/linux/syscallFilter/1",
		"an errno applies only to a denied entry: write \"~mkdir:EACCES\"");
	refused("\"syscallFilter\": [\"~\"]", "\"~\"", "/linux/syscallFilter/0",
		"no system call or group in \"~\"");
	refused("\"syscallFilter\": [\"read\", 7]", "7]", "/linux/syscallFilter/1",
		"expected a string such as \"@system-service\", \"~@mount\" or \"~mkdir:EACCES\", got number");
	refused("\"syscallFilter\": \"~read\"", "\"~read\"", "/linux/syscallFilter",
		"expected an array, got \"~read\"");
	refused("\"syscallFilter\": [\"~read\"], \"syscallErrno\": \"EPREM\"", "\"EPREM\"",
		"/linux/syscallErrno", "unknown errno \"EPREM\" (did you mean \"EPERM\"?): expected a name "
		"such as EPERM or a number from 1 to 4095");
	refused("\"syscallErrno\": \"EACCES\"", "\"EACCES\"", "/linux/syscallErrno",
		"has no effect without /linux/syscallFilter");
}

#define SC(x) "\"seccomp\": {" x "}"

static void test_seccomp_errors(void)
{
	refused(SC("\"syscalls\": []"), "{\"syscalls", "/linux/seccomp", "\"defaultAction\" is required");
	refused(SC("\"defaultAction\": \"SCMP_ACT_DENY\""), "\"SCMP_ACT_DENY\"", "/linux/seccomp/defaultAction",
		"unknown action \"SCMP_ACT_DENY\" (did you mean \"SCMP_ACT_KILL\"?), expected one of "
		"SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, "
		"SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
		   "\"action\": \"SCMP_ACT_ERRNOR\"}]"), "\"SCMP_ACT_ERRNOR\"",
		"/linux/seccomp/syscalls/0/action", "unknown action \"SCMP_ACT_ERRNOR\" (did you mean "
		"\"SCMP_ACT_ERRNO\"?), expected one of SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, "
		"SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, "
		"SCMP_ACT_LOG, SCMP_ACT_NOTIFY");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1"), "1}",
		"/linux/seccomp/defaultErrnoRet", "only applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE, "
		"not SCMP_ACT_ALLOW");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 4096"), "4096",
		"/linux/seccomp/defaultErrnoRet", "expected an integer from 0 to 4095, got 4096");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X87\"]"),
		"\"SCMP_ARCH_X87\"", "/linux/seccomp/architectures/0", "unknown architecture "
		"\"SCMP_ARCH_X87\" (did you mean \"SCMP_ARCH_X86\"?), expected one like \"SCMP_ARCH_X86_64\"");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86\", "
		   "\"SCMP_ARCH_X86\"]"), "\"SCMP_ARCH_X86\"]", "/linux/seccomp/architectures/1",
		"architecture \"SCMP_ARCH_X86\" is listed twice");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOGG\"]"),
		"\"SECCOMP_FILTER_FLAG_LOGG\"", "/linux/seccomp/flags/0", "unknown flag "
		"\"SECCOMP_FILTER_FLAG_LOGG\", expected one of SECCOMP_FILTER_FLAG_TSYNC, "
		"SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, "
		"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\", "
		   "\"frobnicate\"], \"action\": \"SCMP_ACT_ERRNO\"}]"), "\"frobnicate\"",
		"/linux/seccomp/syscalls/0/names/1", "unknown system call \"frobnicate\": libseccomp "
		"2.5.4 does not know it for any architecture (runc and crun skip such names; nsrun "
		"refuses them so that no rule is dropped silently)");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [], "
		   "\"action\": \"SCMP_ACT_ERRNO\"}]"), "[], ", "/linux/seccomp/syscalls/0/names",
		"must name at least one system call");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"]}]"),
		"{\"names\"", "/linux/seccomp/syscalls/0", "\"action\" is required");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], "
		   "\"action\": \"SCMP_ACT_KILL\", \"errnoRet\": 5}]"), "5}", "/linux/seccomp/syscalls/0/errnoRet",
		"only applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not SCMP_ACT_KILL");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
		   "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": "
		   "\"SCMP_CMP_EQ\"}]}]"), "6,", "/linux/seccomp/syscalls/0/args/0/index",
		"expected an integer from 0 to 5, got 6");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
		   "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": "
		   "\"SCMP_CMP_EQUAL\"}]}]"), "\"SCMP_CMP_EQUAL\"", "/linux/seccomp/syscalls/0/args/0/op",
		"unknown operator \"SCMP_CMP_EQUAL\" (did you mean \"SCMP_CMP_EQ\"?), expected one of "
		"SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, "
		"SCMP_CMP_MASKED_EQ");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
		   "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"valueTwo\": 2, "
		   "\"op\": \"SCMP_CMP_EQ\"}]}]"), "{\"index\"", "/linux/seccomp/syscalls/0/args/0",
		"\"valueTwo\" only applies to SCMP_CMP_MASKED_EQ");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
		   "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]"),
		"{\"index\"", "/linux/seccomp/syscalls/0/args/0", "\"value\" is required");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"ioctl\"], "
		   "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 1, \"value\": 4294988818, "
		   "\"op\": \"SCMP_CMP_EQ\"}]}]"), "{\"index\"", "/linux/seccomp/syscalls/0/args/0",
		"ioctl request numbers are 32 bits (the kernel ignores the upper half), got 0x100005412");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"], "
		   "\"action\": \"SCMP_ACT_NOTIFY\"}]"), "\"SCMP_ACT_NOTIFY\"", "/linux/seccomp/syscalls/0/action",
		"SCMP_ACT_NOTIFY needs /linux/seccomp/listenerPath: the socket of the agent that answers "
		"the notifications");
	refused(SC("\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"listenerPath\": \"/run/a.sock\""),
		"\"SCMP_ACT_NOTIFY\"", "/linux/seccomp/defaultAction", "SCMP_ACT_NOTIFY cannot be the "
		"default action: nsrun hands the listener over with sendmsg(2) after the filter is in");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/a.sock\", "
		   "\"syscalls\": [{\"names\": [\"mkdir\", \"sendmsg\"], \"action\": \"SCMP_ACT_NOTIFY\"}]"),
		"\"sendmsg\"", "/linux/seccomp/syscalls/0/names/1", "SCMP_ACT_NOTIFY cannot apply to "
		"sendmsg: nsrun hands the listener over with sendmsg(2) after the filter is in");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"run/a.sock\""),
		"\"run/a.sock\"", "/linux/seccomp/listenerPath", "must be an absolute path, got \"run/a.sock\"");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerMetadata\": \"x\""), "\"x\"",
		"/linux/seccomp/listenerMetadata", "must not be set without \"listenerPath\"");
	refused(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": "
		   "[\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]"), "{\"defaultAction", "/linux/seccomp/flags",
		"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV only applies when a rule uses SCMP_ACT_NOTIFY");
}

static void test_deny_list(void)
{
	_cleanup_plan_ struct plan *p = plan_of("\"syscallFilter\": [\"~@mount\", \"umount2\", \"~mkdir:EACCES\"]",
					       with_sys_admin);
	const struct plan_seccomp *f = filter(p, 0);
	if (!tap_ok(f && !filter(p, 1), "one filter"))
		return;
	tap_ok(!f->allow_list && f->default_action == SCMP_ACT_ALLOW, "deny list: default allow");
	tap_ok(action_for(f, "mount") == SCMP_ACT_ERRNO(EPERM), "mount: EPERM");
	tap_ok(action_for(f, "fsmount") == SCMP_ACT_ERRNO(EPERM), "fsmount (in @mount): EPERM");
	tap_ok(rules_for(f, "umount2") == 0, "umount2 taken out again by a later entry");
	tap_ok(action_for(f, "mkdir") == SCMP_ACT_ERRNO(EACCES), "mkdir: its own errno EACCES");
	tap_ok(rules_for(f, "read") == 0, "read: no rule");
	tap_ok(f->n_arches == 3 && f->arches[0] == SCMP_ARCH_X86_64 && f->arches[1] == SCMP_ARCH_X86 &&
	       f->arches[2] == SCMP_ARCH_X32, "x86-64, i386 and x32 ABIs");
	_cleanup_free_ char *d = describe(f);
	size_t n = f->n_denied;
	_cleanup_free_ char *want = xasprintf("/linux/syscallFilter: deny-list, %zu syscalls denied "
					      "(EPERM; EACCES for 1), others allowed; arches X86_64 X86 X32", n);
	tap_str_eq(d, want, "described");
	/* the plan: right after stdio, right before exec */
	size_t i = 0;
	while (i < p->n_steps && p->steps[i].kind != STEP_SECCOMP)
		i++;
	tap_ok(i > 0 && i + 1 < p->n_steps && p->steps[i - 1].kind == STEP_STDIO &&
	       p->steps[i + 1].kind == STEP_EXEC, "the step sits between stdio and exec");
}

static void test_allow_list(void)
{
	_cleanup_plan_ struct plan *p = plan_of("\"syscallFilter\": [\"@system-service\", \"~mkdir:EACCES\"], "
					       "\"syscallErrno\": \"EIO\"", NULL);
	const struct plan_seccomp *f = filter(p, 0);
	if (!tap_ok(f != NULL, "a filter"))
		return;
	tap_ok(f->allow_list && f->default_action == SCMP_ACT_ERRNO(ENOSYS), "allow list: others ENOSYS");
	tap_ok(action_for(f, "read") == SCMP_ACT_ALLOW, "read allowed");
	tap_ok(action_for(f, "execve") == SCMP_ACT_ALLOW, "execve allowed");
	tap_ok(action_for(f, "mkdir") == SCMP_ACT_ERRNO(EACCES), "mkdir denied with EACCES");
	tap_ok(action_for(f, "swapon") == SCMP_ACT_ERRNO(EIO), "swapon denied with syscallErrno EIO");
	tap_ok(action_for(f, "reboot") == SCMP_ACT_ERRNO(EIO), "reboot denied");
	tap_ok(rules_for(f, "osf_getsysinfo") == 0 && f->n_other_arch > 0,
	       "names of other architectures left out (%zu)", f->n_other_arch);
	tap_ok(action_for(f, "socketcall") != SCMP_ACT_ERRNO(ENOSYS), "i386's socketcall has a rule");
	tap_ok(f->n_allowed + f->n_denied == f->n_rules, "every rule counted once (%zu + %zu)",
	       f->n_allowed, f->n_denied);

	_cleanup_plan_ struct plan *p2 = plan_of("\"syscallFilter\": [\"read\"]", NULL);
	f = filter(p2, 0);
	if (!tap_ok(f != NULL, "allow list of one"))
		return;
	tap_ok(action_for(f, "execve") == SCMP_ACT_ALLOW && action_for(f, "exit_group") == SCMP_ACT_ALLOW,
	       "an allow list starts with @default");
	tap_ok(action_for(f, "write") == SCMP_ACT_ERRNO(EPERM), "write denied: EPERM");
	_cleanup_plan_ struct plan *p3 = plan_of("\"syscallFilter\": [\"read\", \"~@default\"]", NULL);
	f = filter(p3, 0);
	tap_ok(f && action_for(f, "execve") == SCMP_ACT_ERRNO(EPERM), "... which a later entry can take out");
}

static void test_oci(void)
{
	_cleanup_plan_ struct plan *p = plan_of(SC(
		"\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86\"], "
		"\"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"], \"syscalls\": ["
		"{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 18},"
		"{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
		"{\"names\": [\"s390_sthyi\"], \"action\": \"SCMP_ACT_KILL\"},"
		"{\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 1, "
		"\"value\": 21522, \"op\": \"SCMP_CMP_EQ\"}]},"
		"{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
		"{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 0, \"value\": 9, "
		"\"op\": \"SCMP_CMP_EQ\"}]},"
		"{\"names\": [\"prctl\"], \"action\": \"SCMP_ACT_TRACE\", \"args\": ["
		"{\"index\": 0, \"value\": 3, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 1, \"value\": 255, "
		"\"valueTwo\": 1, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]"), with_sys_admin);
	const struct plan_seccomp *f = filter(p, 0);
	if (!tap_ok(f != NULL, "an OCI filter"))
		return;
	tap_ok(f->n_arches == 2 && f->arches[0] == SCMP_ARCH_X86_64 && f->arches[1] == SCMP_ARCH_X86,
	       "the native architecture and the listed one");
	tap_ok(action_for(f, "mkdir") == SCMP_ACT_ERRNO(18), "errnoRet 18");
	tap_ok(rules_for(f, "read") == 0 && f->n_dropped == 1, "a rule with the default action is dropped");
	tap_ok(rules_for(f, "s390_sthyi") == 0 && f->n_other_arch == 1, "a name of another architecture "
	       "is left out");
	const struct plan_seccomp_rule *r = NULL;
	for (size_t i = 0; i < f->n_rules; i++)
		if (strcmp(f->rules[i].syscall, "ioctl") == 0)
			r = &f->rules[i];
	tap_ok(r && r->n_cmp == 1 && r->cmp[0].index == 1 && r->cmp[0].op == SCMP_CMP_MASKED_EQ &&
	       r->cmp[0].a == 0xffffffff && r->cmp[0].b == 21522, "ioctl's request compared on 32 bits");
	tap_ok(rules_for(f, "personality") == 2, "a repeated index gives one rule per comparison (runc)");
	size_t n = 0;
	for (size_t i = 0; i < f->n_rules; i++)
		if (strcmp(f->rules[i].syscall, "prctl") == 0 && f->rules[i].n_cmp == 2 &&
		    f->rules[i].cmp[1].op == SCMP_CMP_MASKED_EQ && f->rules[i].cmp[1].a == 255 &&
		    f->rules[i].cmp[1].b == 1 && f->rules[i].action == SCMP_ACT_TRACE(EPERM))
			n++;
	tap_ok(n == 1, "other comparisons are ANDed in one rule; TRACE defaults to EPERM");
	_cleanup_free_ char *d = describe(f);
	tap_str_eq(d, "/linux/seccomp: default SCMP_ACT_ALLOW, 0 syscalls allowed, 4 denied; "
		   "arches X86_64 X86; flag LOG; 1 names not on these architectures", "described");
}

static void test_oci_conflicts(void)
{
	/* As libseccomp, runc and crun: the first unconditional rule of a
	 * syscall wins over its other rules; the plan counts what it drops. */
	_cleanup_plan_ struct plan *p = plan_of(SC("\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
		"{\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ALLOW\"},"
		"{\"names\": [\"read\", \"ioctl\"], \"action\": \"SCMP_ACT_KILL\", \"args\": [{\"index\": 1, "
		"\"value\": 21522, \"op\": \"SCMP_CMP_EQ\"}]}]"), NULL);
	const struct plan_seccomp *f = filter(p, 0);
	tap_ok(f && rules_for(f, "ioctl") == 1 && action_for(f, "ioctl") == SCMP_ACT_ALLOW &&
	       rules_for(f, "read") == 1 && f->n_overridden == 1,
	       "an unconditional rule overrides a conditional one of another action");
	_cleanup_free_ char *d = f ? describe(f) : NULL;
	tap_ok(d && strstr(d, "; 1 conditional rules overridden by an unconditional one, as libseccomp does"),
	       "... and the plan says so");
	_cleanup_plan_ struct plan *p2 = plan_of(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		"{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"},"
		"{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13}]"), NULL);
	f = filter(p2, 0);
	tap_ok(f && rules_for(f, "mkdir") == 1 && action_for(f, "mkdir") == SCMP_ACT_ERRNO(EPERM) &&
	       f->n_overridden == 1, "of two unconditional rules the first wins");
	_cleanup_plan_ struct plan *p3 = plan_of(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		"{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"},"
		"{\"names\": [\"mkdir\", \"rmdir\"], \"action\": \"SCMP_ACT_ERRNO\"},"
		"{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 1, "
		"\"value\": 7, \"op\": \"SCMP_CMP_EQ\"}]}]"), NULL);
	f = filter(p3, 0);
	tap_ok(f && rules_for(f, "mkdir") == 1 && f->n_dropped == 2 && f->n_overridden == 0,
	       "redundant rules are dropped");
	_cleanup_plan_ struct plan *p4 = plan_of(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		"{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 1, "
		"\"value\": 7, \"op\": \"SCMP_CMP_EQ\"}]},"
		"{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_KILL\", \"args\": [{\"index\": 1, "
		"\"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]}]"), NULL);
	f = filter(p4, 0);
	tap_ok(f && rules_for(f, "mkdir") == 2 && f->n_dropped == 0, "conditional rules alone all stay");
}

static void test_both(void)
{
	_cleanup_plan_ struct plan *p = plan_of("\"syscallFilter\": [\"~mkdir\"], "
		SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"rmdir\"], "
		   "\"action\": \"SCMP_ACT_ERRNO\"}]"), NULL);
	const struct plan_seccomp *f0 = filter(p, 0), *f1 = filter(p, 1);
	tap_ok(f0 && f1 && strcmp(f0->source, "/linux/seccomp") == 0 &&
	       strcmp(f1->source, "/linux/syscallFilter") == 0, "both filters: OCI's first, then nsrun's");
	const char *e = plan_error("\"syscallFilter\": [\"~mkdir\"], "
		SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"seccomp\"], "
		   "\"action\": \"SCMP_ACT_ERRNO\"}]"), NULL);
	tap_ok(strstr(e, "/linux/seccomp: gives seccomp SCMP_ACT_ERRNO(EPERM), but nsrun calls it right "
		      "after loading the filter to install /linux/syscallFilter") != NULL,
	       "OCI's filter must allow seccomp(2) for nsrun's to follow");
	e = plan_error(SC("\"defaultAction\": \"SCMP_ACT_ERRNO\", \"listenerPath\": \"/run/a\", "
		"\"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]"), NULL);
	tap_ok(strstr(e, "/linux/seccomp: gives sendmsg SCMP_ACT_ERRNO(EPERM), but nsrun calls it right "
		      "after loading the filter to hand the listener to the agent at listenerPath") != NULL,
	       "a listener needs sendmsg(2) allowed");
	_cleanup_plan_ struct plan *p2 = plan_of(SC("\"defaultAction\": \"SCMP_ACT_ALLOW\", "
		"\"listenerPath\": \"/run/a\", \"listenerMetadata\": \"m\", \"syscalls\": "
		"[{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]"), NULL);
	f0 = filter(p2, 0);
	tap_ok(f0 && f0->listener && strcmp(f0->listener_path, "/run/a") == 0 &&
	       strcmp(f0->listener_metadata, "m") == 0, "the listener and its metadata");
}

static void test_nnp(void)
{
	static const char caps[] = ", \"capabilities\": {\"bounding\": [\"CAP_CHOWN\"], "
		"\"effective\": [\"CAP_CHOWN\"], \"permitted\": [\"CAP_CHOWN\"]}";
	_cleanup_plan_ struct plan *p = plan_of("\"syscallFilter\": [\"~mkdir\"]", caps);
	const struct plan_seccomp *f = filter(p, 0);
	tap_ok(f && f->set_nnp, "no CAP_SYS_ADMIN, no noNewPrivileges: no_new_privs set by the filter step");
	_cleanup_free_ char *d = f ? describe(f) : NULL;
	tap_ok(d && strstr(d, "; no_new_privs set first (a filter needs it without CAP_SYS_ADMIN, "
			   "as in systemd)") != NULL, "... and the plan says so");
	_cleanup_free_ char *caps_nnp = xasprintf("%s, \"noNewPrivileges\": true", caps);
	_cleanup_plan_ struct plan *p2 = plan_of("\"syscallFilter\": [\"~mkdir\"]", caps_nnp);
	tap_ok(filter(p2, 0) && !filter(p2, 0)->set_nnp, "noNewPrivileges: set by its own step");
	_cleanup_plan_ struct plan *p3 = plan_of("\"syscallFilter\": [\"~mkdir\"]", with_sys_admin);
	tap_ok(filter(p3, 0) && !filter(p3, 0)->set_nnp, "with CAP_SYS_ADMIN: not needed");
	/* linux.seccomp (OCI): loaded right after the user switch, no_new_privs stays off */
	_cleanup_plan_ struct plan *p4 = plan_of("\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", "
		"\"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}", caps);
	const struct plan_seccomp *f4 = filter(p4, 0);
	tap_ok(f4 && f4->early && !f4->set_nnp, "linux.seccomp without CAP_SYS_ADMIN: loaded early, no no_new_privs");
	size_t user = 0, sc = 0, capstep = 0;
	for (size_t i = 0; p4 && i < p4->n_steps; i++) {
		enum plan_step_kind k = p4->steps[i].kind;
		if (k == STEP_USER) user = i;
		if (k == STEP_SECCOMP) sc = i;
		if (k == STEP_CAPS) capstep = i;
	}
	tap_ok(user < sc && sc < capstep, "... between the user switch and the final capabilities");
	_cleanup_plan_ struct plan *p5 = plan_of("\"syscallFilter\": []", NULL);
	/* (a pid namespace: proc in the default private user range needs one) */
	_cleanup_plan_ struct plan *p6 = plan_of("\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"}, {\"type\": \"ipc\"}]", NULL);
	tap_ok(p5 && !filter(p5, 0) && p6 && filter(p6, 0) && filter(p6, 0)->allow_list,
	       "a minimal spec gets nspawn's allow list; \"syscallFilter\": [] turns it off");
}

/* The rewritten comparisons say exactly "(uint32_t)x OP v", whatever the
 * upper half of x, for a spread of values and random ones. */
static bool matches(const struct plan_seccomp_cmp *alt, int n, uint64_t x)
{
	if (n < 0)
		return true;
	for (int i = 0; i < n; i++)
		if ((x & alt[i].a) == alt[i].b)
			return true;
	return false;
}

static bool expected(int op, uint32_t v, uint32_t m, uint32_t x)
{
	switch (op) {
	case SCMP_CMP_NE: return x != v;
	case SCMP_CMP_LT: return x < v;
	case SCMP_CMP_LE: return x <= v;
	case SCMP_CMP_EQ: return x == v;
	case SCMP_CMP_GE: return x >= v;
	case SCMP_CMP_GT: return x > v;
	case SCMP_CMP_MASKED_EQ: return (x & v) == m;
	}
	return false;
}

static void test_low32(void)
{
	static const uint32_t edge[] = { 0, 1, 2, 0x5412, 0x5413, 0x7fffffff, 0x80000000, 0xfffffffe,
					 0xffffffff };
	unsigned bad = 0, checks = 0;
	srandom(42);
	for (int op = SCMP_CMP_NE; op <= SCMP_CMP_MASKED_EQ; op++) {
		for (unsigned t = 0; t < 400; t++) {
			uint32_t v = t < ARRAY_SIZE(edge) ? edge[t] : (uint32_t)random() ^ ((uint32_t)random() << 16);
			uint32_t m = op == SCMP_CMP_MASKED_EQ ? v & (uint32_t)random() : 0;
			struct plan_seccomp_cmp alt[32];
			int n = plan_seccomp_low32(1, op, v, m, alt);
			for (unsigned k = 0; k < 200; k++) {
				uint32_t lo = k < ARRAY_SIZE(edge) ? edge[k] : k % 3 == 0 ? v + (k & 3) - 2 :
					      (uint32_t)random() ^ ((uint32_t)random() << 16);
				uint64_t hi = k & 1 ? (uint64_t)random() << 32 : 0;
				checks++;
				if (matches(alt, n, hi | lo) != expected(op, v, m, lo))
					bad++;
			}
			for (int i = 0; i < n; i++)
				if (alt[i].op != SCMP_CMP_MASKED_EQ || alt[i].a > 0xffffffff || alt[i].index != 1)
					bad++;
		}
	}
	tap_ok(bad == 0, "low-32-bit rewrites agree with the kernel's view in %u checks (%u wrong)",
	       checks, bad);
}

int main(void)
{
	test_filter_errors();
	test_seccomp_errors();
	test_deny_list();
	test_allow_list();
	test_oci();
	test_oci_conflicts();
	test_both();
	test_nnp();
	test_low32();
	return tap_done();
}
