/* libFuzzer target: the name tables (capabilities, rlimits, namespaces,
 * errno names, signals, syscall groups), the UID[:GID] parser and
 * spec_suggest.  A name that is found
 * must map back to itself; a suggestion must be one of the candidates. */
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "spec.h"
#include "syscall-groups.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *word = xstrndup((const char *)data, size);
	int cap = spec_cap_from_name(word);
	if (cap >= 0 && strcmp(spec_cap_name(cap), word) != 0)
		abort();
	int res = spec_rlimit_from_name(word);
	if (res >= 0 && strcmp(spec_rlimit_name(res), word) != 0)
		abort();
	int ns = spec_namespace_from_name(word);
	if (ns >= 0 && strcmp(spec_namespace_name(ns), word) != 0)
		abort();
	int e = nsrun_errno_from_name(word);
	if (e >= 0 && strcmp(nsrun_errno_name(e), word) != 0)
		abort();

	const char *caps[SPEC_CAP_LAST + 1];
	for (int c = 0; c <= SPEC_CAP_LAST; c++)
		caps[c] = spec_cap_name(c);
	const char *s = spec_suggest(word, caps, ARRAY_SIZE(caps));
	if (s && spec_cap_from_name(s) < 0)
		abort();
	static const char *const keys[] = { "ociVersion", "root", "mounts", "process", "hostname",
		"domainname", "hooks", "annotations", "linux", "boot", "machine", "" };
	s = spec_suggest(word, keys, ARRAY_SIZE(keys));
	if (s) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(keys) && keys[i] != s; i++)
			;
		if (i == ARRAY_SIZE(keys))
			abort();
	}
	spec_suggest(word, NULL, 0);

	/* signals: a number that is found must be a real signal */
	int sig = spec_signal_from_name(word);
	if (sig != -1 && (sig < 1 || sig >= NSIG))
		abort();
	/* uid:gid: what is accepted prints back as the same digits */
	uint32_t uid = 7, gid = 7;
	bool has_gid = false;
	if (spec_parse_uid_gid(word, &uid, &gid, &has_gid) == 0) {
		if (uid > SPEC_ID_MAX || (has_gid && gid > SPEC_ID_MAX))
			abort();
		char back[32];
		if (has_gid)
			snprintf(back, sizeof(back), "%u:%u", uid, gid);
		else
			snprintf(back, sizeof(back), "%u", uid);
		/* leading zeros are the only other spelling accepted */
		const char *w = word;
		while (*w == '0' && w[1] >= '0' && w[1] <= '9')
			w++;
		if (!has_gid && strcmp(back, w) != 0)
			abort();
	}

	const struct syscall_group *g = syscall_group_find(word);
	if (g && strcmp(g->name, word) != 0)
		abort();
	char **names = NULL;
	size_t n = 0;
	struct nsrun_error err = { 0 };
	if (syscall_group_expand(word, &names, &n, &err) == 0) {
		if (!g)
			abort();
		for (size_t i = 0; i + 1 < n; i++)
			if (strcmp(names[i], names[i + 1]) >= 0)
				abort();
		syscall_names_free(names);
	}
	syscall_name_known(word);
	syscall_groups_containing(word, NULL, 0);
	free(word);
	return 0;
}
