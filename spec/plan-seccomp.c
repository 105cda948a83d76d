/* From the spec's syscall rules to filters: every decision about them is
 * made here (spec/decode-seccomp.c describes the spec side).
 *
 * Two filters at most, loaded in this order by two STEP_SECCOMP steps
 * right before execve (SECURITY.md rule 8):
 *  1. /linux/seccomp (OCI), whose listener, if any, is handed over right
 *     after it is loaded;
 *  2. /linux/syscallFilter (nsrun).
 * The kernel runs every filter and the strictest action wins; between two
 * errnos the filter loaded last (nsrun's) wins.  The second load is a
 * seccomp(2) call the first filter must allow, which is checked here.
 *
 * no_new_privs: without it the kernel loads a filter only for a process
 * with CAP_SYS_ADMIN, and the filters come after the capabilities are set.
 * runc loads its filter earlier in that case, which would subject nsrun's
 * own setup to it and break rule 8.  nsrun does what systemd does for
 * SystemCallFilter=: when the program will not hold CAP_SYS_ADMIN and
 * process.noNewPrivileges is false, no_new_privs is set right before the
 * first filter, and `nsrun plan` says so. */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>

#include "plan.h"
#include "seccomp-names.h"
#include "syscall-groups.h"

#define CAP_SYS_ADMIN_BIT 21
/* Each rule costs the filter at least one BPF instruction and the kernel
 * loads at most 4096 (BPF_MAXINSNS) a filter: a longer list cannot work,
 * and ioctl's low-32-bit comparisons multiply rules by up to 192 (a 1.8 MB
 * profile made 23 million of them, 4.7 GB). */
#define PLAN_SECCOMP_MAX_RULES 4096

static void add_arch(struct plan_seccomp *f, uint32_t token)
{
	for (size_t i = 0; i < f->n_arches; i++)
		if (f->arches[i] == token)
			return;
	if (f->n_arches < ARRAY_SIZE(f->arches))
		f->arches[f->n_arches++] = token;
}

/* The native ABI and those the kernel may run next to it. */
static void add_native_arches(struct plan_seccomp *f)
{
	uint32_t native = seccomp_arch_native();
	add_arch(f, native);
	if (native == SCMP_ARCH_X86_64) {
		add_arch(f, SCMP_ARCH_X86);
		add_arch(f, SCMP_ARCH_X32);
	} else if (native == SCMP_ARCH_AARCH64) {
		add_arch(f, SCMP_ARCH_ARM);
	}
}

static bool on_arches(const struct plan_seccomp *f, const char *name)
{
	for (size_t i = 0; i < f->n_arches; i++)
		if (seccomp_syscall_resolve_name_arch(f->arches[i], name) >= 0)
			return true;
	return false;
}

static struct plan_seccomp_rule *add_rule(struct plan_seccomp *f, const char *name, uint32_t action,
					  size_t entry)
{
	/* room doubles at 16, 32, 64, ...: a profile may hold many rules */
	size_t n = f->n_rules;
	if (n == 0 || (n >= 16 && (n & (n - 1)) == 0))
		f->rules = xrealloc(f->rules, (n ? 2 * n : 16) * sizeof(*f->rules));
	struct plan_seccomp_rule *r = &f->rules[f->n_rules++];
	memset(r, 0, sizeof(*r));
	r->syscall = xstrdup(name);
	r->action = action;
	r->entry = entry;
	return r;
}

static bool allows(uint32_t action)
{
	return action == SCMP_ACT_ALLOW || action == SCMP_ACT_LOG;
}

static int cmp_rule_index(const void *a, const void *b, void *ctx)
{
	const struct plan_seccomp *f = ctx;
	size_t i = *(const size_t *)a, k = *(const size_t *)b;
	int c = strcmp(f->rules[i].syscall, f->rules[k].syscall);
	return c ? c : (i > k) - (i < k);
}

/* Indices of the rules by syscall, then by position: the rules of one
 * syscall are next to each other (a profile may name one many times). */
static size_t *rules_by_syscall(const struct plan_seccomp *f)
{
	size_t *idx = xcalloc(f->n_rules, sizeof(size_t));
	for (size_t i = 0; i < f->n_rules; i++)
		idx[i] = i;
	qsort_r(idx, f->n_rules, sizeof(size_t), cmp_rule_index, (void *)f);
	return idx;
}

