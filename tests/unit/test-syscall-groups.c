/* Unit tests for spec/syscall-groups.[ch] and the table generated from
 * schemas/syscall-groups.json. */
#include <string.h>

#include "json.h"
#include "syscall-groups.h"
#include "tap.h"

/* systemd 252's groups, in the order systemd-analyze lists them. */
static const char *const expected_order[] = {
	"@default", "@aio", "@basic-io", "@chown", "@clock", "@cpu-emulation", "@debug",
	"@file-system", "@io-event", "@ipc", "@keyring", "@memlock", "@module", "@mount",
	"@network-io", "@obsolete", "@pkey", "@privileged", "@process", "@raw-io",
	"@reboot", "@resources", "@setuid", "@signal", "@swap", "@sync",
	"@system-service", "@timer", "@known",
};

static bool has(char **list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

static bool sorted_unique_plain(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (list[i][0] == '@' || (i > 0 && strcmp(list[i - 1], list[i]) >= 0))
			return false;
	}
	return list[n] == NULL;
}

static void test_builtin_table(void)
{
	size_t i = 0;
	bool order_ok = syscall_group_table_size == ARRAY_SIZE(expected_order);
	tap_ok(syscall_group_table_size == 29, "29 groups (got %zu)", syscall_group_table_size);
	SYSCALL_GROUP_FOREACH(g) {
		if (i >= ARRAY_SIZE(expected_order) || strcmp(g->name, expected_order[i]) != 0)
			order_ok = false;
		if (!g->members || g->members[g->n_members] != NULL)
			order_ok = false;
		i++;
	}
	tap_ok(order_ok, "groups in systemd's order, member arrays NULL-terminated");
}

/* The generated table says what the JSON says. */
static void test_matches_json(void)
{
	_cleanup_json_ struct json_node *doc = NULL;
	struct nsrun_error err = { 0 };
	bool same = true;

	if (!tap_ok(json_parse_file(SOURCE_ROOT "/schemas/syscall-groups.json", &doc, &err) == 0,
		    "schemas/syscall-groups.json parses")) {
		printf("# %s\n", err.msg);
		return;
	}
	struct json_member *groups = json_object_member(doc, "groups");
	if (!groups || groups->value->type != JSON_ARRAY ||
	    groups->value->count != syscall_group_table_size) {
		tap_ok(false, "table matches the JSON");
		return;
	}
	for (size_t i = 0; i < groups->value->count; i++) {
		const struct json_node *g = groups->value->items[i];
		const struct syscall_group *t = &syscall_group_table[i];
		struct json_member *name = json_object_member(g, "name");
		struct json_member *help = json_object_member(g, "help");
		struct json_member *members = json_object_member(g, "members");
		if (!name || !help || !members || strcmp(name->value->text, t->name) != 0 ||
		    strcmp(help->value->text, t->help) != 0 ||
		    members->value->count != t->n_members) {
			same = false;
			continue;
		}
		for (size_t k = 0; k < t->n_members; k++)
			if (strcmp(members->value->items[k]->text, t->members[k]) != 0)
				same = false;
	}
	tap_ok(same, "table matches the JSON (names, help, members in order)");
}

static void test_find(void)
{
	const struct syscall_group *g = syscall_group_find("@mount");
	tap_ok(g && strcmp(g->name, "@mount") == 0 &&
	       strcmp(g->help, "Mounting and unmounting of file systems") == 0,
	       "find @mount with its help text");
	tap_ok(g && g->n_members == 12 && strcmp(g->members[0], "chroot") == 0 &&
	       strcmp(g->members[11], "umount2") == 0, "@mount has its 12 members in order");
	g = syscall_group_find("@privileged");
	tap_ok(g && strcmp(g->members[0], "@chown") == 0 && strcmp(g->members[6], "_sysctl") == 0,
	       "@privileged keeps nested references first, as systemd lists them");
	tap_ok(syscall_group_find("@known") == &syscall_group_table[syscall_group_table_size - 1],
	       "@known is the last group");
	tap_ok(!syscall_group_find("mount"), "find without '@' gives NULL");
	tap_ok(!syscall_group_find("@nope"), "find @nope gives NULL");
	tap_ok(!syscall_group_find("@sandbox"), "no @sandbox in systemd 252");
	tap_ok(!syscall_group_find("") && !syscall_group_find("@") && !syscall_group_find(NULL),
	       "find of empty, \"@\" and NULL gives NULL");
}

