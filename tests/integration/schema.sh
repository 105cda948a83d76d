#!/bin/bash
# schemas/nsrun-spec.schema.json: the schema itself is a valid JSON Schema
# (draft 2020-12), every example and good spec validates against it, a full
# OCI 1.3 config validates, and bad specs (wrong types, relative paths, ids
# out of range, fractions where integers are meant, ...) are rejected at the
# expected JSON pointer.  When nsrun is built, `nsrun check` must agree on
# the examples and on each bad spec.  TAP on stdout; no root needed.
#
# Numbers are loaded with parse_float=decimal.Decimal: JSON Schema counts 1.0
# as an integer, nsrun does not, and a Decimal is never an integer to the
# jsonschema module.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY=/usr/bin/python3
SCHEMA=$NSRUN_SRC/schemas/nsrun-spec.schema.json
"$PY" -c 'import jsonschema' 2>/dev/null || skip_all "python3-jsonschema missing"
have_nsrun=false
[ -x "$NSRUN" ] && have_nsrun=true

# check.py SCHEMA FILE...: one line per file, "FILE<TAB>valid" or
# "FILE<TAB>invalid<TAB>POINTER ...<TAB>first message"; each POINTER is the
# instance location of an error (or of an error inside anyOf/oneOf).
cat >"$TMP/check.py" <<'EOF'
import decimal, json, sys
from jsonschema import Draft202012Validator

schema = json.load(open(sys.argv[1]))
validator = Draft202012Validator(schema)

def pointer(path):
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)

def pointers(errors):
    for e in errors:
        yield pointer(e.absolute_path)
        yield from pointers(e.context or [])