/* Where the rules of the syscall at idx[g] end. */
static size_t group_end(const struct plan_seccomp *f, const size_t *idx, size_t g)
{
	size_t end = g + 1;
	while (end < f->n_rules && strcmp(f->rules[idx[end]].syscall, f->rules[idx[g]].syscall) == 0)
		end++;
	return end;
}

static void count_syscalls(struct plan_seccomp *f)
{
	f->n_allowed = f->n_denied = 0;
	size_t *idx = rules_by_syscall(f);
	for (size_t g = 0, end; g < f->n_rules; g = end) {
		bool allowed = false, denied = false;
		end = group_end(f, idx, g);
		for (size_t k = g; k < end; k++)
			*(allows(f->rules[idx[k]].action) ? &allowed : &denied) = true;
		f->n_allowed += allowed;
		f->n_denied += denied;
	}
	free(idx);
}

void plan_seccomp_free(struct plan_seccomp *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_rules; i++)
		free(f->rules[i].syscall);
	free(f->rules);
	free(f->listener_path);
	free(f->listener_metadata);
	free(f);
}

/* ---- linux.syscallFilter ---- */

struct names { char **v; size_t n, cap; };

static void names_add(struct names *u, char *const *list, size_t n)
{
	if (u->n + n + 1 > u->cap) {
		u->cap = 2 * (u->n + n + 1);
		u->v = xrealloc(u->v, u->cap * sizeof(char *));
	}
	for (size_t i = 0; i < n; i++)
		u->v[u->n++] = xstrdup(list[i]);
	u->v[u->n] = NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each group expanded once, however often a list names it. */
struct expansions {
	char **v[64];
	size_t n[64];
	bool in_universe[64];
	char *one[2];
};

static void expansions_free(struct expansions *x)
{
	for (size_t i = 0; i < ARRAY_SIZE(x->v); i++)
		syscall_names_free(x->v[i]);
}

/* A group's members or the one syscall, NULL-terminated and borrowed;
 * *group is the group's index, or -1. */
static int expand(struct expansions *x, const char *name, char ***out, size_t *n, int *group,
		  struct nsrun_error *err)
{
	*group = -1;
	if (name[0] != '@') {
		x->one[0] = (char *)name;
		*out = x->one;
		*n = 1;
		return 0;
	}
	const struct syscall_group *g = syscall_group_find(name);
	size_t k = g ? (size_t)(g - syscall_group_table) : ARRAY_SIZE(x->v);
	if (k >= ARRAY_SIZE(x->v))
		return nsrun_error_set(err, 0, "unknown group %s", name);
	if (!x->v[k] && syscall_group_expand(name, &x->v[k], &x->n[k], err) < 0)
		return -1;
	*out = x->v[k];
	*n = x->n[k];
	*group = (int)k;
	return 0;
}

enum { UNSET, ALLOW, DENY };

/* What the list says about one name, and which entry said it last. */
struct verdict { unsigned char state; int errnum; size_t entry; };

/* Set the verdict on every name of `list` (all in the sorted universe u). */
static void apply(const struct names *u, struct verdict *v, char **list, size_t n,
		  struct verdict set)
{
	for (size_t i = 0; i < n; i++) {
		char **hit = bsearch(&list[i], u->v, u->n, sizeof(char *), cmp_str);
		if (hit)
			v[hit - u->v] = set;
	}
}

static int build_syscall_filter(const struct spec_syscall_filter *sf, struct plan_seccomp *f,
				struct nsrun_error *err)
{
	f->source = "/linux/syscallFilter";
	f->allow_list = !sf->v[0].deny;
	f->errnum = sf->errnum;
	add_native_arches(f);
	/* Everything else an allow list meets is newer than nsrun's table. */
	f->default_action = f->allow_list ? SCMP_ACT_ERRNO(ENOSYS) : SCMP_ACT_ALLOW;

	/* The universe: @known, @default and every entry, sorted and unique. */
	struct names u = { 0 };
	struct expansions x = { 0 };
	struct verdict *v = NULL;
	char **list = NULL;
	size_t n = 0;
	int group;
	static const char *const base[] = { "@known", "@default" };
	for (size_t i = 0; i < ARRAY_SIZE(base) + sf->n; i++) {
		const char *name = i < ARRAY_SIZE(base) ? base[i] : sf->v[i - ARRAY_SIZE(base)].name;
		if (expand(&x, name, &list, &n, &group, err) < 0)
			goto fail;
		if (group >= 0 && x.in_universe[group])
			continue;
		if (group >= 0)
			x.in_universe[group] = true;
		names_add(&u, list, n);
	}
	qsort(u.v, u.n, sizeof(char *), cmp_str);
	size_t w = 0;
	for (size_t i = 0; i < u.n; i++) {
		if (w && strcmp(u.v[w - 1], u.v[i]) == 0)
			free(u.v[i]);
		else
			u.v[w++] = u.v[i];
	}
	u.n = w;
	u.v[w] = NULL;
	v = xcalloc(u.n, sizeof(*v));
	const struct syscall_group *known = syscall_group_find("@known");

	/* An allow list starts from @default, as systemd's does. */
	if (f->allow_list) {
		if (expand(&x, "@default", &list, &n, &group, err) < 0)
			goto fail;
		apply(&u, v, list, n, (struct verdict){ ALLOW, 0, PLAN_SECCOMP_DEFAULT });
	}
	for (size_t i = 0; i < sf->n; i++) {
		const struct spec_syscall_entry *e = &sf->v[i];
		if (expand(&x, e->name, &list, &n, &group, err) < 0)
			goto fail;
		apply(&u, v, list, n, (struct verdict){ e->deny ? DENY : ALLOW, e->errnum, i });
	}
	for (size_t i = 0; i < u.n; i++) {
		const char *name = u.v[i];
		bool denied = v[i].state == DENY ||
			      (f->allow_list && v[i].state != ALLOW && syscall_group_contains(known, name, true));
		if (!denied && !(f->allow_list && v[i].state == ALLOW))
			continue;
		if (!on_arches(f, name)) {
			f->n_other_arch++;
			continue;
		}
		if (denied)
			add_rule(f, name, SCMP_ACT_ERRNO((uint32_t)(v[i].errnum ? v[i].errnum : f->errnum)),
				 v[i].state == DENY ? v[i].entry : PLAN_SECCOMP_NOT_ALLOWED);
		else
			add_rule(f, name, SCMP_ACT_ALLOW, v[i].entry);
	}
	free(v);
	syscall_names_free(u.v);
	expansions_free(&x);
	count_syscalls(f);
	return 0;
fail:
	free(v);
	syscall_names_free(u.v);
	expansions_free(&x);
	return nsrun_error_prefix(err, "/linux/syscallFilter: ");
}

/* ---- linux.seccomp ---- */

/* Comparisons ORed together that say the same as "(uint32_t)arg OP a" with
 * 64-bit SCMP_CMP_MASKED_EQ only.  ioctl's request is an unsigned int: the
 * kernel ignores its upper half, so a filter must too (SECURITY.md rule 8),
 * and libseccomp compares all 64 bits of the register.  Returns how many,
 * 0 when the comparison never holds, -1 when it always does. */
int plan_seccomp_low32(unsigned index, int op, uint64_t a, uint64_t b, struct plan_seccomp_cmp out[32]);
int plan_seccomp_low32(unsigned index, int op, uint64_t a, uint64_t b, struct plan_seccomp_cmp out[32])
{
	const uint64_t all = 0xffffffffULL;
	uint64_t v = a & all;
	int n = 0;
	bool less;
	switch (op) {
	case SCMP_CMP_EQ:
		out[n++] = (struct plan_seccomp_cmp){ index, SCMP_CMP_MASKED_EQ, all, v };
		return n;
	case SCMP_CMP_MASKED_EQ:
		if ((b & all) & ~v)
			return 0;
		if (!v)
			return -1;
		out[n++] = (struct plan_seccomp_cmp){ index, SCMP_CMP_MASKED_EQ, v, b & all };
		return n;
	case SCMP_CMP_NE: /* some bit differs */
		for (unsigned i = 0; i < 32; i++)
			out[n++] = (struct plan_seccomp_cmp){ index, SCMP_CMP_MASKED_EQ, 1ULL << i,
							      ~v & (1ULL << i) };
		return n;
	case SCMP_CMP_LE:
		if (v == all)
			return -1;
		v++;
		less = true;
		break;
	case SCMP_CMP_LT:
		less = true;
		break;
	case SCMP_CMP_GE:
		if (v == 0)
			return -1;
		v--;
		less = false;
		break;
	case SCMP_CMP_GT:
		less = false;
		break;
	default:
		return 0;
	}
	/* x < v: at the highest bit where they differ, v has 1 and x has 0;
	 * x > v: the other way round.  One alternative per such bit. */
	for (int i = 31; i >= 0; i--) {
		uint64_t bit = 1ULL << i, high = all & ~((bit << 1) - 1);
		if (less && (v & bit))
			out[n++] = (struct plan_seccomp_cmp){ index, SCMP_CMP_MASKED_EQ, high | bit, v & high };
		else if (!less && !(v & bit))
			out[n++] = (struct plan_seccomp_cmp){ index, SCMP_CMP_MASKED_EQ, high | bit,
							      (v & high) | bit };
	}
	return n;
}

static void add_oci_rules(struct plan_seccomp *f, const char *name, const struct spec_seccomp_syscall *r,
			  size_t entry)
{
	if (!r->n_args) {
		add_rule(f, name, r->action, entry);
		return;
	}
	/* runc's rule, which profiles are written for: when an argument index
	 * repeats, each comparison is a rule of its own (they are ORed);
	 * otherwise they form one rule (ANDed). */
	unsigned seen = 0;
	bool repeats = false;
	for (size_t i = 0; i < r->n_args; i++) {
		repeats |= (seen >> r->args[i].index) & 1;
		seen |= 1U << r->args[i].index;
	}
	bool ioctl = strcmp(name, "ioctl") == 0;
	size_t n_sets = repeats ? r->n_args : 1;
	for (size_t set = 0; set < n_sets; set++) {
		struct plan_seccomp_cmp cmp[6];
		unsigned n = 0;
		int low32 = -1;
		for (size_t i = repeats ? set : 0; i < (repeats ? set + 1 : r->n_args); i++) {
			const struct spec_seccomp_arg *a = &r->args[i];
			if (ioctl && a->index == 1)
				low32 = (int)n;
			cmp[n++] = (struct plan_seccomp_cmp){ a->index, a->op, a->value, a->value_two };
		}
		struct plan_seccomp_cmp alt[32];
		int n_alt = 1;
		if (low32 >= 0) {
			const struct plan_seccomp_cmp *c = &cmp[low32];
			n_alt = plan_seccomp_low32(c->index, c->op, c->a, c->b, alt);
			if (n_alt == 0) {
				f->n_dropped++;
				continue;
			}
			if (n_alt < 0) { /* always true: drop the comparison */
				memmove(&cmp[low32], &cmp[low32 + 1], (n - (unsigned)low32 - 1) * sizeof(*cmp));
				n--;
				low32 = -1;
				n_alt = 1;
			}
		}
		for (int k = 0; k < n_alt; k++) {
			if (low32 >= 0)
				cmp[low32] = alt[k];
			struct plan_seccomp_rule *nr = add_rule(f, name, r->action, entry);
			nr->n_cmp = n;
			memcpy(nr->cmp, cmp, n * sizeof(*cmp));
		}
	}
}

/* libseccomp lets an unconditional rule override every conditional rule of
 * the same syscall, and keeps the first of two unconditional ones: drop
 * what is redundant or overridden, and count it for the plan. */
static int check_conflicts(const struct spec *s, struct plan_seccomp *f, struct nsrun_error *err)
{
	(void)s;
	(void)err;
	bool *drop = xcalloc(f->n_rules, sizeof(bool));
	size_t *idx = rules_by_syscall(f);
	for (size_t g = 0, end; g < f->n_rules; g = end) {
		end = group_end(f, idx, g);
		/* The first unconditional rule of a syscall decides; later
		 * rules of it go, counted when their action differs. */
		size_t first = end;
		for (size_t k = g; k < end && first == end; k++)
			if (!f->rules[idx[k]].n_cmp)
				first = k;
		for (size_t k = g; first < end && k < end; k++) {
			if (k == first)
				continue;
			drop[idx[k]] = true;
			/* As libseccomp (and runc, crun) do: the unconditional rule
			 * wins.  Engines' default profiles rely on it (podman's
			 * allows setns and also denies it for some flags); the
			 * plan counts these rules, so nothing is dropped silently. */
			if (f->rules[idx[k]].action != f->rules[idx[first]].action)
				f->n_overridden++;
		}
	}
	free(idx);
	size_t w = 0;
	for (size_t i = 0; i < f->n_rules; i++) {
		if (drop[i]) {
			free(f->rules[i].syscall);
			f->n_dropped++;
		} else {
			f->rules[w++] = f->rules[i];
		}
	}
	f->n_rules = w;
	free(drop);
	return 0;
}

/* What the filter does to `name` whatever its arguments; *conditional when
 * that depends on them. */
static uint32_t action_on(const struct plan_seccomp *f, const char *name, bool *conditional)
{
	*conditional = false;
	for (size_t i = 0; i < f->n_rules; i++)
		if (strcmp(f->rules[i].syscall, name) == 0) {
			if (!f->rules[i].n_cmp)
				return f->rules[i].action;
			*conditional = true;
		}
	return f->default_action;
}

static int build_oci(const struct spec *s, struct plan_seccomp *f, bool then_nsrun, struct nsrun_error *err)
{
	const struct spec_seccomp *sc = &s->linux_.seccomp;
	f->source = "/linux/seccomp";
	f->default_action = sc->default_action;
	add_arch(f, seccomp_arch_native());
	for (size_t i = 0; i < sc->n_arches; i++)
		add_arch(f, sc->arches[i]);
	f->flags = sc->flags;
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct spec_seccomp_syscall *r = &sc->syscalls[i];
		f->listener |= r->action == SCMP_ACT_NOTIFY;
		for (size_t k = 0; k < r->names.n; k++) {
			if (r->action == f->default_action)
				f->n_dropped++;  /* libseccomp refuses these; runc drops them too */
			else if (!on_arches(f, r->names.v[k]))
				f->n_other_arch++;
			else
				add_oci_rules(f, r->names.v[k], r, i);
			if (f->n_rules > PLAN_SECCOMP_MAX_RULES)
				return spec_fail_at(err, s, r->pos, "/linux/seccomp/syscalls/%zu: the filter "
						    "gets more than %d rules, more than the kernel can "
						    "load", i, PLAN_SECCOMP_MAX_RULES);
		}
	}
	if (f->listener) {
		f->listener_path = xstrdup(sc->listener_path);
		if (sc->listener_metadata)
			f->listener_metadata = xstrdup(sc->listener_metadata);
	}
	if (check_conflicts(s, f, err) < 0)
		return -1;
	count_syscalls(f);
	/* Right after this filter is loaded, nsrun calls sendmsg and recvmsg
	 * (the listener, then waiting until the agent has it) and seccomp (the
	 * next filter). */
	const char *needed[3] = { f->listener ? "sendmsg" : NULL, f->listener ? "recvmsg" : NULL,
				  then_nsrun ? "seccomp" : NULL };
	for (size_t i = 0; i < 3; i++) {
		bool conditional;
		if (!needed[i])
			continue;
		uint32_t act = action_on(f, needed[i], &conditional);
		if (conditional || allows(act) || act == SCMP_ACT_NOTIFY)
			continue;
		char a[64];
		spec_seccomp_action_format(act, a, sizeof(a));
		return spec_fail_at(err, s, sc->pos, "/linux/seccomp: gives %s %s, but nsrun calls it "
				    "right after loading the filter to %s", needed[i], a, i < 2 ?
				    "hand the listener to the agent at listenerPath" :
				    "install /linux/syscallFilter");
	}
	return 0;
}

