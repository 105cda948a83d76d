/* Name tables and the small parsers of the command line: signals, UID:GID,
 * capabilities, rlimits, namespaces, and "did you mean". */
#include <signal.h>
#include <stdio.h>

#include "spec.h"
#include "tap.h"

static void signal_is(const char *name, int want)
{
	int got = spec_signal_from_name(name);
	tap_ok(got == want, "signal \"%s\" is %d (got %d)", name, want, got);
}

static void uid_gid_is(const char *s, int want_r, uint32_t want_uid, uint32_t want_gid, bool want_has)
{
	uint32_t uid = 4242, gid = 4242;
	bool has = false;
	int r = spec_parse_uid_gid(s, &uid, &gid, &has);
	if (want_r < 0)
		tap_ok(r < 0 && uid == 4242 && gid == 4242, "\"%s\" is refused and nothing is written", s);
	else
		tap_ok(r == 0 && uid == want_uid && has == want_has && (!has || gid == want_gid),
		       "\"%s\" is uid %u%s", s, want_uid, want_has ? " with a gid" : "");
}

int main(void)
{
	signal_is("TERM", SIGTERM);
	signal_is("SIGKILL", SIGKILL);
	signal_is("sigusr1", SIGUSR1);
	signal_is("9", 9);
	signal_is("RTMIN+3", SIGRTMIN + 3);
	signal_is("RTMIN+-5", -1);
	signal_is("RTMIN+99999999999999999999", -1);
	signal_is("0", -1);
	signal_is("65", -1);
	signal_is("", -1);
	signal_is("TERMS", -1);

	uid_gid_is("1000", 0, 1000, 0, false);
	uid_gid_is("1000:100", 0, 1000, 100, true);
	uid_gid_is("0:0", 0, 0, 0, true);
	uid_gid_is("2147483647:2147483647", 0, 2147483647, 2147483647, true);
	uid_gid_is("2147483648", -1, 0, 0, false);
	uid_gid_is("-1", -1, 0, 0, false);
	uid_gid_is("+5", -1, 0, 0, false);
	uid_gid_is(" 5", -1, 0, 0, false);
	uid_gid_is("5:", -1, 0, 0, false);
	uid_gid_is("5:-1", -1, 0, 0, false);
	uid_gid_is("root", -1, 0, 0, false);
	uid_gid_is("5:6:7", -1, 0, 0, false);
	uid_gid_is("", -1, 0, 0, false);

	tap_ok(spec_cap_from_name("CAP_SYS_ADMIN") == 21, "CAP_SYS_ADMIN is 21");
	tap_ok(spec_cap_from_name("SYS_ADMIN") == -1, "a capability needs its CAP_ prefix");
	tap_str_eq(spec_cap_name(SPEC_CAP_LAST), "CAP_CHECKPOINT_RESTORE", "the last capability");
	tap_str_eq(spec_rlimit_name(spec_rlimit_from_name("RLIMIT_NOFILE")), "RLIMIT_NOFILE", "rlimits round-trip");
	tap_ok(spec_namespace_from_name("net") == -1, "the network namespace is \"network\"");
	static const char *const words[] = { "hostname", "process", "mounts" };
	tap_str_eq(spec_suggest("hostnme", words, 3), "hostname", "did you mean hostname");
	tap_ok(spec_suggest("zzzzzzzz", words, 3) == NULL, "no suggestion for what is far from all");
	return tap_done();
}
