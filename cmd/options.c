/* The command line as a spec source: see options.h.  Each option is one
 * edit of the JSON spec tree, made by a small function below; the tree is
 * then loaded like a spec file.  Values an option made carry its origin, so
 * a message about them names the option ("option --hostname=a_b:
 * /hostname: may hold only letters, ...").  The network options build the
 * "network" member (spec/network.h) the same way. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>

#include "commands.h"
#include "json-build.h"
#include "machine.h"
#include "options.h"

enum {
	O_DIRECTORY_ = 'D', O_MACHINE = 'M', O_BOOT = 'b', O_USER = 'u', O_SETENV = 'E',
	O_PID_FILE = 256, O_STOP_TIMEOUT, O_JSON, O_VERBOSE, O_HOSTNAME, O_BIND, O_BIND_RO,
	O_TMPFS, O_CHDIR, O_READ_ONLY, O_CAPABILITY, O_DROP_CAPABILITY, O_SYSCALL_FILTER,
	O_REGISTER, O_NO_REGISTER, O_ARGS,
	O_PRIVATE_NETWORK, O_NETWORK_VETH, O_NETWORK_BRIDGE, O_PORT = 'p',
	O_PRIVATE_USERS, O_PRIVATE_USERS_OWNERSHIP, O_NO_HOST,
};

static const struct option long_options[] = {
	{ "directory", required_argument, NULL, 'D' },
	{ "machine", required_argument, NULL, 'M' },
	{ "boot", no_argument, NULL, 'b' },
	{ "user", required_argument, NULL, 'u' },
	{ "setenv", required_argument, NULL, 'E' },
	{ "pid-file", required_argument, NULL, O_PID_FILE },
	{ "stop-timeout", required_argument, NULL, O_STOP_TIMEOUT },
	{ "json", no_argument, NULL, O_JSON },
	{ "verbose", no_argument, NULL, O_VERBOSE },
	{ "no-host", no_argument, NULL, O_NO_HOST },
	{ "hostname", required_argument, NULL, O_HOSTNAME },
	{ "bind", required_argument, NULL, O_BIND },
	{ "bind-ro", required_argument, NULL, O_BIND_RO },
	{ "tmpfs", required_argument, NULL, O_TMPFS },
	{ "chdir", required_argument, NULL, O_CHDIR },
	{ "read-only", no_argument, NULL, O_READ_ONLY },
	{ "capability", required_argument, NULL, O_CAPABILITY },
	{ "drop-capability", required_argument, NULL, O_DROP_CAPABILITY },
	{ "syscall-filter", required_argument, NULL, O_SYSCALL_FILTER },
	{ "system-call-filter", required_argument, NULL, O_SYSCALL_FILTER },
	{ "register", optional_argument, NULL, O_REGISTER },
	{ "no-register", no_argument, NULL, O_NO_REGISTER },
	/* networking: the "network" member (edit_network) */
	{ "private-network", no_argument, NULL, O_PRIVATE_NETWORK },
	{ "network-veth", no_argument, NULL, O_NETWORK_VETH },
	{ "network-bridge", required_argument, NULL, O_NETWORK_BRIDGE },
	{ "port", required_argument, NULL, O_PORT },
	/* user namespaces: "privateUsers" in the tree; the ownership to the loader */
	{ "private-users", required_argument, NULL, O_PRIVATE_USERS },
	{ "private-users-ownership", required_argument, NULL, O_PRIVATE_USERS_OWNERSHIP },
	{ NULL, 0, NULL, 0 },
};
static const char short_options[] = "+:D:M:bu:E:vp:U";

const char *options_machines_dir(void)
{
	const char *d = getenv("NSRUN_MACHINES_DIR");
	return d && *d ? d : "/var/lib/machines";
}

