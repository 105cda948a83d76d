/* Name tables: capabilities, rlimits, namespaces, hooks; and "did you mean". */
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

#include "spec.h"

static const char *const cap_names[SPEC_CAP_LAST + 1] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

const char *spec_cap_name(int cap)
{
	return cap >= 0 && cap <= SPEC_CAP_LAST ? cap_names[cap] : NULL;
}

int spec_cap_from_name(const char *name)
{
	for (int i = 0; i <= SPEC_CAP_LAST; i++)
		if (strcmp(cap_names[i], name) == 0)
			return i;
	return -1;
}

static const struct { int resource; const char *name; } rlimit_names[] = {
	{ RLIMIT_AS, "RLIMIT_AS" }, { RLIMIT_CORE, "RLIMIT_CORE" }, { RLIMIT_CPU, "RLIMIT_CPU" },
	{ RLIMIT_DATA, "RLIMIT_DATA" }, { RLIMIT_FSIZE, "RLIMIT_FSIZE" },
	{ RLIMIT_LOCKS, "RLIMIT_LOCKS" }, { RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK" },
	{ RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE" }, { RLIMIT_NICE, "RLIMIT_NICE" },
	{ RLIMIT_NOFILE, "RLIMIT_NOFILE" }, { RLIMIT_NPROC, "RLIMIT_NPROC" },
	{ RLIMIT_RSS, "RLIMIT_RSS" }, { RLIMIT_RTPRIO, "RLIMIT_RTPRIO" },
	{ RLIMIT_RTTIME, "RLIMIT_RTTIME" }, { RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING" },
	{ RLIMIT_STACK, "RLIMIT_STACK" },
};

const char *spec_rlimit_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (rlimit_names[i].resource == resource)
			return rlimit_names[i].name;
	return NULL;
}

int spec_rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (strcmp(rlimit_names[i].name, name) == 0)
			return rlimit_names[i].resource;
	return -1;
}

static const struct { int flag; const char *name; } ns_names[] = {
	{ CLONE_NEWNS, "mount" }, { CLONE_NEWPID, "pid" }, { CLONE_NEWUTS, "uts" },
	{ CLONE_NEWIPC, "ipc" }, { CLONE_NEWNET, "network" }, { CLONE_NEWCGROUP, "cgroup" },
	{ CLONE_NEWUSER, "user" }, { CLONE_NEWTIME, "time" },
};

const char *spec_namespace_name(int clone_flag)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_names); i++)
		if (ns_names[i].flag == clone_flag)
			return ns_names[i].name;
	return NULL;
}

int spec_namespace_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_names); i++)
		if (strcmp(ns_names[i].name, name) == 0)
			return ns_names[i].flag;
	return -1;
}

static const char *const hook_names[] = {
	[HOOK_PRESTART] = "prestart", [HOOK_CREATE_RUNTIME] = "createRuntime",
	[HOOK_CREATE_CONTAINER] = "createContainer", [HOOK_START_CONTAINER] = "startContainer",
	[HOOK_POSTSTART] = "poststart", [HOOK_POSTSTOP] = "poststop",
};

const char *spec_hook_name(enum spec_hook_kind kind)
{
	return hook_names[kind];
}

/* Case-insensitive Levenshtein distance, bounded to short words. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return SIZE_MAX;
	size_t row[64];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = (a[i - 1] | 0x20) == (b[j - 1] | 0x20) ? 0 : 1;
			size_t best = diag + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *spec_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, len = strlen(word);
	for (size_t i = 0; i < n; i++) {
		size_t dist = edit_distance(word, candidates[i]);
		if (dist < best_d) {
			best_d = dist;
			best = candidates[i];
		}
	}
	/* Close enough: a third of the word, at least one edit. */
	size_t limit = len / 3 > 1 ? len / 3 : 1;
	if (len >= 4 && limit < 2)
		limit = 2;
	return best_d <= limit ? best : NULL;
}

int spec_signal_from_name(const char *s)
{
	char *end;
	if (!*s)
		return -1;
	long n = strtol(s, &end, 10);
	if (!*end)
		return n > 0 && n < NSIG ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		if (abbrev && strcasecmp(abbrev, s) == 0)
			return sig;
	}
	if (strncasecmp(s, "RTMIN+", 6) == 0 && s[6] >= '0' && s[6] <= '9') {
		n = strtol(s + 6, &end, 10);
		/* "RTMIN+-5" would be SIGIO, and a huge n overflows */
		if (!*end && n >= 0 && n <= SIGRTMAX - SIGRTMIN)
			return SIGRTMIN + (int)n;
	}
	return -1;
}

int spec_parse_uid_gid(const char *s, uint32_t *uid, uint32_t *gid, bool *has_gid)
{
	char *end;
	/* digits only: strtoul would take "-1", " 5" and "+5" */
	if (*s < '0' || *s > '9')
		return -1;
	unsigned long u = strtoul(s, &end, 10);
	if (u > SPEC_ID_MAX || (*end && *end != ':'))
		return -1;
	*has_gid = *end == ':';
	if (*has_gid) {
		const char *g = end + 1;
		if (*g < '0' || *g > '9')
			return -1;
		unsigned long gv = strtoul(g, &end, 10);
		if (*end || gv > SPEC_ID_MAX)
			return -1;
		*gid = (uint32_t)gv;
	}
	*uid = (uint32_t)u;
	return 0;
}