int plan_seccomp_build(const struct spec *s, uint64_t effective, bool nnp, struct plan_seccomp **out,
		       size_t *n, struct nsrun_error *err)
{
	*n = 0;
	bool oci = s->linux_.seccomp.present, list = s->linux_.syscall_filter.n > 0;
	if (oci) {
		struct plan_seccomp *f = xcalloc(1, sizeof(*f));
		if (build_oci(s, f, list, err) < 0) {
			plan_seccomp_free(f);
			return -1;
		}
		out[(*n)++] = f;
	}
	if (list) {
		struct plan_seccomp *f = xcalloc(1, sizeof(*f));
		if (build_syscall_filter(&s->linux_.syscall_filter, f, err) < 0) {
			plan_seccomp_free(f);
			while (*n)
				plan_seccomp_free(out[--*n]);
			return nsrun_error_prefix(err, "%s: ", s->file);
		}
		out[(*n)++] = f;
	}
	if (*n && !nnp && !(effective & (1ULL << CAP_SYS_ADMIN_BIT))) {
		/* The filter needs CAP_SYS_ADMIN or no_new_privs.  OCI, and a
		 * short spec whose CAP_SYS_ADMIN nsrun left out (no user
		 * namespace): set no_new_privs only when the spec asks (setuid
		 * programs must work), so load before the final capabilities
		 * are set. */
		bool early = oci || s->process.caps.no_sys_admin;
		for (size_t i = 0; early && i < *n; i++)
			out[i]->early = true;
		out[0]->set_nnp = !early;
	}
	return 0;
}