for name in sys.argv[2:]:
    try:
        with open(name) as f:
            inst = json.load(f, parse_float=decimal.Decimal)
    except ValueError as e:
        print(f"{name}\tinvalid\t-\tnot JSON: {e}")
        continue
    errors = sorted(validator.iter_errors(inst), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        print(f"{name}\tvalid")
    else:
        where = " ".join(sorted(set(pointers(errors))))
        print(f"{name}\tinvalid\t{where}\t{errors[0].message[:300]}")
EOF
check() { "$PY" "$TMP/check.py" "$SCHEMA" "$@"; }

# --- the schema itself -------------------------------------------------------

out=$("$PY" - "$SCHEMA" 2>&1 <<'EOF'
import json, sys
from jsonschema import Draft202012Validator
s = json.load(open(sys.argv[1]))
assert s.get("$schema") == "https://json-schema.org/draft/2020-12/schema", s.get("$schema")
Draft202012Validator.check_schema(s)
EOF
)
ok $? "the schema is a valid draft 2020-12 JSON Schema"
[ -z "$out" ] || printf '#   %s\n' "$out" | head -20

# Every member the schema names has a description saying what nsrun does.
out=$("$PY" - "$SCHEMA" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
def walk(node, where):
    if isinstance(node, dict):
        for key, sub in node.get("properties", {}).items():
            if not isinstance(sub, dict) or not sub.get("description"):
                # a $ref to a described definition still needs its own words
                print(f"{where}/properties/{key}")
        for key, sub in node.items():
            # conditions restate members already described elsewhere
            if key not in ("if", "then", "else", "not", "contains"):
                walk(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            walk(sub, f"{where}/{i}")
walk(s, "#")
EOF
)
is "$out" "" "every property in the schema has a description"

# The group names in the syscallFilter pattern are the table's.
out=$("$PY" - "$SCHEMA" "$NSRUN_SRC/schemas/syscall-groups.json" <<'EOF'
import json, re, sys
s = json.load(open(sys.argv[1]))
table = [g["name"] for g in json.load(open(sys.argv[2]))["groups"]]
pattern = s["$defs"]["syscallFilterEntry"]["pattern"]
m = re.search(r"@\(([^)]*)\)", pattern)
in_schema = ["@" + g for g in m.group(1).split("|")] if m else []
if in_schema != table:
    print("schema:", " ".join(in_schema))
    print("table: ", " ".join(table))
desc = s["$defs"]["syscallFilterEntry"]["description"]
missing = [g for g in table if g not in desc]
if missing:
    print("not in the description:", " ".join(missing))
EOF
)
is "$out" "" "the syscall groups in the schema match schemas/syscall-groups.json"

# --- files that must validate ------------------------------------------------

good=("$NSRUN_SRC"/examples/*.json)
if [ -d "$NSRUN_SRC/tests/specs/good" ]; then
	for f in "$NSRUN_SRC"/tests/specs/good/*.json; do
		[ -e "$f" ] && good+=("$f")
	done
fi
while IFS=$'\t' read -r file verdict where msg; do
	is "$verdict" valid "${file#"$NSRUN_SRC"/} validates"
	[ "$verdict" = valid ] || echo "#   $where: $msg"
done < <(check "${good[@]}")

if $have_nsrun; then
	for f in "$NSRUN_SRC"/examples/*.json; do
		out=$("$NSRUN" check --no-host "$f" 2>&1)
		ok $? "nsrun check accepts ${f#"$NSRUN_SRC"/} too"
		[ -z "$out" ] || printf '#   %s\n' "$out" | head -5
	done
fi

# `nsrun spec` writes an OCI config.json; it must be valid as well.
if $have_nsrun; then
	mkdir -p "$TMP/spec" && (cd "$TMP/spec" && "$NSRUN" spec >/dev/null 2>&1)
	read -r _ verdict where msg < <(check "$TMP/spec/config.json")
	is "$verdict" valid "the config.json written by nsrun spec validates"
	[ "$verdict" = valid ] || echo "#   $where: $msg"
else
	ok 0 "the config.json written by nsrun spec validates # SKIP nsrun not built"
fi

# A full OCI 1.3 config using every Linux member, and a short nsrun spec
# using every nsrun member: the schema accepts the whole vocabulary, even
# where nsrun itself says "not supported yet".
spec "$TMP/oci-full.json" '{
  "ociVersion": "1.3.0",
  "root": { "path": "rootfs", "readonly": true },
  "hostname": "full", "domainname": "example.org",
  "annotations": { "org.example.owner": "ops" },
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": [ "nosuid", "mode=755" ] },
    { "destination": "/data", "type": "bind", "source": "data", "options": [ "rbind", "ro" ],
      "uidMappings": [ { "containerID": 0, "hostID": 100000, "size": 65536 } ],
      "gidMappings": [ { "containerID": 0, "hostID": 100000, "size": 65536 } ] },
    { "destination": "/srv", "type": "none", "source": "/srv", "options": [ "bind" ] }
  ],
  "process": {
    "terminal": true, "consoleSize": { "height": 25, "width": 80 },
    "args": [ "sh" ], "env": [ "PATH=/bin", "EMPTY=" ], "cwd": "/",
    "user": { "uid": 1000, "gid": 1000, "umask": 18, "additionalGids": [ 5, 2147483647 ] },
    "capabilities": {
      "bounding": [ "CAP_KILL", "CAP_CHECKPOINT_RESTORE" ], "effective": [ "CAP_KILL" ],
      "inheritable": [ "CAP_KILL" ], "permitted": [ "CAP_KILL" ], "ambient": [ "CAP_KILL" ] },
    "rlimits": [ { "type": "RLIMIT_NOFILE", "soft": 1024, "hard": 18446744073709551615 } ],
    "noNewPrivileges": true, "oomScoreAdj": -1000,
    "selinuxLabel": "system_u:system_r:container_t:s0", "apparmorProfile": "nsrun-default",
    "ioPriority": { "class": "IOPRIO_CLASS_BE", "priority": 4 },
    "scheduler": { "policy": "SCHED_DEADLINE", "flags": [ "SCHED_FLAG_RESET_ON_FORK" ],
                   "runtime": 1000, "deadline": 2000, "period": 4000 },
    "execCPUAffinity": { "initial": "0", "final": "0-3" }
  },
  "hooks": {
    "prestart": [], "createRuntime": [ { "path": "/usr/bin/true", "args": [ "true" ], "env": [ "A=1" ], "timeout": 5 } ],
    "createContainer": [], "startContainer": [], "poststart": [], "poststop": []
  },
  "linux": {
    "namespaces": [ { "type": "mount" }, { "type": "pid" }, { "type": "uts" }, { "type": "ipc" },
                    { "type": "network" }, { "type": "cgroup" }, { "type": "user" }, { "type": "time" } ],
    "uidMappings": [ { "containerID": 0, "hostID": 100000, "size": 65536 } ],
    "gidMappings": [ { "containerID": 0, "hostID": 100000, "size": 65536 } ],
    "timeOffsets": { "monotonic": { "secs": -86400, "nanosecs": 0 }, "boottime": { "secs": 3600 } },
    "devices": [ { "path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0 },
                 { "path": "/dev/fifo", "type": "p" } ],
    "cgroupsPath": "/nsrun/full",
    "resources": {
      "devices": [ { "allow": false, "access": "rwm" }, { "allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw" } ],
      "memory": { "limit": 536870912, "reservation": 268435456, "swap": -1, "swappiness": 10,
                  "disableOOMKiller": false, "useHierarchy": true, "checkBeforeUpdate": true },
      "cpu": { "shares": 1024, "quota": 50000, "burst": 10000, "period": 100000,
               "realtimeRuntime": 0, "realtimePeriod": 0, "cpus": "0-1", "mems": "0", "idle": 0 },
      "blockIO": { "weight": 100, "leafWeight": 50,
                   "weightDevice": [ { "major": 8, "minor": 0, "weight": 500 } ],
                   "throttleReadBpsDevice": [ { "major": 8, "minor": 0, "rate": 1048576 } ],
                   "throttleWriteBpsDevice": [], "throttleReadIOPSDevice": [],
                   "throttleWriteIOPSDevice": [ { "major": 8, "minor": 16, "rate": 300 } ] },
      "hugepageLimits": [ { "pageSize": "2MB", "limit": 209715200 } ],
      "network": { "classID": 1048577, "priorities": [ { "name": "eth0", "priority": 500 } ] },
      "pids": { "limit": 512 },
      "rdma": { "mlx5_1": { "hcaHandles": 3, "hcaObjects": 10000 } },
      "unified": { "memory.high": "400M" }
    },
    "intelRdt": { "closID": "guaranteed", "l3CacheSchema": "L3:0=7f0", "memBwSchema": "MB:0=20",
                  "schemata": "L2:0=f", "enableCMT": true, "enableMBM": true },
    "memoryPolicy": { "mode": "MPOL_INTERLEAVE", "nodes": "0-1", "flags": [ "MPOL_F_STATIC_NODES" ] },
    "netDevices": { "eth1": { "name": "net0" }, "eth2": {} },
    "sysctl": { "net.ipv4.ip_forward": "1", "kernel.shmmax": "68719476736", "fs.mqueue.msg_max": "10" },
    "seccomp": {
      "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
      "architectures": [ "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32" ],
      "flags": [ "SECCOMP_FILTER_FLAG_LOG" ],
      "listenerPath": "/run/agent.sock", "listenerMetadata": "hello",
      "syscalls": [
        { "names": [ "read", "write" ], "action": "SCMP_ACT_ALLOW" },
        { "names": [ "personality" ], "action": "SCMP_ACT_ALLOW",
          "args": [ { "index": 0, "value": 8, "op": "SCMP_CMP_EQ" } ] },
        { "names": [ "ioctl" ], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
          "args": [ { "index": 1, "value": 4294967295, "valueTwo": 21505, "op": "SCMP_CMP_MASKED_EQ" } ] },
        { "names": [ "mount" ], "action": "SCMP_ACT_NOTIFY" }
      ]
    },
    "rootfsPropagation": "rslave",
    "maskedPaths": [ "/proc/kcore" ], "readonlyPaths": [ "/proc/sys" ],
    "mountLabel": "system_u:object_r:container_file_t:s0",
    "personality": { "domain": "LINUX32", "flags": [] }
  },
  "windows": {}, "vm": {}, "solaris": {}, "zos": {},
  "org.example.unknown-member": { "unknown members": "are allowed" }
}'
spec "$TMP/nsrun-full.json" '{
  "root": { "path": "busybox" },
  "process": { "args": [ "sh" ] },
  "boot": false,
  "machine": "web1",
  "network": {},
  "linux": {
    "syscallFilter": [ "@system-service", "~@mount", "~mkdir:EACCES", "~@swap:1", "ioctl", "@known" ],
    "syscallErrno": "EPERM"
  }
}'
while IFS=$'\t' read -r file verdict where msg; do
	is "$verdict" valid "$(basename "$file" .json): the schema accepts it"
	[ "$verdict" = valid ] || echo "#   $where: $msg"
done < <(check "$TMP/oci-full.json" "$TMP/nsrun-full.json")

# --- bad specs ---------------------------------------------------------------
# NAME|POINTER|SPEC: the schema must reject SPEC with an error at POINTER
# (the value that is wrong, or the object missing a member), and nsrun check
# must reject it too.  R is a root and process that are fine on their own.

R='"root": {"path": "busybox"}'
P='"args": ["sh"]'
mkdir -p "$TMP/bad"
cases=$(cat <<EOF
no-root|/|{"process": {$P}}
no-root-path|/root|{"root": {}, "process": {$P}}
empty-root-path|/root/path|{"root": {"path": ""}, "process": {$P}}
no-process|/|{$R}
no-args|/process|{$R, "process": {"cwd": "/"}}
empty-args|/process/args|{$R, "process": {"args": []}}
empty-program|/process/args/0|{$R, "process": {"args": [""]}}
args-not-array|/process/args|{$R, "process": {"args": "sh -c true"}}
args-not-strings|/process/args/1|{$R, "process": {"args": ["sh", 1]}}
terminal-string|/process/terminal|{$R, "process": {$P, "terminal": "yes"}}
hostname-number|/hostname|{$R, "process": {$P}, "hostname": 42}
root-readonly-string|/root/readonly|{"root": {"path": "busybox", "readonly": "true"}, "process": {$P}}
relative-cwd|/process/cwd|{$R, "process": {$P, "cwd": "tmp"}}
dotdot-cwd|/process/cwd|{$R, "process": {$P, "cwd": "/tmp/../etc"}}
oci-without-cwd|/process|{"ociVersion": "1.2.0", $R, "process": {$P}}
oci-version-2|/ociVersion|{"ociVersion": "2.0.0", $R, "process": {$P, "cwd": "/"}}
uid-too-big|/process/user/uid|{$R, "process": {$P, "user": {"uid": 2147483648}}}
gid-negative|/process/user/gid|{$R, "process": {$P, "user": {"gid": -1}}}
uid-string|/process/user/uid|{$R, "process": {$P, "user": {"uid": "root"}}}
additional-gid-too-big|/process/user/additionalGids/1|{$R, "process": {$P, "user": {"additionalGids": [1, 4294967295]}}}
uid-fraction|/process/user/uid|{$R, "process": {$P, "user": {"uid": 1.5}}}
uid-float-one|/process/user/uid|{$R, "process": {$P, "user": {"uid": 1.0}}}
umask-exponent|/process/user/umask|{$R, "process": {$P, "user": {"umask": 1e1}}}
oom-float|/process/oomScoreAdj|{$R, "process": {$P, "oomScoreAdj": 10.0}}
oom-out-of-range|/process/oomScoreAdj|{$R, "process": {$P, "oomScoreAdj": 1001}}
rlimit-float|/process/rlimits/0/soft|{$R, "process": {$P, "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1024.5, "hard": 2048}]}}
rlimit-no-hard|/process/rlimits/0|{$R, "process": {$P, "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1024}]}}
rlimit-unknown|/process/rlimits/0/type|{$R, "process": {$P, "rlimits": [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]}}
env-no-equals|/process/env/1|{$R, "process": {$P, "env": ["A=1", "NOEQUALS"]}}
env-empty-key|/process/env/0|{$R, "process": {$P, "env": ["=value"]}}
capability-unknown|/process/capabilities/bounding/0|{$R, "process": {$P, "capabilities": {"bounding": ["CAP_SYS_ADMN"]}}}
capability-twice|/process/capabilities/permitted|{$R, "process": {$P, "capabilities": {"permitted": ["CAP_KILL", "CAP_KILL"]}}}
console-without-terminal|/process|{$R, "process": {$P, "consoleSize": {"height": 25, "width": 80}}}
console-terminal-false|/process/terminal|{$R, "process": {$P, "terminal": false, "consoleSize": {"height": 25, "width": 80}}}
hostname-too-long|/hostname|{$R, "process": {$P}, "hostname": "$(printf 'a%.0s' {1..65})"}
hostname-underscore|/hostname|{$R, "process": {$P}, "hostname": "my_host"}
hostname-leading-dash|/hostname|{$R, "process": {$P}, "hostname": "-host"}
hostname-empty-label|/hostname|{$R, "process": {$P}, "hostname": "a..b"}
hostname-trailing-newline|/hostname|{$R, "process": {$P}, "hostname": "host\n"}
mount-relative-destination|/mounts/0/destination|{$R, "process": {$P}, "mounts": [{"destination": "tmp", "type": "tmpfs"}]}
mount-no-destination|/mounts/0|{$R, "process": {$P}, "mounts": [{"type": "tmpfs"}]}
mount-no-type|/mounts/0|{$R, "process": {$P}, "mounts": [{"destination": "/tmp", "source": "tmpfs"}]}
mount-bind-no-source|/mounts/0|{$R, "process": {$P}, "mounts": [{"destination": "/data", "options": ["rbind"]}]}
mount-none-without-bind|/mounts/0/type|{$R, "process": {$P}, "mounts": [{"destination": "/data", "type": "none", "source": "data"}]}
mount-option-comma|/mounts/0/options/0|{$R, "process": {$P}, "mounts": [{"destination": "/tmp", "type": "tmpfs", "options": ["mode=755,size=1m"]}]}
masked-relative|/linux/maskedPaths/0|{$R, "process": {$P}, "linux": {"maskedPaths": ["proc/kcore"]}}
readonly-dotdot|/linux/readonlyPaths/0|{$R, "process": {$P}, "linux": {"readonlyPaths": ["/proc/../etc"]}}
namespace-unknown|/linux/namespaces/0/type|{$R, "process": {$P}, "linux": {"namespaces": [{"type": "net"}]}}
namespace-relative-path|/linux/namespaces/1/path|{$R, "process": {$P}, "linux": {"namespaces": [{"type": "mount"}, {"type": "network", "path": "run/netns/x"}]}}
mapping-size-zero|/linux/uidMappings/0/size|{$R, "process": {$P}, "linux": {"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 0}]}}
mapping-missing-host|/linux/gidMappings/0|{$R, "process": {$P}, "linux": {"gidMappings": [{"containerID": 0, "size": 1}]}}
device-outside-dev|/linux/devices/0/path|{$R, "process": {$P}, "linux": {"devices": [{"path": "/tmp/null", "type": "c", "major": 1, "minor": 3}]}}
device-no-major|/linux/devices/0|{$R, "process": {$P}, "linux": {"devices": [{"path": "/dev/fuse", "type": "c"}]}}
device-bad-type|/linux/devices/0/type|{$R, "process": {$P}, "linux": {"devices": [{"path": "/dev/x", "type": "x", "major": 1, "minor": 1}]}}
sysctl-host-wide|/linux/sysctl|{$R, "process": {$P}, "linux": {"sysctl": {"vm.swappiness": "10"}}}
sysctl-number|/linux/sysctl/kernel.shmmax|{$R, "process": {$P}, "linux": {"sysctl": {"kernel.shmmax": 1}}}
time-nanosecs|/linux/timeOffsets/monotonic/nanosecs|{$R, "process": {$P}, "linux": {"timeOffsets": {"monotonic": {"nanosecs": 1000000000}}}}
propagation-unknown|/linux/rootfsPropagation|{$R, "process": {$P}, "linux": {"rootfsPropagation": "recursive"}}
personality-unknown|/linux/personality/domain|{$R, "process": {$P}, "linux": {"personality": {"domain": "LINUX64"}}}
seccomp-bad-action|/linux/seccomp/syscalls/0/action|{$R, "process": {$P}, "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_DENY"}]}}}
seccomp-bad-op|/linux/seccomp/syscalls/0/args/0/op|{$R, "process": {$P}, "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ANY"}]}]}}}
filter-unknown-group|/linux/syscallFilter/1|{$R, "process": {$P}, "linux": {"syscallFilter": ["@system-service", "~@nosuch"]}}
filter-lowercase-errno|/linux/syscallFilter/0|{$R, "process": {$P}, "linux": {"syscallFilter": ["~mkdir:eacces"]}}
filter-not-array|/linux/syscallFilter|{$R, "process": {$P}, "linux": {"syscallFilter": "~@mount"}}
filter-errno-on-allowed|/linux/syscallFilter/0|{$R, "process": {$P}, "linux": {"syscallFilter": ["mkdir:EACCES"]}}
filter-errno-too-big|/linux/syscallFilter/0|{$R, "process": {$P}, "linux": {"syscallFilter": ["~mkdir:4096"]}}
syscall-errno-without-filter|/linux|{$R, "process": {$P}, "linux": {"syscallErrno": "EACCES"}}
seccomp-no-default|/linux/seccomp|{$R, "process": {$P}, "linux": {"seccomp": {"syscalls": []}}}
seccomp-errnoret-on-allow|/linux/seccomp/syscalls/0/action|{$R, "process": {$P}, "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1}]}}}
seccomp-errnoret-too-big|/linux/seccomp/defaultErrnoRet|{$R, "process": {$P}, "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 4096}}}
seccomp-notify-default|/linux/seccomp/defaultAction|{$R, "process": {$P}, "linux": {"seccomp": {"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/run/agent.sock"}}}
seccomp-notify-without-listener|/linux/seccomp|{$R, "process": {$P}, "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_NOTIFY"}]}}}
seccomp-metadata-without-listener|/linux/seccomp|{$R, "process": {$P}, "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "listenerMetadata": "x"}}}
seccomp-valuetwo-without-masked-eq|/linux/seccomp/syscalls/0/args/0/op|{$R, "process": {$P}, "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "valueTwo": 2, "op": "SCMP_CMP_EQ"}]}]}}}
seccomp-ioctl-64-bit|/linux/seccomp/syscalls/0/args/0/value|{$R, "process": {$P}, "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["ioctl"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 4294967296, "op": "SCMP_CMP_EQ"}]}]}}}
seccomp-arch-twice|/linux/seccomp/architectures|{$R, "process": {$P}, "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X86"]}}}
syscall-errno-number|/linux/syscallErrno|{$R, "process": {$P}, "linux": {"syscallErrno": 1}}
boot-string|/boot|{$R, "process": {$P}, "boot": "yes"}
machine-number|/machine|{$R, "process": {$P}, "machine": 5}
network-string|/network|{$R, "process": {$P}, "network": "veth"}
annotation-number|/annotations/count|{$R, "process": {$P}, "annotations": {"count": 1}}
hook-relative|/hooks/poststop/0/path|{$R, "process": {$P}, "hooks": {"poststop": [{"path": "cleanup.sh"}]}}
EOF
)
names=()
while IFS='|' read -r name where json; do
	printf '%s\n' "$json" >"$TMP/bad/$name.json"
	names+=("$name.json")
	printf '%s\n' "$where" >"$TMP/bad/$name.where"
done <<<"$cases"

while IFS=$'\t' read -r file verdict where msg; do
	name=$(basename "$file" .json)
	want=$(cat "$TMP/bad/$name.where")
	if [ "$verdict" = invalid ] && [[ " $where " == *" $want "* ]]; then
		ok 0 "schema rejects $name at $want"
	else
		ok 1 "schema rejects $name at $want"
		echo "#   got: $verdict ${where:-} ${msg:-}"
	fi
	if $have_nsrun; then
		out=$("$NSRUN" check "$file" 2>&1)
		rc=$?
		is "$rc" 125 "nsrun check rejects $name too"
		[ "$rc" = 125 ] || printf '#   %s\n' "$out" | head -5
	fi
done < <(check "${names[@]/#/$TMP/bad/}")

done_testing