bool options_is_run_option(const char *arg)
{
	if (arg[0] != '-' || !arg[1])
		return false;
	if (arg[1] != '-')
		return strchr("DMbuEpU", arg[1]) != NULL;
	const char *name = arg + 2;
	size_t len = strcspn(name, "=");
	for (const struct option *o = long_options; o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o->val != O_JSON && o->val != O_VERBOSE && o->val != O_NO_HOST;
	return false;
}

static const char *option_name(int opt)
{
	for (const struct option *o = long_options; o->name; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

void options_for_machine(struct run_cmdline *c, const char *name, bool boot);
static void add_edit(struct run_cmdline *c, int opt, const char *val);
/* `nsrun start NAME`: -M NAME, and -b unless NAME has a spec file. */
void options_for_machine(struct run_cmdline *c, const char *name, bool boot)
{
	memset(c, 0, sizeof(*c));
	c->machine = name;
	add_edit(c, 'M', name);
	if (boot) {
		c->boot = true;
		add_edit(c, 'b', NULL);
	}
}

static void add_edit(struct run_cmdline *c, int opt, const char *val)
{
	c->edits = xrealloc(c->edits, (c->n_edits + 1) * sizeof(*c->edits));
	c->edits[c->n_edits++] = (struct run_edit){ .opt = opt, .val = val,
		.origin = val ? xasprintf("option --%s=%s", option_name(opt), val)
			      : xasprintf("option --%s", option_name(opt)) };
}

static int parse_stop_timeout(const char *v, unsigned *out)
{
	char *end;
	unsigned long t = strtoul(v, &end, 10);
	if (!*v || *end || t == 0 || t > 86400 || *v == '-') {
		cmd_error("--stop-timeout: expected seconds from 1 to 86400, got \"%s\"", v);
		return -1;
	}
	*out = (unsigned)t;
	return 0;
}

/* One option; -1 after printing an error. */
static int take_option(struct run_cmdline *c, int opt, unsigned allow, const char *word)
{
	switch (opt) {
	case 'D':
		c->directory = optarg;
		add_edit(c, opt, optarg);
		return 0;
	case 'M':
		c->machine = optarg;
		add_edit(c, opt, optarg);
		return 0;
	case 'b':
		c->boot = true;
		add_edit(c, opt, NULL);
		return 0;
	case 'v':
	case O_VERBOSE:
	case O_JSON:
		if (!(allow & OPT_ALLOW_PLAN))
			break;
		if (opt == O_JSON)
			c->json = true;
		else
			c->verbose = true;
		return 0;
	case O_NO_HOST:
		if (!(allow & OPT_ALLOW_CHECK))
			break;
		c->no_host = true;
		return 0;
	case O_PID_FILE:
		if (!(allow & OPT_ALLOW_RUN))
			break;
		c->pid_file = optarg;
		return 0;
	case O_STOP_TIMEOUT:
		if (!(allow & OPT_ALLOW_RUN))
			break;
		return parse_stop_timeout(optarg, &c->stop_timeout);
	case 'U': /* = --private-users=pick */
		add_edit(c, O_PRIVATE_USERS, "pick");
		return 0;
	case O_PRIVATE_USERS_OWNERSHIP:
		c->ownership = optarg;
		return 0;
	default:
		add_edit(c, opt, optarg);
		return 0;
	}
	cmd_error("option %.*s is not for this command; see its --help", (int)strcspn(word, "="), word);
	return -1;
}

static int parse(int argc, char **argv, unsigned allow, struct run_cmdline *c);

/* On failure nothing is left to free. */
int options_parse(int argc, char **argv, unsigned allow, struct run_cmdline *c)
{
	if (parse(argc, argv, allow, c) == 0)
		return 0;
	options_free(c);
	return -1;
}

static int parse(int argc, char **argv, unsigned allow, struct run_cmdline *c)
{
	memset(c, 0, sizeof(*c));
	optind = 0;   /* a full re-initialisation in glibc: the ordering is "+" */
	opterr = 0;
	for (;;) {
		int prev = optind ? optind : 1;
		int opt = getopt_long(argc, argv, short_options, long_options, NULL);
		if (opt == '?' || opt == ':') {
			/* a missing value is named by the word as given (-UD) */
			const char *arg = argv[prev < argc ? prev : argc - 1];
			cmd_option_error(opt, opt == ':' ? 0 : optopt,
					 optopt >= 256 || (optopt && arg[1] == '-'), arg, "");
			return -1;
		}
		if (opt != -1) {
			if (take_option(c, opt, allow, argv[prev < argc ? prev : argc - 1]) < 0)
				return -1;
			continue;
		}
		if (optind >= argc)
			break;
		if (strcmp(argv[optind - 1], "--") == 0 && optind - 1 >= prev) {
			c->extra_argc = argc - optind;
			c->extra_argv = argv + optind;
			break;
		}
		/* a word: the spec file first (unless -D/-M name the tree), then the command */
		if (!c->spec && !c->directory && !c->machine) {
			c->spec = argv[optind++];
			continue;
		}
		if (!(allow & (OPT_ALLOW_RUN | OPT_ALLOW_ARGS))) {
			cmd_error("unexpected argument '%s' (program arguments go after \"--\")", argv[optind]);
			return -1;
		}
		c->extra_argc = argc - optind;
		c->extra_argv = argv + optind;
		break;
	}
	if (!c->spec && !c->directory && !c->machine) {
		cmd_error("no spec file given (or -D DIR, -M NAME); see nsrun --help");
		return -1;
	}
	if (c->directory && c->machine) {
		cmd_error("-D and -M both name the root directory: give one");
		return -1;
	}
	return 0;
}

void options_free(struct run_cmdline *c)
{
	for (size_t i = 0; i < c->n_edits; i++)
		free(c->edits[i].origin);
	free(c->edits);
	c->edits = NULL;
	c->n_edits = 0;
}

/* ---- the tree ---------------------------------------------------------- */

struct tree_ctx {
	struct json_node *root;
	const char *spec_dir;     /* relative paths in the tree are relative to it */
	struct nsrun_error *err;
};

static char *absolute_path(const char *p)
{
	if (p[0] == '/')
		return xstrdup(p);
	char cwd[4096];
	if (!getcwd(cwd, sizeof(cwd)))
		return xstrdup(p);
	return xasprintf("%s/%s", strcmp(cwd, "/") ? cwd : "", strcmp(p, ".") ? p : "");
}

static int fail(struct tree_ctx *t, const struct run_edit *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct tree_ctx *t, const struct run_edit *e, const char *fmt, ...)
{
	char what[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return nsrun_error_set(t->err, 0, "%s: %s", e->origin, what);
}

static struct json_node *add_obj(struct tree_ctx *t, unsigned origin)
{
	return json_child(t->root, "add", JSON_OBJECT, origin);
}

/* --bind SRC[:DST[:OPTIONS]], --bind-ro: OPTIONS is a comma-separated
 * list of ro, rw, rbind (the default), norbind, idmap and noidmap (the
 * default: idmap maps the source's ids like the root's in a private user
 * range, as nspawn's :idmap). */
static int edit_bind(struct tree_ctx *t, const struct run_edit *e, unsigned origin)
{
	_cleanup_free_ char *copy = xstrdup(e->val);
	char *dst = strchr(copy, ':');
	char *opts = NULL;
	if (dst) {
		*dst++ = '\0';
		opts = strchr(dst, ':');
		if (opts)
			*opts++ = '\0';
	}
	if (!copy[0])
		return fail(t, e, "the source is empty: expected SRC[:DST[:OPTIONS]]");
	bool ro = e->opt == O_BIND_RO, recursive = true, idmap = false;
	for (char *save = NULL, *o = opts ? strtok_r(opts, ",", &save) : NULL; o;
	     o = strtok_r(NULL, ",", &save)) {
		if (strcmp(o, "ro") == 0 || strcmp(o, "rw") == 0)
			ro = o[1] == 'o';
		else if (strcmp(o, "rbind") == 0 || strcmp(o, "norbind") == 0)
			recursive = o[0] == 'r';
		else if (strcmp(o, "idmap") == 0 || strcmp(o, "noidmap") == 0)
			idmap = o[0] == 'i';
		else
			return fail(t, e, "unknown bind option \"%s\": expected ro, rw, rbind, norbind, "
				    "idmap or noidmap", o);
	}
	_cleanup_free_ char *src = absolute_path(copy);
	struct json_node *m = json_new(JSON_OBJECT, origin);
	json_set(m, "destination", json_new_string(dst && *dst ? dst : copy, origin));
	json_set(m, "type", json_new_string("bind", origin));
	json_set(m, "source", json_new_string(src, origin));
	struct json_node *o = json_set(m, "options", json_new(JSON_ARRAY, origin));
	json_append(o, json_new_string(recursive ? "rbind" : "bind", origin));
	if (idmap)
		json_append(o, json_new_string("idmap", origin));
	if (ro)
		json_append(o, json_new_string("ro", origin));
	json_append(json_child(add_obj(t, origin), "mounts", JSON_ARRAY, origin), m);
	return 0;
}

/* --tmpfs DST[:OPTIONS]: nspawn's default mode=0755, nodev, nosuid. */
static int edit_tmpfs(struct tree_ctx *t, const struct run_edit *e, unsigned origin)
{
	_cleanup_free_ char *copy = xstrdup(e->val);
	char *opts = strchr(copy, ':');
	if (opts)
		*opts++ = '\0';
	struct json_node *m = json_new(JSON_OBJECT, origin);
	json_set(m, "destination", json_new_string(copy, origin));
	json_set(m, "type", json_new_string("tmpfs", origin));
	json_set(m, "source", json_new_string("tmpfs", origin));
	struct json_node *o = json_set(m, "options", json_new(JSON_ARRAY, origin));
	json_append(o, json_new_string("nosuid", origin));
	json_append(o, json_new_string("nodev", origin));
	if (!opts || !strstr(opts, "mode="))
		json_append(o, json_new_string("mode=0755", origin));
	for (char *save = NULL, *w = opts ? strtok_r(opts, ",", &save) : NULL; w;
	     w = strtok_r(NULL, ",", &save))
		json_append(o, json_new_string(w, origin));
	json_append(json_child(add_obj(t, origin), "mounts", JSON_ARRAY, origin), m);
	return 0;
}

/* --setenv K=V, or --setenv K: the value from nsrun's environment (nspawn). */
static int edit_setenv(struct tree_ctx *t, const struct run_edit *e, unsigned origin)
{
	_cleanup_free_ char *kv = NULL;
	const char *host = strchr(e->val, '=') ? NULL : getenv(e->val);
	kv = host ? xasprintf("%s=%s", e->val, host) : xstrdup(e->val);
	json_append(json_child(add_obj(t, origin), "env", JSON_ARRAY, origin),
		    json_new_string(kv, origin));
	return 0;
}

/* --capability LIST / --drop-capability LIST: comma-separated names, with
 * or without CAP_, any case; "all" is every capability nsrun knows. */
static int edit_caps(struct tree_ctx *t, const struct run_edit *e, unsigned origin)
{
	const char *key = e->opt == O_CAPABILITY ? "capabilities" : "dropCapabilities";
	struct json_node *arr = json_child(add_obj(t, origin), key, JSON_ARRAY, origin);
	_cleanup_free_ char *copy = xstrdup(e->val);
	if (!copy[0])
		return fail(t, e, "expected a comma-separated list of capabilities");
	for (char *save = NULL, *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (strcasecmp(w, "all") == 0) {
			for (int cap = 0; cap <= SPEC_CAP_LAST; cap++)
				json_append(arr, json_new_string(spec_cap_name(cap), origin));
			continue;
		}
		_cleanup_free_ char *name = strncasecmp(w, "CAP_", 4) ? xasprintf("CAP_%s", w) : xstrdup(w);
		for (char *p = name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		json_append(arr, json_new_string(name, origin));
	}
	return 0;
}

/* --syscall-filter LIST, systemd's syntax: space-separated entries; a list
 * that starts with '~' denies all of them ("~read write"); otherwise each
 * entry keeps its own '~' ("@system-service ~@mount"); "name:ERRNO". */
static int edit_syscall_filter(struct tree_ctx *t, const struct run_edit *e, unsigned origin)
{
	struct json_node *arr = json_child(add_obj(t, origin), "syscallFilter", JSON_ARRAY, origin);
	_cleanup_free_ char *copy = xstrdup(e->val);
	char *list = copy;
	bool deny_all = list[0] == '~';
	if (deny_all)
		list++;
	size_t before = arr->count;
	for (char *save = NULL, *w = strtok_r(list, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		_cleanup_free_ char *entry = deny_all && w[0] != '~' ? xasprintf("~%s", w) : xstrdup(w);
		json_append(arr, json_new_string(entry, origin));
	}
	if (arr->count == before)
		return fail(t, e, "expected a space-separated list of syscalls and @groups");
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on", "y" };
	static const char *const no[] = { "0", "no", "false", "off", "n" };
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

/* The tree's root directory on the host (for --user and the default shell). */
static char *tree_root_dir(const struct tree_ctx *t)
{
	struct json_member *r = json_object_member(t->root, "root");
	struct json_member *p = r ? json_object_member(r->value, "path") : NULL;
	if (!p || p->value->type != JSON_STRING)
		return NULL;
	const char *path = p->value->text;
	return path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", t->spec_dir, path);
}

/* A passwd entry of the image, read through the root (never following a
 * link out of it): by name or by uid. */
struct pw { unsigned uid, gid; char name[256], home[1024], shell[1024]; };

static int image_passwd(const char *root, const char *who, struct pw *out)
{
	_cleanup_close_ int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return -1;
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, rfd, "etc/passwd", &how, sizeof(how));
	if (fd < 0)
		return -1;
	_cleanup_fclose_ FILE *f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return -1;
	}
	char line[4096];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *fields[7] = { 0 }, *p = line;
		size_t n = 0;
		for (; n < 7; n++) {
			fields[n] = p;
			char *colon = strchr(p, ':');
			if (!colon) {
				n++;
				break;
			}
			*colon = '\0';
			p = colon + 1;
		}
		if (n < 7)
			continue;
		char *end;
		unsigned long uid = strtoul(fields[2], &end, 10);
		if (*end || strcmp(fields[0], who) != 0) {
			unsigned long want = strtoul(who, &end, 10);
			if (*end || !*who || want != uid)
				continue;
		}
		size_t ln = strlen(fields[0]), lh = strlen(fields[5]), ls = strlen(fields[6]);
		if (ln >= sizeof(out->name) || lh >= sizeof(out->home) || ls >= sizeof(out->shell))
			continue; /* an entry this long is not one nsrun fills in for */
		out->uid = (unsigned)uid;
		out->gid = (unsigned)strtoul(fields[3], NULL, 10);
		memcpy(out->name, fields[0], ln + 1);
		memcpy(out->home, fields[5], lh + 1);
		memcpy(out->shell, fields[6], ls + 1);
		return 0;
	}
	return -1;
}

/* --user NAME|UID: the image's passwd entry gives uid, gid, HOME, USER,
 * LOGNAME and SHELL, as with nspawn. */
static int edit_user(struct tree_ctx *t, const struct run_edit *e, unsigned origin)
{
	_cleanup_free_ char *root = tree_root_dir(t);
	struct pw pw;
	if (!root || image_passwd(root, e->val, &pw) < 0)
		return fail(t, e, "no user \"%s\" in %s/etc/passwd", e->val, root ? root : "the image");
	struct json_node *proc = json_child(t->root, "process", JSON_OBJECT, origin);
	struct json_node *user = json_set(proc, "user", json_new(JSON_OBJECT, origin));
	json_set(user, "uid", json_new_number(pw.uid, origin));
	json_set(user, "gid", json_new_number(pw.gid, origin));
	struct json_node *env = json_child(add_obj(t, origin), "env", JSON_ARRAY, origin);
	const char *vars[][2] = { { "HOME", pw.home }, { "USER", pw.name }, { "LOGNAME", pw.name },
				  { "SHELL", pw.shell } };
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
		_cleanup_free_ char *kv = xasprintf("%s=%s", vars[i][0], vars[i][1]);
		json_append(env, json_new_string(kv, origin));
	}
	return 0;
}

/* A machine name is a host name (RFC 1123, at most 64 bytes): no '/',
 * no "..", no dot at the start.  NULL when valid, else why not. */
const char *machine_name_check(const char *name)
{
	size_t len = strlen(name);
	if (!len)
		return "must not be empty";
	if (len > 64)
		return "is longer than 64 bytes";
	if (name[0] == '.' || name[0] == '-' || name[len - 1] == '-' || name[len - 1] == '.')
		return "must not start or end with '.' or '-'";
	for (const char *p = name; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
			return "may hold only letters, digits, '-', '_' and '.'";
		if (p[0] == '.' && p[1] == '.')
			return "must not hold \"..\"";
	}
	return NULL;
}

/* --private-network, --network-veth, --network-bridge=BR: "network"."mode"
 * (the last one wins, over the spec file's mode and bridge too). */
static int edit_network_mode(struct tree_ctx *t, const struct run_edit *e, unsigned origin)
{
	struct json_node *net = json_child(t->root, "network", JSON_OBJECT, origin);
	const char *mode = e->opt == O_PRIVATE_NETWORK ? "private" : e->opt == O_NETWORK_VETH ? "veth" : "bridge";
	json_set(net, "mode", json_new_string(mode, origin));
	if (e->opt == O_NETWORK_BRIDGE)
		json_set(net, "bridge", json_new_string(e->val, origin));
	else
		json_remove(net, "bridge");
	return 0;
}

/* A port or a range as the spec writes it: 8080, or "8000-8009" (the
 * decoder checks the values and names this option). */
static struct json_node *port_value(const char *s, unsigned origin)
{
	if (*s && strlen(s) <= 5 && strspn(s, "0123456789") == strlen(s))
		return json_new_number(strtol(s, NULL, 10), origin);
	return json_new_string(s, origin);
}

/* -p, --port=[tcp:|udp:]HOSTPORT[:CONTAINERPORT]: one of "network"."ports"
 * (HOSTPORT may be a range FIRST-LAST). */
static int edit_port(struct tree_ctx *t, const struct run_edit *e, unsigned origin)
{
	_cleanup_free_ char *copy = xstrdup(e->val);
	char *host = copy;
	const char *proto = "tcp";
	if (strncmp(host, "tcp:", 4) == 0 || strncmp(host, "udp:", 4) == 0) {
		proto = host[0] == 'u' ? "udp" : "tcp";
		host += 4;
	}
	char *cont = strchr(host, ':');
	if (cont)
		*cont++ = '\0';
	if (!*host || (cont && (!*cont || strchr(cont, ':'))) || strchr(host, ':') ||
	    !isdigit((unsigned char)*host))
		return fail(t, e, "expected [tcp:|udp:]HOSTPORT[:CONTAINERPORT], HOSTPORT a port or a "
			    "range FIRST-LAST");
	struct json_node *p = json_new(JSON_OBJECT, origin);
	json_set(p, "protocol", json_new_string(proto, origin));
	json_set(p, "host", port_value(host, origin));
	if (cont)
		json_set(p, "container", port_value(cont, origin));
	struct json_node *net = json_child(t->root, "network", JSON_OBJECT, origin);
	json_append(json_child(net, "ports", JSON_ARRAY, origin), p);
	return 0;
}

/* nspawn's --network-veth and --port give the container an address by
 * themselves: "addresses": "auto", unless the spec gives addresses or the
 * mode (the last option's, or the file's) is not veth. */
static void network_auto_addresses(struct tree_ctx *t, const struct run_cmdline *c)
{
	unsigned origin = 0;
	for (size_t i = 0; i < c->n_edits && !origin; i++)
		if (c->edits[i].opt == O_NETWORK_VETH || c->edits[i].opt == O_PORT)
			origin = (unsigned)i + 1;
	struct json_member *net = origin ? json_object_member(t->root, "network") : NULL;
	if (!net || net->value->type != JSON_OBJECT || json_object_member(net->value, "addresses"))
		return;
	struct json_member *mode = json_object_member(net->value, "mode");
	bool veth = mode ? mode->value->type == JSON_STRING && strcmp(mode->value->text, "veth") == 0
			 : !json_object_member(net->value, "bridge");
	if (veth)
		json_set(net->value, "addresses", json_new_string("auto", origin));
}

/* -U, --private-users=pick|no|N[:M]: the member "privateUsers" */
static int edit_private_users(struct tree_ctx *t, const struct run_edit *e, unsigned origin)
{
	struct spec_private_users pu = { 0 };
	const char *why = spec_parse_private_users(e->val, &pu);
	if (why)
		return fail(t, e, "%s", why);
	struct json_node *v;
	if (pu.mode == PRIVATE_USERS_FIXED) {
		v = json_new(JSON_OBJECT, origin);
		json_set(v, "uid", json_new_number((long long)pu.uid, origin));
		json_set(v, "count", json_new_number((long long)pu.count, origin));
	} else {
		v = json_new_string(e->val, origin);
	}
	json_set(t->root, "privateUsers", v);
	return 0;
}

static int edit_one(struct tree_ctx *t, const struct run_edit *e, unsigned origin)
{
	struct json_node *root = t->root;
	bool b;
	switch (e->opt) {
	case O_HOSTNAME:
		json_set(root, "hostname", json_new_string(e->val, origin));
		return 0;
	case O_BIND:
	case O_BIND_RO:
		return edit_bind(t, e, origin);
	case O_TMPFS:
		return edit_tmpfs(t, e, origin);
	case O_SETENV:
		return edit_setenv(t, e, origin);
	case O_USER:
		return edit_user(t, e, origin);
	case O_CHDIR:
		json_set(json_child(root, "process", JSON_OBJECT, origin), "cwd",
			 json_new_string(e->val, origin));
		return 0;
	case O_READ_ONLY:
		json_set(json_child(root, "root", JSON_OBJECT, origin), "readonly",
			 json_new_bool(true, origin));
		return 0;
	case O_CAPABILITY:
	case O_DROP_CAPABILITY:
		return edit_caps(t, e, origin);
	case O_SYSCALL_FILTER:
		return edit_syscall_filter(t, e, origin);
	case O_REGISTER:
		if (e->val && parse_bool(e->val, &b) < 0)
			return fail(t, e, "expected yes or no");
		json_set(root, "register", json_new_bool(e->val ? b : true, origin));
		return 0;
	case O_NO_REGISTER:
		json_set(root, "register", json_new_bool(false, origin));
		return 0;
	case O_PRIVATE_NETWORK:
	case O_NETWORK_VETH:
	case O_NETWORK_BRIDGE:
		return edit_network_mode(t, e, origin);
	case O_PORT:
		return edit_port(t, e, origin);
	case O_PRIVATE_USERS:
		return edit_private_users(t, e, origin);
	}
	return 0;
}

/* -D DIR, -M NAME, -b: the tree's root and mode, before the other options. */
static int edit_source(struct tree_ctx *t, const struct run_edit *e, unsigned origin)
{
	const char *why;
	switch (e->opt) {
	case 'D': {
		_cleanup_free_ char *dir = absolute_path(e->val);
		json_set(json_child(t->root, "root", JSON_OBJECT, origin), "path",
			 json_new_string(dir, origin));
		return 0;
	}
	case 'M': {
		if ((why = machine_name_check(e->val)))
			return fail(t, e, "a machine name %s", why);
		struct json_node *r = json_child(t->root, "root", JSON_OBJECT, origin);
		if (!json_object_member(r, "path")) {
			_cleanup_free_ char *dir = xasprintf("%s/%s", options_machines_dir(), e->val);
			json_set(r, "path", json_new_string(dir, origin));
		}
		if (!json_object_member(t->root, "machine"))
			json_set(t->root, "machine", json_new_string(e->val, origin));
		/* a read-only image runs with a read-only root */
		if (image_is_read_only(e->val) && !json_object_member(r, "readonly"))
			json_set(r, "readonly", json_new_bool(true, origin));
		return 0;
	}
	case 'b':
		json_set(t->root, "boot", json_new_bool(true, origin));
		return 0;
	}
	return 0;
}

/* -D/-M without a command and without boot: the user's login shell (nspawn). */
static void default_command(struct tree_ctx *t, const struct run_cmdline *c, unsigned origin,
			    bool from_file)
{
	struct json_member *boot = json_object_member(t->root, "boot");
	bool booting = boot && boot->value->type == JSON_BOOL && boot->value->boolean;
	struct json_member *pm = json_object_member(t->root, "process");
	bool has_args = pm && json_object_member(pm->value, "args");
	bool tty = !from_file && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (c->extra_argc <= 0 && (has_args || booting) && !(tty && !booting))
		return;
	struct json_node *proc = json_child(t->root, "process", JSON_OBJECT, origin);
	if (c->extra_argc > 0) {
		struct json_node *a = json_set(proc, "args", json_new(JSON_ARRAY, origin));
		for (int i = 0; i < c->extra_argc; i++)
			json_append(a, json_new_string(c->extra_argv[i], origin));
	} else if (!has_args && !booting) {
		_cleanup_free_ char *root = tree_root_dir(t);
		struct json_member *user = json_object_member(proc, "user");
		struct json_member *uid = user ? json_object_member(user->value, "uid") : NULL;
		struct pw pw;
		const char *shell = "/bin/sh";
		if (root && image_passwd(root, uid ? uid->value->text : "0", &pw) == 0 && pw.shell[0])
			shell = pw.shell;
		struct json_node *a = json_set(proc, "args", json_new(JSON_ARRAY, origin));
		json_append(a, json_new_string(shell, origin));
		json_append(a, json_new_string("-l", origin));
	}
	/* an interactive shell gets a terminal, as with nspawn */
	if (tty && !booting && !json_object_member(proc, "terminal"))
		json_set(proc, "terminal", json_new_bool(true, origin));
}

/* $MACHINES/NAME.json or /etc/nsrun/NAME.json: how machine NAME runs. */
char *machine_spec_file(const char *name)
{
	char *p = xasprintf("%s/%s.json", options_machines_dir(), name);
	if (access(p, F_OK) == 0)
		return p;
	free(p);
	p = xasprintf("/etc/nsrun/%s.json", name);
	if (access(p, F_OK) == 0)
		return p;
	free(p);
	return NULL;
}

int options_build_tree(const struct run_cmdline *c, struct json_node **tree, char **name,
		       struct nsrun_error *err)
{
	_cleanup_json_ struct json_node *root = NULL;
	_cleanup_free_ char *file = c->spec ? xstrdup(c->spec) : c->machine ? machine_spec_file(c->machine) : NULL;
	if (file) {
		if (json_parse_file(file, &root, err) < 0)
			return -1;
	} else {
		root = json_new(JSON_OBJECT, 0);
	}
	_cleanup_free_ char *dir = NULL;
	const char *slash = file ? strrchr(file, '/') : NULL;
	dir = slash ? xstrndup(file, (size_t)(slash - file) + (slash == file)) : absolute_path(".");
	if (dir[0] != '/') {
		char *abs = absolute_path(dir);
		free(dir);
		dir = abs;
	}
	struct tree_ctx t = { .root = root, .spec_dir = dir, .err = err };
	unsigned args_origin = 0;
	for (size_t i = 0; i < c->n_edits; i++) {
		if (edit_source(&t, &c->edits[i], (unsigned)i + 1) < 0)
			return -1;
		if (c->edits[i].opt == 'D' || c->edits[i].opt == 'M')
			args_origin = (unsigned)i + 1;
	}
	for (size_t i = 0; i < c->n_edits; i++)
		if (edit_one(&t, &c->edits[i], (unsigned)i + 1) < 0)
			return -1;
	network_auto_addresses(&t, c);
	if (!file || c->extra_argc > 0)
		default_command(&t, c, args_origin, file != NULL);
	*name = file ? TAKE_PTR(file) : xstrdup("command line");
	*tree = TAKE_PTR(root);
	return 0;
}

int options_load_spec(const struct run_cmdline *c, FILE *warn, struct spec **out, char **text,
		      struct nsrun_error *err)
{
	_cleanup_json_ struct json_node *tree = NULL;
	_cleanup_free_ char *name = NULL;
	if (options_build_tree(c, &tree, &name, err) < 0)
		return -1;
	if (text) {
		size_t len;
		FILE *f = open_memstream(text, &len);
		if (f) {
			json_write_tree(f, tree);
			fclose(f);
		}
	}
	_cleanup_free_ const char **origins = xcalloc(c->n_edits + 1, sizeof(char *));
	for (size_t i = 0; i < c->n_edits; i++)
		origins[i] = c->edits[i].origin;
	struct spec_load_opts opts = { .origins = origins, .n_origins = c->n_edits,
				       .ownership = c->ownership };
	return spec_load_tree_opts(tree, name, warn, &opts, out, err);
}

/* nsrun spec --from-command-line [-D DIR | SPEC] [OPTIONS] [-- ARGS]: the
 * spec file this command line stands for, checked first. */
int cmd_spec_from_command_line(int argc, char **argv)
{
	_cleanup_free_ char **args = xcalloc((size_t)argc + 1, sizeof(char *));
	int n = 0;
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--from-command-line") != 0)
			args[n++] = argv[i];
	struct run_cmdline c;
	if (options_parse(n, args, OPT_ALLOW_ARGS, &c) < 0)
		return NSRUN_EXIT_FAILURE;
	struct nsrun_error err = { 0 };
	_cleanup_json_ struct json_node *tree = NULL;
	_cleanup_free_ char *name = NULL;
	struct spec *spec = NULL;
	int r = options_load_spec(&c, stderr, &spec, NULL, &err);
	if (r == 0)
		r = options_build_tree(&c, &tree, &name, &err);
	spec_free(spec);
	options_free(&c);
	if (r < 0) {
		cmd_error("%s", err.msg);
		return NSRUN_EXIT_FAILURE;
	}
	json_write_tree(stdout, tree);
	return 0;
}
