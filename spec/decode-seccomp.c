/* The syscall rules of a spec: nsrun's linux.syscallFilter and
 * linux.syscallErrno, and OCI's linux.seccomp.  Decoding and every check
 * that needs only these members; spec/plan-seccomp.c turns them into
 * filters and libexec/seccomp.c loads them.
 *
 * linux.syscallFilter (nsrun) has the meaning of systemd's
 * SystemCallFilter= (systemd.exec(5)), written as a JSON array:
 *  - Each entry is a system call ("read") or a group ("@mount"; `nsrun
 *    analyze syscall-filter` lists them).  A leading '~' denies it.
 *  - The first entry decides the mode.  Without '~' the list is an allow
 *    list: what it does not allow is denied.  With '~' it is a deny list:
 *    what it does not deny is allowed.  Later entries add to or take from
 *    the list, in order: ["@system-service", "~@resources"] allows
 *    @system-service except @resources; ["~@mount", "umount2"] denies
 *    @mount except umount2.
 *  - An allow list starts with @default, as in systemd: without it no
 *    program could even start (execve, exit_group, ...).
 *  - Denied system calls fail with linux.syscallErrno (an errno name,
 *    EPERM when not given); "~mkdir:EACCES" gives one entry its own errno
 *    (a name, or a number from 1 to 4095).  An errno on an entry without
 *    '~' is an error: allowed calls do not fail.
 *  - In an allow list, system calls outside @known (newer than nsrun's
 *    table, which is systemd 252's) fail with ENOSYS, as under
 *    systemd-nspawn, so that programs fall back as on an older kernel.
 *  - On x86-64 the filter also covers the i386 (int $0x80) and x32 ABIs,
 *    so that a denied call cannot be reached through them.
 *  - Example: ["~read"] makes read(2) fail with EPERM.  Programs still
 *    start (the kernel loads executables without read(2)), but whatever
 *    reads a file, a pipe or the terminal with read(2) fails: busybox
 *    `wc -l /etc/passwd` prints "wc: /etc/passwd: Operation not permitted"
 *    and exits with 1.  Calls that read otherwise are not read(2): busybox
 *    cat copies with sendfile(2) and still works; deny "@basic-io" or
 *    "@file-system" to stop reading as a whole.
 *  - A name must be a group, a system call of nsrun's table or one
 *    libseccomp knows; anything else is an error with a suggestion.
 *    Members of groups that do not exist on this machine's architectures
 *    (alpha's osf_*, s390_*, ...) are left out of the filter.
 *
 * linux.seccomp (OCI runtime-spec, config-linux.md "Seccomp") is read in
 * full: defaultAction, defaultErrnoRet, architectures, flags, listenerPath,
 * listenerMetadata and syscalls[] (names, action, errnoRet, args).  It is
 * strict where runc and crun are lenient:
 *  - A system call name libseccomp does not know for any architecture is an
 *    error.  runc and crun skip such names; nsrun refuses them so that a
 *    rule never disappears silently.  Names of other architectures that
 *    libseccomp knows (e.g. "arm_fadvise64_64") are accepted and apply
 *    where they exist.
 *  - errnoRet only with SCMP_ACT_ERRNO and SCMP_ACT_TRACE (as the spec
 *    says); valueTwo only with SCMP_CMP_MASKED_EQ (or 0).
 *  - SCMP_ACT_NOTIFY needs listenerPath (absolute, at most 107 bytes), and
 *    cannot be the default action nor apply to sendmsg: nsrun hands the
 *    listener over with sendmsg(2) after the filter is in, and would wait
 *    for an agent that has not got it yet.
 *  - Arguments of ioctl's request (index 1) are compared on their low 32
 *    bits, which is what the kernel uses (SECURITY.md rule 8); a value
 *    with higher bits set is an error.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/un.h>

#include "decode.h"
#include "seccomp-names.h"
#include "syscall-groups.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* ---- names ---- */

static const struct { const char *name; uint32_t action; } actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0) },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0) },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY },
};
#define ACTION_LIST "SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, " \
	"SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY"

/* The action without its errno/trace data. */
uint32_t spec_seccomp_action_kind(uint32_t action)
{
	uint32_t hi = action & 0xffff0000U;
	return hi == SCMP_ACT_ERRNO(0) || hi == SCMP_ACT_TRACE(0) ? hi : action;
}

static bool action_has_data(uint32_t action)
{
	uint32_t k = spec_seccomp_action_kind(action);
	return k == SCMP_ACT_ERRNO(0) || k == SCMP_ACT_TRACE(0);
}