/* ---- printing ---- */

void plan_seccomp_describe(const struct plan_seccomp *f, FILE *out)
{
	char def[64];
	spec_seccomp_action_format(f->default_action, def, sizeof(def));
	bool oci = strcmp(f->source, "/linux/seccomp") == 0;
	if (oci)
		fprintf(out, "%s: default %s, %zu syscalls allowed, %zu denied", f->source, def,
			f->n_allowed, f->n_denied);
	else if (f->allow_list)
		fprintf(out, "%s: allow-list, %zu syscalls allowed, %zu denied (%s", f->source,
			f->n_allowed, f->n_denied, nsrun_errno_name(f->errnum));
	else
		fprintf(out, "%s: deny-list, %zu syscalls denied (%s", f->source, f->n_denied,
			nsrun_errno_name(f->errnum));
	/* errnos of single entries ("~mkdir:EACCES") */
	for (size_t i = 0; !oci && i < f->n_rules; i++) {
		uint32_t act = f->rules[i].action;
		bool first = true;
		for (size_t k = 0; k < i && first; k++)
			first = f->rules[k].action != act;
		if (!first || allows(act) || act == SCMP_ACT_ERRNO((uint32_t)f->errnum))
			continue;
		size_t count = 0;
		for (size_t k = i; k < f->n_rules; k++)
			count += f->rules[k].action == act;
		const char *name = nsrun_errno_name((int)(act & 0xffff));
		if (name)
			fprintf(out, "; %s for %zu", name, count);
		else
			fprintf(out, "; errno %u for %zu", act & 0xffff, count);
	}
	if (!oci)
		fputs(f->allow_list ? "), others ENOSYS" : "), others allowed", out);
	fputs("; arches", out);
	for (size_t i = 0; i < f->n_arches; i++)
		fprintf(out, " %s", spec_seccomp_arch_name(f->arches[i]));
	for (unsigned bit = 1; bit; bit <<= 1)
		if (f->flags & bit)
			fprintf(out, "; flag %s", spec_seccomp_flag_name(bit));
	if (f->listener)
		fprintf(out, "; listener %s", f->listener_path);
	if (f->n_other_arch)
		fprintf(out, "; %zu names not on these architectures", f->n_other_arch);
	if (f->n_overridden)
		fprintf(out, "; %zu conditional rules overridden by an unconditional one, as libseccomp "
			"does", f->n_overridden);
	if (f->set_nnp)
		fputs("; no_new_privs set first (a filter needs it without CAP_SYS_ADMIN, as in systemd)",
		      out);
	if (f->early)
		fputs("; loaded before the final capabilities, with CAP_SYS_ADMIN: no_new_privs stays "
		      "off (it applies to nsrun's last steps too)", out);
}

