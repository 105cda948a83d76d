/* The hand-written API over the generated syscall group table
 * (syscall-groups-table.c, built from schemas/syscall-groups.json). */
#include <string.h>

#include "syscall-groups.h"

static const struct syscall_group *find_in(const struct syscall_group *table, size_t n_table,
					   const char *name)
{
	if (!name || name[0] != '@')
		return NULL;
	for (size_t i = 0; i < n_table; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

const struct syscall_group *syscall_group_find(const char *name)
{
	return find_in(syscall_group_table, syscall_group_table_size, name);
}

void syscall_names_free(char **names)
{
	if (!names)
		return;
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}

/* State of one expansion: a depth-first walk over the nested groups.  Each
 * group is 0 (not seen), ON_PATH (being expanded: meeting it again is a
 * cycle) or DONE (already expanded: a diamond such as @system-service ->
 * @chown and @privileged -> @chown is fine and is not walked twice). */
enum { ON_PATH = 1, DONE = 2 };

struct expansion {
	const struct syscall_group *table;
	size_t n_table;
	unsigned char *state;   /* per table index */
	size_t *path;           /* indices of the groups on the current path */
	size_t depth;
	const char **names;     /* collected, pointing into the table */
	size_t n_names, cap_names;
};

static int cycle_error(struct expansion *x, size_t again, struct nsrun_error *err)
{
	char buf[1024];
	size_t used = 0, start = 0;

	/* Print only the part of the path that forms the cycle. */
	while (start < x->depth && x->path[start] != again)
		start++;
	buf[0] = '\0';
	for (size_t i = start; i < x->depth && used < sizeof(buf); i++) {
		int r = snprintf(buf + used, sizeof(buf) - used, "%s -> ", x->table[x->path[i]].name);
		if (r < 0)
			break;
		used += (size_t)r;
	}
	return nsrun_error_set(err, 0, "syscall group cycle: %s%s", buf, x->table[again].name);
}

static int expand_one(struct expansion *x, size_t idx, struct nsrun_error *err)
{
	const struct syscall_group *g = &x->table[idx];

	x->state[idx] = ON_PATH;
	x->path[x->depth++] = idx;
	for (size_t i = 0; i < g->n_members; i++) {
		const char *m = g->members[i];
		if (m[0] != '@') {
			if (x->n_names == x->cap_names) {
				x->cap_names = x->cap_names ? 2 * x->cap_names : 64;
				x->names = xrealloc(x->names, x->cap_names * sizeof(*x->names));
			}
			x->names[x->n_names++] = m;
			continue;
		}
		const struct syscall_group *sub = find_in(x->table, x->n_table, m);
		if (!sub)
			return nsrun_error_set(err, 0, "syscall group %s includes unknown group %s",
					       g->name, m);
		size_t sub_idx = (size_t)(sub - x->table);
		if (x->state[sub_idx] == ON_PATH)
			return cycle_error(x, sub_idx, err);
		if (x->state[sub_idx] == 0 && expand_one(x, sub_idx, err) < 0)
			return -1;
	}
	x->depth--;
	x->state[idx] = DONE;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int syscall_group_expand_in(const struct syscall_group *table, size_t n_table,
			    const char *name, char ***out, size_t *n, struct nsrun_error *err)
{
	*out = NULL;
	*n = 0;
	if (!name || name[0] != '@')
		return nsrun_error_set(err, 0, "\"%s\" is not a syscall group name (must start with '@')",
				       name ? name : "(null)");
	const struct syscall_group *g = find_in(table, n_table, name);
	if (!g)
		return nsrun_error_set(err, 0, "unknown syscall group %s", name);

	_cleanup_free_ unsigned char *state = xcalloc(n_table, 1);
	_cleanup_free_ size_t *path = xcalloc(n_table, sizeof(*path));
	struct expansion x = {
		.table = table, .n_table = n_table, .state = state, .path = path,
	};
	if (expand_one(&x, (size_t)(g - table), err) < 0) {
		free(x.names);
		return -1;
	}

	if (x.n_names > 0)
		qsort(x.names, x.n_names, sizeof(*x.names), cmp_str);
	char **res = xcalloc(x.n_names + 1, sizeof(*res));
	size_t k = 0;
	for (size_t i = 0; i < x.n_names; i++)
		if (k == 0 || strcmp(res[k - 1], x.names[i]) != 0)
			res[k++] = xstrdup(x.names[i]);
	free(x.names);
	*out = res;
	*n = k;
	return 0;
}

int syscall_group_expand(const char *name, char ***out, size_t *n, struct nsrun_error *err)
{
	return syscall_group_expand_in(syscall_group_table, syscall_group_table_size,
				       name, out, n, err);
}

/* Membership without allocating a list: a walk with a visited mark per
 * group, so a (never generated) cycle or diamond cannot loop. */
static bool contains_walk(const struct syscall_group *g, const char *syscall, unsigned char *seen)
{
	seen[g - syscall_group_table] = 1;
	for (size_t i = 0; i < g->n_members; i++) {
		const char *m = g->members[i];
		if (m[0] != '@') {
			if (strcmp(m, syscall) == 0)
				return true;
			continue;
		}
		const struct syscall_group *sub = syscall_group_find(m);
		if (sub && !seen[sub - syscall_group_table] && contains_walk(sub, syscall, seen))
			return true;
	}
	return false;
}

bool syscall_group_contains(const struct syscall_group *g, const char *syscall, bool recursive)
{
	if (!g || !syscall || syscall[0] == '@')
		return false;
	if (!recursive) {
		for (size_t i = 0; i < g->n_members; i++)
			if (strcmp(g->members[i], syscall) == 0)
				return true;
		return false;
	}
	/* g must come from the built-in table: `seen` is indexed by position. */
	if (g < syscall_group_table || g >= syscall_group_table + syscall_group_table_size)
		return false;
	_cleanup_free_ unsigned char *seen = xcalloc(syscall_group_table_size, 1);
	return contains_walk(g, syscall, seen);
}

bool syscall_name_known(const char *name)
{
	return syscall_group_contains(syscall_group_find("@known"), name, true);
}

size_t syscall_groups_containing(const char *syscall, const struct syscall_group **out, size_t max)
{
	size_t n = 0;
	SYSCALL_GROUP_FOREACH(g) {
		if (!syscall_group_contains(g, syscall, false))
			continue;
		if (out && n < max)
			out[n] = g;
		n++;
	}
	return n;
}