const char *spec_seccomp_action_name(uint32_t action)
{
	uint32_t k = spec_seccomp_action_kind(action);
	for (size_t i = 1; i < ARRAY_SIZE(actions); i++)
		if (actions[i].action == k)
			return actions[i].name;
	return "SCMP_ACT_?";
}

void spec_seccomp_action_format(uint32_t action, char *buf, size_t size)
{
	const char *name = spec_seccomp_action_name(action);
	if (!action_has_data(action)) {
		snprintf(buf, size, "%s", name);
		return;
	}
	int data = (int)(action & 0xffffU);
	const char *e = spec_seccomp_action_kind(action) == SCMP_ACT_ERRNO(0) ? nsrun_errno_name(data) : NULL;
	if (e)
		snprintf(buf, size, "%s(%s)", name, e);
	else
		snprintf(buf, size, "%s(%d)", name, data);
}

/* OCI's architecture names; those libseccomp does not know are refused. */
static const char *const arch_names[] = {
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
	"SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
	"SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
	"SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC",
	"SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
	"SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
};

/* "SCMP_ARCH_X86_64" -> libseccomp's token, 0 when libseccomp does not know it. */
static uint32_t arch_token(const char *oci_name)
{
	char lower[32];
	size_t i;
	if (strncmp(oci_name, "SCMP_ARCH_", 10) != 0 || strlen(oci_name + 10) >= sizeof(lower))
		return 0;
	for (i = 0; oci_name[10 + i]; i++) {
		char ch = oci_name[10 + i];
		lower[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
	}
	lower[i] = '\0';
	return seccomp_arch_resolve_name(lower);
}

const char *spec_seccomp_arch_name(uint32_t token)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_names); i++)
		if (arch_token(arch_names[i]) == token)
			return arch_names[i] + 10;
	return "?";
}