static void test_expand(void)
{
	_cleanup_syscall_names_ char **list = NULL;
	struct nsrun_error err = { 0 };
	size_t n = 0;
	int r = syscall_group_expand("@system-service", &list, &n, &err);

	tap_ok(r == 0 && n == 376, "@system-service expands to 376 syscalls (got %zu)", n);
	tap_ok(r == 0 && sorted_unique_plain(list, n), "expansion sorted, unique, no @ entries");
	tap_ok(r == 0 && has(list, n, "read") && has(list, n, "execve") && has(list, n, "setuid") &&
	       has(list, n, "chown") && has(list, n, "ioctl") && has(list, n, "epoll_wait") &&
	       has(list, n, "timerfd_create"), "@system-service includes read, execve, setuid, ...");
	tap_ok(r == 0 && !has(list, n, "mount") && !has(list, n, "ptrace") &&
	       !has(list, n, "reboot") && !has(list, n, "init_module") &&
	       !has(list, n, "swapon") && !has(list, n, "kexec_load") && !has(list, n, "@default"),
	       "@system-service excludes mount, ptrace, reboot, init_module, swapon, kexec_load");
	syscall_names_free(TAKE_PTR(list));

	r = syscall_group_expand("@privileged", &list, &n, &err);
	tap_ok(r == 0 && n == 53 && has(list, n, "chown") && has(list, n, "reboot") &&
	       has(list, n, "ioperm") && has(list, n, "swapoff"),
	       "@privileged expands its nested groups (53, got %zu)", n);
	syscall_names_free(TAKE_PTR(list));

	r = syscall_group_expand("@known", &list, &n, &err);
	tap_ok(r == 0 && n == 536 && has(list, n, "_sysctl") && !has(list, n, "uretprobe"),
	       "@known expands to 536 including @obsolete (got %zu)", n);
	syscall_names_free(TAKE_PTR(list));

	r = syscall_group_expand("@aio", &list, &n, &err);
	tap_ok(r == 0 && n == 10 && strcmp(list[0], "io_cancel") == 0 &&
	       strcmp(list[9], "io_uring_setup") == 0, "@aio expands to its 10 members");
	syscall_names_free(TAKE_PTR(list));

	bool all_ok = true;
	SYSCALL_GROUP_FOREACH(g) {
		if (syscall_group_expand(g->name, &list, &n, &err) < 0 || !sorted_unique_plain(list, n))
			all_ok = false;
		syscall_names_free(TAKE_PTR(list));
	}
	tap_ok(all_ok, "every group expands, sorted and unique");
}

static void test_expand_errors(void)
{
	char **list = (char **)1;
	struct nsrun_error err = { 0 };
	size_t n = 7;

	tap_ok(syscall_group_expand("@nope", &list, &n, &err) < 0 && !list && n == 0,
	       "expand @nope fails, *out NULL, *n 0");
	tap_str_eq(err.msg, "unknown syscall group @nope", "expand @nope message");
	tap_ok(syscall_group_expand("read", &list, &n, &err) < 0 && !list,
	       "expand of a syscall name fails");
	tap_str_eq(err.msg, "\"read\" is not a syscall group name (must start with '@')",
		   "expand read message");
}

/* Test tables: the generator never produces cycles, so they come from here. */
static const char *const m_a[] = { "@b", "x", NULL };
static const char *const m_b[] = { "y", "@c", NULL };
static const char *const m_c[] = { "@a", NULL };
static const char *const m_self[] = { "z", "@self", NULL };
static const char *const m_top[] = { "@left", "@right", "t", NULL };
static const char *const m_left[] = { "@base", "l", "shared", NULL };
static const char *const m_right[] = { "shared", "@base", NULL };
static const char *const m_base[] = { "b2", "b1", NULL };
static const char *const m_dangling[] = { "@missing", NULL };
static const struct syscall_group cycle_table[] = {
	{ "@a", "a", m_a, 2 }, { "@b", "b", m_b, 2 }, { "@c", "c", m_c, 1 },
	{ "@self", "self", m_self, 2 },
	{ "@top", "diamond", m_top, 3 }, { "@left", "l", m_left, 3 },
	{ "@right", "r", m_right, 2 }, { "@base", "base", m_base, 2 },
	{ "@dangling", "d", m_dangling, 1 },
};

