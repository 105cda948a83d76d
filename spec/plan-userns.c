/* privateUsers in the plan (README "Private users").  The range itself is
 * a fact of the moment the container starts (which ranges are free), so
 * for "pick" the plan states the rule and libexec/userns.c applies it. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

bool plan_wants_idmap_root(const struct spec *s)
{
	const struct spec_private_users *pu = &s->private_users;
	return (pu->mode == PRIVATE_USERS_PICK || pu->mode == PRIVATE_USERS_FIXED) && !pu->chown;
}

const char *plan_userns_name(const struct spec *s)
{
	if (s->machine_name)
		return s->machine_name;
	if (s->hostname)
		return s->hostname;
	const char *base = strrchr(s->root_path, '/');
	return base && base[1] ? base + 1 : s->root_path;
}

static void print_ownership(const struct spec_private_users *pu, FILE *f)
{
	if (pu->chown)
		fprintf(f, "; the tree is chowned once to the range (--private-users-ownership=chown: "
			"ids 0..%u on disk become the range's, and a tree already owned by a range "
			"keeps it)", pu->count - 1);
	else
		fprintf(f, "; the tree stays owned by 0..%u on disk: the root is an idmapped mount "
			"(a tree already owned by the range is used as it is)", pu->count - 1);
}

void plan_userns_describe(const struct plan *p, FILE *f)
{
	const struct spec *s = p->spec;
	const struct spec_private_users *pu = &s->private_users;
	switch (pu->mode) {
	case PRIVATE_USERS_UNSET:
		return;
	case PRIVATE_USERS_NO:
		if (s->minimal && !p->new_userns)
			fputs("# users: privateUsers \"no\": the container's root IS the host's root (uid 0 "
			      "in the host's user namespace); only its capabilities, syscall filter and "
			      "read-only mounts keep it from the host\n", f);
		return;
	case PRIVATE_USERS_PICK:
		fprintf(f, "# users: a private range of %u host uids and gids%s, picked at run time: "
			"the first free one of the 65536-aligned ranges from 524288 (0x80000) to "
			"1879048191, starting at the one the name \"%s\" hashes to (the same range "
			"each time while it is free); free means no running container maps it, no "
			"/etc/subuid or /etc/subgid entry overlaps it, and no other nsrun holds its "
			"lock in /run/nsrun/.userns (held while the container runs)",
			pu->count, pu->defaulted ? " (the default of a short spec)" : "", plan_userns_name(s));
		break;
	case PRIVATE_USERS_FIXED:
		fprintf(f, "# users: host uids and gids %u..%u are the container's 0..%u", pu->uid,
			pu->uid + (pu->count - 1), pu->count - 1);
		break;
	}
	print_ownership(pu, f);
	fputc('\n', f);
}

bool plan_userns_describe_maps(const struct plan *p, FILE *f)
{
	const struct spec_private_users *pu = &p->spec->private_users;
	if (pu->mode != PRIVATE_USERS_PICK)
		return false;
	fprintf(f, "uid_map and gid_map 0:PICKED:%u (container:host:size; PICKED is the range picked "
		"and locked at run time, see \"# users\")", pu->count);
	return true;
}

void plan_userns_json(const struct plan *p, FILE *f)
{
	const struct spec_private_users *pu = &p->spec->private_users;
	static const char *const modes[] = { [PRIVATE_USERS_UNSET] = "no", [PRIVATE_USERS_NO] = "no",
					     [PRIVATE_USERS_PICK] = "pick",
					     [PRIVATE_USERS_FIXED] = "range" };
	fprintf(f, ",\"privateUsers\":{\"mode\":\"%s\"", modes[pu->mode]);
	if (pu->mode == PRIVATE_USERS_FIXED)
		fprintf(f, ",\"uid\":%u", pu->uid);
	if (pu->mode == PRIVATE_USERS_FIXED || pu->mode == PRIVATE_USERS_PICK)
		fprintf(f, ",\"count\":%u,\"ownership\":\"%s\"", pu->count, pu->chown ? "chown" : "map");
	fprintf(f, ",\"defaulted\":%s}", pu->defaulted ? "true" : "false");
}

int plan_userns_mount(struct plan *p, const struct spec *s, struct plan_step *st, size_t idx,
		      struct nsrun_error *err)
{
	const struct spec_private_users *pu = &s->private_users;
	/* (a spec's own user namespace: the kernel says it at run time) */
	if (!p->new_userns || !st->fstype || (pu->mode != PRIVATE_USERS_PICK && pu->mode != PRIVATE_USERS_FIXED))
		return 0;
	const struct spec_mount *m = &s->mounts[idx];
	if (strcmp(st->fstype, "proc") == 0 && !(p->clone_flags & CLONE_NEWPID))
		return spec_fail_at(err, s, m->pos, "/mounts/%zu%s: proc in a new user namespace needs "
				    "a new pid namespace (add {\"type\": \"pid\"} to /linux/namespaces%s)",
				    idx, m->pos.line ? "" : " (a default mount)",
				    ", or give \"privateUsers\": \"no\"");
	if (strcmp(st->fstype, "mqueue") == 0 && !(p->clone_flags & CLONE_NEWIPC))
		return spec_fail_at(err, s, m->pos, "/mounts/%zu%s: mqueue in a new user namespace "
				    "needs a new ipc namespace (add {\"type\": \"ipc\"} to "
				    "/linux/namespaces%s)", idx, m->pos.line ? "" : " (a default mount)",
				    ", or give \"privateUsers\": \"no\"");
	return 0;
}

bool plan_has_idmap_binds(const struct plan *p)
{
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].kind == STEP_MOUNT && p->steps[i].idmap)
			return true;
	return false;
}

int plan_userns_idmap_binds(struct plan *p, struct nsrun_error *err)
{
	const struct spec *s = p->spec;
	for (size_t i = 0; i < p->n_steps; i++) {
		const struct plan_step *st = &p->steps[i];
		if (st->kind != STEP_MOUNT || !st->idmap)
			continue;
		if (st->mount_kind != MOUNT_BIND)
			return nsrun_error_set(err, 0, "%s: the mount on %s: \"idmap\" only applies to bind "
					       "mounts", s->file, st->path);
		if (!p->new_userns)
			return nsrun_error_set(err, 0, "%s: the mount on %s: \"idmap\" maps the source's ids "
					       "through the container's user namespace, and it has none "
					       "(give privateUsers or a user namespace)", s->file, st->path);
	}
	if (!plan_has_idmap_binds(p))
		return 0;
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].kind == STEP_IDMAP_ROOT)
			return 0;
	/* a spec with its own user namespace: the step only for the binds */
	size_t at = 0;
	while (at < p->n_steps && p->steps[at].kind != STEP_ID_MAPS)
		at++;
	plan_insert_step(p, at + 1, STEP_IDMAP_ROOT);
	return 0;
}

void plan_userns_describe_idmap(const struct plan *p, const struct plan_step *s, FILE *f)
{
	const struct spec_private_users *pu = &p->spec->private_users;
	const char *sep = "";
	if (s->path) {
		fprintf(f, "a copy of the mount of %s whose ids are mapped through the container's "
			"user namespace (files owned by 0..%u on disk are the container's 0..%u), "
			"handed to the container for the root", s->path, pu->count - 1, pu->count - 1);
		sep = "; ";
	}
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].kind == STEP_MOUNT && p->steps[i].idmap) {
			fprintf(f, "%s%s mapped the same way for its bind mount on %s", sep,
				p->steps[i].source, p->steps[i].path);
			sep = "; ";
		}
}