static void print_cmp(const struct plan_seccomp_cmp *c, FILE *out)
{
	static const char *const ops[] = { [SCMP_CMP_NE] = "!=", [SCMP_CMP_LT] = "<",
		[SCMP_CMP_LE] = "<=", [SCMP_CMP_EQ] = "==", [SCMP_CMP_GE] = ">=", [SCMP_CMP_GT] = ">" };
	if (c->op == SCMP_CMP_MASKED_EQ)
		fprintf(out, "arg%u & 0x%llx == 0x%llx", c->index, (unsigned long long)c->a,
			(unsigned long long)c->b);
	else if (c->op > 0 && c->op < SCMP_CMP_MASKED_EQ)
		fprintf(out, "arg%u %s 0x%llx", c->index, ops[c->op], (unsigned long long)c->a);
}

void plan_seccomp_print_rules(const struct plan_seccomp *f, const char *indent, FILE *out)
{
	for (size_t i = 0; i < f->n_rules; i++) {
		const struct plan_seccomp_rule *r = &f->rules[i];
		char act[64];
		spec_seccomp_action_format(r->action, act, sizeof(act));
		fprintf(out, "%s%-24s %s", indent, r->syscall, act);
		for (unsigned k = 0; k < r->n_cmp; k++) {
			fputs(k ? " && " : " if ", out);
			print_cmp(&r->cmp[k], out);
		}
		if (r->entry == PLAN_SECCOMP_DEFAULT)
			fputs("  (@default: an allow-list starts with it)", out);
		else if (r->entry == PLAN_SECCOMP_NOT_ALLOWED)
			fputs("  (@known, not allowed)", out);
		else
			fprintf(out, "  (%s%s/%zu)", f->source,
				strcmp(f->source, "/linux/seccomp") ? "" : "/syscalls", r->entry);
		fputc('\n', out);
	}
	char def[64];
	spec_seccomp_action_format(f->default_action, def, sizeof(def));
	fprintf(out, "%s%-24s %s\n", indent, "(any other)", def);
}