static void test_cycles(void)
{
	_cleanup_syscall_names_ char **list = NULL;
	struct nsrun_error err = { 0 };
	size_t n = 0, nt = ARRAY_SIZE(cycle_table);

	tap_ok(syscall_group_expand_in(cycle_table, nt, "@a", &list, &n, &err) < 0,
	       "cycle @a -> @b -> @c -> @a is an error");
	tap_str_eq(err.msg, "syscall group cycle: @a -> @b -> @c -> @a", "cycle message");
	tap_ok(syscall_group_expand_in(cycle_table, nt, "@b", &list, &n, &err) < 0,
	       "the same cycle entered at @b");
	tap_str_eq(err.msg, "syscall group cycle: @b -> @c -> @a -> @b", "cycle message from @b");
	tap_ok(syscall_group_expand_in(cycle_table, nt, "@self", &list, &n, &err) < 0,
	       "a group including itself is an error");
	tap_str_eq(err.msg, "syscall group cycle: @self -> @self", "self-cycle message");

	int r = syscall_group_expand_in(cycle_table, nt, "@top", &list, &n, &err);
	tap_ok(r == 0 && n == 5 && strcmp(list[0], "b1") == 0 && strcmp(list[1], "b2") == 0 &&
	       strcmp(list[2], "l") == 0 && strcmp(list[3], "shared") == 0 &&
	       strcmp(list[4], "t") == 0, "a diamond is no cycle: b1 b2 l shared t");
	syscall_names_free(TAKE_PTR(list));

	tap_ok(syscall_group_expand_in(cycle_table, nt, "@dangling", &list, &n, &err) < 0,
	       "nested reference to a missing group is an error");
	tap_str_eq(err.msg, "syscall group @dangling includes unknown group @missing",
		   "missing nested group message");
}

static void test_known_and_containing(void)
{
	const struct syscall_group *out[8];
	size_t n;

	tap_ok(syscall_name_known("read") && syscall_name_known("syslog") &&
	       syscall_name_known("_sysctl"), "read, syslog, _sysctl (via @obsolete) are known");
	tap_ok(!syscall_name_known("nope") && !syscall_name_known("") &&
	       !syscall_name_known("@default") && !syscall_name_known(NULL),
	       "nope, \"\", @default, NULL are not known");
	tap_ok(!syscall_name_known("uretprobe"), "uretprobe (in @default) is not in @known in 252");

	n = syscall_groups_containing("read", out, ARRAY_SIZE(out));
	tap_ok(n == 2 && strcmp(out[0]->name, "@basic-io") == 0 &&
	       strcmp(out[1]->name, "@known") == 0, "read is directly in @basic-io and @known");
	n = syscall_groups_containing("setuid", out, ARRAY_SIZE(out));
	tap_ok(n == 3 && strcmp(out[0]->name, "@privileged") == 0 &&
	       strcmp(out[1]->name, "@setuid") == 0 && strcmp(out[2]->name, "@known") == 0,
	       "setuid is directly in @privileged, @setuid, @known");
	tap_ok(syscall_groups_containing("setuid", NULL, 0) == 3, "counting with out NULL");
	n = syscall_groups_containing("setuid", out, 1);
	tap_ok(n == 3 && strcmp(out[0]->name, "@privileged") == 0, "max 1 fills one, counts all");
	tap_ok(syscall_groups_containing("nope", out, ARRAY_SIZE(out)) == 0, "nope is in no group");
	tap_ok(syscall_groups_containing("@chown", out, ARRAY_SIZE(out)) == 0,
	       "a group name is not a syscall");

	const struct syscall_group *ss = syscall_group_find("@system-service");
	tap_ok(!syscall_group_contains(ss, "read", false) && syscall_group_contains(ss, "read", true),
	       "@system-service has read only through @basic-io");
	tap_ok(!syscall_group_contains(ss, "mount", true), "@system-service lacks mount");
	tap_ok(!syscall_group_contains(&cycle_table[0], "x", true),
	       "recursive contains refuses groups outside the built-in table");
}

int main(void)
{
	test_builtin_table();
	test_matches_json();
	test_find();
	test_expand();
	test_expand_errors();
	test_cycles();
	test_known_and_containing();
	return tap_done();
}