static const char *const op_names[] = {
	[SCMP_CMP_NE] = "SCMP_CMP_NE", [SCMP_CMP_LT] = "SCMP_CMP_LT", [SCMP_CMP_LE] = "SCMP_CMP_LE",
	[SCMP_CMP_EQ] = "SCMP_CMP_EQ", [SCMP_CMP_GE] = "SCMP_CMP_GE", [SCMP_CMP_GT] = "SCMP_CMP_GT",
	[SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const struct { const char *name; unsigned flag; } flag_names[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
	{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

const char *spec_seccomp_flag_name(unsigned flag)
{
	for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (flag_names[i].flag == flag)
			return flag_names[i].name + 20;
	return "?";
}

/* An errno name ("EACCES") or number (1..4095); -1 when neither. */
int spec_parse_errno(const char *s)
{
	int e = nsrun_errno_from_name(s);
	if (e > 0)
		return e;
	if (*s < '1' || *s > '9' || strlen(s) > 4)
		return -1;
	int v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v <= 4095 ? v : -1;
}

static const char *suggest_errno(const char *word)
{
	const char *names[200];
	size_t n = 0;
	for (int e = 1; e < 200 && n < ARRAY_SIZE(names); e++)
		if (nsrun_errno_name(e))
			names[n++] = nsrun_errno_name(e);
	return spec_suggest(word, (const char *const *)names, n);
}

static bool syscall_name_valid(const char *name)
{
	return syscall_name_known(name) || syscall_groups_containing(name, NULL, 0) > 0 ||
	       seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

/* A close name from @known; with `libseccomp_only`, one libseccomp knows. */
static const char *suggest_syscall(const char *word, bool libseccomp_only)
{
	_cleanup_syscall_names_ char **known = NULL;
	size_t n = 0, k = 0;
	struct nsrun_error err;
	if (syscall_group_expand("@known", &known, &n, &err) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(known[i], word) == 0 ||
		    (libseccomp_only && seccomp_syscall_resolve_name(known[i]) == __NR_SCMP_ERROR))
			free(known[i]);
		else
			known[k++] = known[i];
	}
	known[k] = NULL;
	const char *s = spec_suggest(word, (const char *const *)known, k);
	/* the candidates are freed: map back to a static name */
	if (!s)
		return NULL;
	SYSCALL_GROUP_FOREACH(g)
		for (size_t i = 0; i < g->n_members; i++)
			if (strcmp(g->members[i], s) == 0)
				return g->members[i];
	return NULL;
}

static const char *suggest_group(const char *word)
{
	const char *names[64];
	size_t n = 0;
	SYSCALL_GROUP_FOREACH(g)
		if (n < ARRAY_SIZE(names))
			names[n++] = g->name;
	return spec_suggest(word, names, n);
}

#define SUGGEST(s) (s) ? " (did you mean \"" : "", (s) ? (s) : "", (s) ? "\"?)" : ""

/* ---- linux.syscallFilter, linux.syscallErrno ---- */

static int dec_filter_entry(struct dec *d, const struct json_node *n, struct spec_syscall_entry *e)
{
	if (dec_want_string(d, n, "a string such as \"@system-service\", \"~@mount\" or "
				   "\"~mkdir:EACCES\"") < 0)
		return -1;
	const char *t = n->text;
	e->pos = dec_pos(n);
	if (*t == '~') {
		e->deny = true;
		t++;
	}
	const char *colon = strchr(t, ':');
	e->name = colon ? xstrndup(t, (size_t)(colon - t)) : xstrdup(t);
	if (!e->name[0])
		return dec_fail(d, n, "no system call or group in \"%s\"", n->text);
	if (e->name[0] == '@') {
		if (!syscall_group_find(e->name)) {
			const char *s = suggest_group(e->name);
			return dec_fail(d, n, "unknown system call group \"%s\"%s%s%s; `nsrun analyze "
					"syscall-filter` lists them", e->name, SUGGEST(s));
		}
	} else if (!syscall_name_valid(e->name)) {
		const char *s = suggest_syscall(e->name, false);
		return dec_fail(d, n, "unknown system call \"%s\"%s%s%s", e->name, SUGGEST(s));
	}
	if (colon) {
		if (!e->deny)
			return dec_fail(d, n, "an errno applies only to a denied entry: write \"~%s\"",
					n->text);
		e->errnum = spec_parse_errno(colon + 1);
		if (e->errnum < 0) {
			const char *s = suggest_errno(colon + 1);
			return dec_fail(d, n, "unknown errno \"%s\" in \"%s\"%s%s%s: expected a name "
					"such as EACCES or a number from 1 to 4095", colon + 1, n->text,
					SUGGEST(s));
		}
	}
	return 0;
}

static int dec_filter_item(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct spec_syscall_filter *f = arg;
	f->n = i + 1;
	return dec_filter_entry(d, n, &f->v[i]);
}

int dec_syscall_filter(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_syscall_filter *f = target;
	if (dec_array(d, n) < 0)
		return -1;
	f->pos = dec_pos(n);
	if (n->count == 0)
		return 0; /* no filter: a minimal spec's way to turn nspawn's off */
	/* Planning costs entries x group size: 400k "@known" in a 4 MiB file
	 * took minutes.  Real lists are a few dozen entries. */
	if (n->count > SPEC_SYSCALL_FILTER_MAX)
		return dec_fail(d, n, "more than %d entries", SPEC_SYSCALL_FILTER_MAX);
	f->v = xcalloc(n->count, sizeof(*f->v));
	return dec_items(d, n, dec_filter_item, f);
}

static int dec_syscall_errno(struct dec *d, struct spec_syscall_filter *f, const struct json_node *n)
{
	if (dec_want_string(d, n, "an errno name such as \"EPERM\"") < 0)
		return -1;
	f->errnum = spec_parse_errno(n->text);
	if (f->errnum < 0) {
		const char *s = suggest_errno(n->text);
		return dec_fail(d, n, "unknown errno \"%s\"%s%s%s: expected a name such as EPERM or "
				"a number from 1 to 4095", n->text, SUGGEST(s));
	}
	return 0;
}

/* ---- linux.seccomp ---- */

static int dec_action(struct dec *d, const struct json_node *n, uint32_t *out)
{
	if (dec_want_string(d, n, "an action such as \"SCMP_ACT_ERRNO\"") < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (strcmp(actions[i].name, n->text) == 0) {
			*out = actions[i].action;
			return 0;
		}
	const char *names[ARRAY_SIZE(actions)];
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		names[i] = actions[i].name;
	const char *s = spec_suggest(n->text, names, ARRAY_SIZE(names));
	return dec_fail(d, n, "unknown action \"%s\"%s%s%s, expected one of " ACTION_LIST, n->text,
			SUGGEST(s));
}

/* errnoRet/defaultErrnoRet: folded into the action; EPERM when absent. */
static int dec_errno_ret(struct dec *d, struct dec_obj *o, const char *key, const struct json_node *action_node,
			 uint32_t *action)
{
	const struct json_node *n = dec_member(o, key);
	uint64_t v = EPERM;
	if (n) {
		size_t old = dec_push_key(d, key);
		if (!action_has_data(*action))
			return dec_fail(d, n, "only applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not %s",
					action_node->text);
		bool trace = spec_seccomp_action_kind(*action) == SCMP_ACT_TRACE(0);
		if (dec_uint(d, n, trace ? 65535 : 4095, &v) < 0)
			return -1;
		dec_pop(d, old);
	}
	if (action_has_data(*action))
		*action |= (uint32_t)v;
	return 0;
}

static int dec_arch(struct dec *d, void *arg, size_t i, const struct json_node *a)
{
	struct spec_seccomp *sc = arg;
	(void)i;
	if (dec_want_string(d, a, "an architecture such as \"SCMP_ARCH_X86_64\"") < 0)
		return -1;
	uint32_t tok = arch_token(a->text);
	if (!tok) {
		bool oci = false;
		for (size_t k = 0; k < ARRAY_SIZE(arch_names); k++)
			oci |= strcmp(arch_names[k], a->text) == 0;
		if (oci)
			return dec_fail(d, a, "architecture \"%s\" is not known to libseccomp %u.%u.%u",
					a->text, seccomp_version()->major, seccomp_version()->minor,
					seccomp_version()->micro);
		/* Debian's and Go's names for them first */
		static const char *const alias[][2] = {
			{ "SCMP_ARCH_AMD64", "SCMP_ARCH_X86_64" }, { "SCMP_ARCH_I386", "SCMP_ARCH_X86" },
			{ "SCMP_ARCH_386", "SCMP_ARCH_X86" }, { "SCMP_ARCH_ARM64", "SCMP_ARCH_AARCH64" },
		};
		const char *s = NULL;
		for (size_t k = 0; k < ARRAY_SIZE(alias); k++)
			if (strcmp(alias[k][0], a->text) == 0)
				s = alias[k][1];
		if (!s)
			s = spec_suggest(a->text, arch_names, ARRAY_SIZE(arch_names));
		return dec_fail(d, a, "unknown architecture \"%s\"%s%s%s, expected one like "
				"\"SCMP_ARCH_X86_64\"", a->text, SUGGEST(s));
	}
	for (size_t k = 0; k < sc->n_arches; k++)
		if (sc->arches[k] == tok)
			return dec_fail(d, a, "architecture \"%s\" is listed twice", a->text);
	sc->arches[sc->n_arches++] = tok;
	return 0;
}

static int dec_flag(struct dec *d, void *arg, size_t i, const struct json_node *f)
{
	(void)i;
	if (dec_want_string(d, f, "a flag such as \"SECCOMP_FILTER_FLAG_LOG\"") < 0)
		return -1;
	struct spec_seccomp *sc = arg;
	size_t k;
	for (k = 0; k < ARRAY_SIZE(flag_names); k++)
		if (strcmp(flag_names[k].name, f->text) == 0)
			break;
	if (k == ARRAY_SIZE(flag_names))
		return dec_fail(d, f, "unknown flag \"%s\", expected one of SECCOMP_FILTER_FLAG_TSYNC, "
				"SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, "
				"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", f->text);
	sc->flags |= flag_names[k].flag;
	return 0;
}


static int dec_arg(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct spec_seccomp_syscall *r = arg;
	struct spec_seccomp_arg *a = &r->args[i];
	struct dec_obj o;
	uint64_t v;
	bool found;
	if (dec_object(d, n, &o) < 0)
		return -1;
	a->pos = dec_pos(n);
	if (dec_get_uint(d, &o, "index", 5, &v, &found) < 0)
		return -1;
	if (!found)
		return dec_fail(d, n, "\"index\" is required (0 to 5)");
	a->index = (unsigned)v;
	if (dec_require_uint(d, &o, "value", UINT64_MAX, &a->value) < 0)
		return -1;
	bool has_two;
	if (dec_get_uint(d, &o, "valueTwo", UINT64_MAX, &a->value_two, &has_two) < 0)
		return -1;
	const struct json_node *op = dec_member(&o, "op");
	if (!op)
		return dec_fail(d, n, "\"op\" is required");
	size_t old = dec_push_key(d, "op");
	if (dec_want_string(d, op, "an operator such as \"SCMP_CMP_EQ\"") < 0)
		return -1;
	a->op = 0;
	for (int k = _SCMP_CMP_MIN + 1; k < _SCMP_CMP_MAX; k++)
		if (strcmp(op_names[k], op->text) == 0)
			a->op = k;
	if (!a->op) {
		const char *s = spec_suggest(op->text, op_names + 1, ARRAY_SIZE(op_names) - 1);
		return dec_fail(d, op, "unknown operator \"%s\"%s%s%s, expected one of SCMP_CMP_NE, "
				"SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, "
				"SCMP_CMP_MASKED_EQ", op->text, SUGGEST(s));
	}
	dec_pop(d, old);
	if (has_two && a->value_two && a->op != SCMP_CMP_MASKED_EQ)
		return dec_fail(d, n, "\"valueTwo\" only applies to SCMP_CMP_MASKED_EQ");
	r->n_args = i + 1;
	dec_object_done(d, &o);
	return 0;
}

static int dec_rule(struct dec *d, void *arg, size_t i, const struct json_node *n)
{
	struct spec_seccomp *sc = arg;
	struct spec_seccomp_syscall *r = &sc->syscalls[i];
	struct dec_obj o;
	sc->n_syscalls = i + 1;
	if (dec_object(d, n, &o) < 0)
		return -1;
	r->pos = dec_pos(n);
	size_t old;
	const struct json_node *names = dec_require(d, &o, "names", &old);
	if (!names || dec_strv(d, names, &r->names) < 0)
		return -1;
	if (!r->names.n)
		return dec_fail(d, names, "must name at least one system call");
	r->name_pos = xcalloc(r->names.n, sizeof(*r->name_pos));
	for (size_t k = 0; k < r->names.n; k++) {
		size_t old2 = dec_push_index(d, k);
		const struct json_node *nm = names->items[k];
		r->name_pos[k] = dec_pos(nm);
		if (seccomp_syscall_resolve_name(nm->text) == __NR_SCMP_ERROR) {
			const struct scmp_version *ver = seccomp_version();
			const char *s = suggest_syscall(nm->text, true);
			return dec_fail(d, nm, "unknown system call \"%s\"%s%s%s: libseccomp %u.%u.%u does not "
					"know it for any architecture (runc and crun skip such names; nsrun "
					"refuses them so that no rule is dropped silently)", nm->text,
					SUGGEST(s), ver->major, ver->minor, ver->micro);
		}
		dec_pop(d, old2);
	}
	dec_pop(d, old);
	const struct json_node *act = dec_require(d, &o, "action", &old);
	if (!act || dec_action(d, act, &r->action) < 0)
		return -1;
	dec_pop(d, old);
	if (dec_errno_ret(d, &o, "errnoRet", act, &r->action) < 0)
		return -1;
	const struct json_node *args = dec_member(&o, "args");
	if (args) {
		old = dec_push_key(d, "args");
		if (dec_array(d, args) < 0)
			return -1;
		r->args = xcalloc(args->count, sizeof(*r->args));
		if (dec_items(d, args, dec_arg, r) < 0)
			return -1;
		dec_pop(d, old);
	}
	for (size_t k = 0; k < r->names.n; k++) {
		if (strcmp(r->names.v[k], "ioctl") != 0)
			continue;
		for (size_t j = 0; j < r->n_args; j++) {
			const struct spec_seccomp_arg *a = &r->args[j];
			if (a->index == 1 && (a->value > UINT32_MAX || a->value_two > UINT32_MAX)) {
				old = dec_push_key(d, "args");
				dec_push_index(d, j);
				return dec_fail(d, args->items[j], "ioctl request numbers are 32 bits (the kernel "
						"ignores the upper half), got 0x%llx", (unsigned long long)
						(a->value > UINT32_MAX ? a->value : a->value_two));
			}
		}
	}
	dec_object_done(d, &o);
	return 0;
}

static int check_notify(struct dec *d, struct spec_seccomp *sc, const struct json_node *n)
{
	bool notify = false;
	const struct json_node *syscalls = json_object_member(n, "syscalls") ?
		json_object_member(n, "syscalls")->value : NULL;
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct spec_seccomp_syscall *r = &sc->syscalls[i];
		if (r->action != SCMP_ACT_NOTIFY)
			continue;
		notify = true;
		size_t old = dec_push_key(d, "syscalls");
		dec_push_index(d, i);
		if (!sc->listener_path) {
			dec_push_key(d, "action");
			return dec_fail(d, json_object_member(syscalls->items[i], "action")->value,
					"SCMP_ACT_NOTIFY needs /linux/seccomp/listenerPath: the socket of "
					"the agent that answers the notifications");
		}
		for (size_t k = 0; k < r->names.n; k++)
			if (strcmp(r->names.v[k], "sendmsg") == 0) {
				dec_push_key(d, "names");
				dec_push_index(d, k);
				return dec_fail_at(d, r->name_pos[k], d->ptr, "SCMP_ACT_NOTIFY cannot apply to "
						   "sendmsg: nsrun hands the listener over with sendmsg(2) "
						   "after the filter is in");
			}
		dec_pop(d, old);
	}
	const struct json_member *lp = json_object_member(n, "listenerPath");
	if ((sc->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) && !notify)
		return dec_fail_at(d, sc->pos, "/linux/seccomp/flags", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV "
				   "only applies when a rule uses SCMP_ACT_NOTIFY");
	if (lp && !notify)
		dec_warn(d, lp->line, lp->col, "/linux/seccomp/listenerPath: ignored: no rule uses "
			 "SCMP_ACT_NOTIFY");
	return 0;
}

static int dec_listener_path(struct dec *d, void *target, const struct json_node *m)
{
	struct spec_seccomp *sc = target;
	if (dec_string(d, m, &sc->listener_path) < 0)
		return -1;
	if (sc->listener_path[0] != '/')
		return dec_fail(d, m, "must be an absolute path, got \"%s\"", sc->listener_path);
	if (strlen(sc->listener_path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return dec_fail(d, m, "is longer than a unix socket path can be (107 bytes)");
	return 0;
}

static int dec_listener_metadata(struct dec *d, void *target, const struct json_node *m)
{
	struct spec_seccomp *sc = target;
	if (dec_string(d, m, &sc->listener_metadata) < 0)
		return -1;
	if (!sc->listener_path)
		return dec_fail(d, m, "must not be set without \"listenerPath\"");
	return 0;
}

static const struct dec_field seccomp_fields[] = {
	{ .key = "architectures", DEC_ARRAY_OF(struct spec_seccomp, arches, dec_arch) },
	{ .key = "flags", .kind = DEC_ARRAY, .item = dec_flag },  /* no array: bits in ->flags */
	{ .key = "listenerPath", .kind = DEC_CALL, .fn = dec_listener_path },
	{ .key = "listenerMetadata", .kind = DEC_CALL, .fn = dec_listener_metadata },
	{ .key = "syscalls", DEC_ARRAY_OF(struct spec_seccomp, syscalls, dec_rule) },
};

int dec_seccomp(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_seccomp *sc = target;
	struct dec_obj o;
	if (dec_object(d, n, &o) < 0)
		return -1;
	sc->present = true;
	sc->pos = dec_pos(n);
	size_t old;
	const struct json_node *def = dec_require(d, &o, "defaultAction", &old);
	if (!def || dec_action(d, def, &sc->default_action) < 0)
		return -1;
	if (sc->default_action == SCMP_ACT_NOTIFY)
		return dec_fail(d, def, "SCMP_ACT_NOTIFY cannot be the default action: nsrun hands the "
				"listener over with sendmsg(2) after the filter is in");
	dec_pop(d, old);
	if (dec_errno_ret(d, &o, "defaultErrnoRet", def, &sc->default_action) < 0 ||
	    DEC_FIELDS(d, &o, sc, seccomp_fields) < 0 || check_notify(d, sc, n) < 0)
		return -1;
	dec_object_done(d, &o);
	return 0;
}

int dec_linux_syscall_filter(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_linux *l = target;
	l->syscall_filter.given = true;
	return dec_syscall_filter(d, &l->syscall_filter, n);
}

int dec_linux_syscall_errno(struct dec *d, void *target, const struct json_node *n)
{
	struct spec_linux *l = target;
	if (dec_syscall_errno(d, &l->syscall_filter, n) < 0)
		return -1;
	if (!l->syscall_filter.n)
		return dec_fail(d, n, "has no effect without /linux/syscallFilter");
	return 0;
}

void spec_linux_syscalls_free(struct spec_linux *l)
{
	SPEC_ITEMS_FREE(l->syscall_filter.v, l->syscall_filter.n, name);
	struct spec_seccomp *sc = &l->seccomp;
	free(sc->arches);
	free(sc->listener_path);
	free(sc->listener_metadata);
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		spec_strv_free(&sc->syscalls[i].names);
		free(sc->syscalls[i].name_pos);
		free(sc->syscalls[i].args);
	}
	free(sc->syscalls);
}
