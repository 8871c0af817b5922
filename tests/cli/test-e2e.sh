#!/bin/sh
# Full host audit, through the built binary, on two complete host trees (tests/fixtures/README.e2e):
#
#  - e2e-tuned: a well-tuned RT KVM host. No fail, no error, and the exact set of results that are
#    not pass (all info, not_applicable or skipped, each justified in README.e2e), so a regression
#    in any check shows. Text, JSON (validated against the schema), JUnit and Prometheus agree;
#    exit codes for --fail-on/--strict; --profile realtime-virtual-host judges it ready too.
#  - e2e-misconfigured: the same host with IRQs on isolated CPUs, deep C-states on some isolated
#    CPUs, dm-multipath loaded, THP always, KSM running, sched_rt_runtime_us 950000 and hugepages
#    only on node 0. Exactly the checks those changes touch change status (the expected diff was
#    worked out by hand from spec/checks.md), and their items name the IRQs, CPUs and nodes.
#  - --apply realtime-virtual-host --dry-run plans one change per misconfiguration and changes
#    nothing; a real --apply on a copy fixes them (fixed / pending_reboot) and --rollback restores
#    the copy byte for byte.
# Prints TAP.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"

[ -x "$RTHOSTCHECK" ] || tap_skip_all "no binary at $RTHOSTCHECK"
TUNED=$FIXTURES/e2e-tuned
BAD=$FIXTURES/e2e-misconfigured
if [ ! -d "$TUNED" ] || [ ! -d "$BAD" ]; then
	tap_skip_all "no e2e fixture trees"
fi
RTHC_PROFILE_DIR=$top_srcdir/profiles
export RTHC_PROFILE_DIR
tap_tmpdir
PROFILE=realtime-virtual-host
HK=0-1,8-9

if have_python; then
	py=yes
	"$PYTHON3" -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null && schema=yes
else
	py=no
fi

# Helpers over one JSON report (python3): see the commands below.
cat >"$T/e2e.py" <<'EOF'
import json, os, re, sys
import xml.etree.ElementTree as ET

cmd, path = sys.argv[1], sys.argv[2]
args = sys.argv[3:]


def load(p):
    with open(p) as f:
        return json.load(f)


def results(p):
    return {r["id"]: r for r in load(p)["results"]}


if cmd == "nonpass":        # id status of every result that is not pass (guest.* apart)
    for r in load(path)["results"]:
        if r["status"] != "pass" and not r["id"].startswith("guest."):
            print(r["id"], r["status"])
elif cmd == "guest":        # statuses of the guest-only checks on a host
    print(" ".join(sorted({r["status"] for r in load(path)["results"]
                           if r["id"].startswith("guest.")})))
elif cmd == "diff":         # id old new for every result whose status differs
    a, b = results(path), results(args[0])
    for k in a:
        if k not in b or a[k]["status"] != b[k]["status"]:
            print(k, a[k]["status"], b.get(k, {}).get("status", "missing"))
    for k in b:
        if k not in a:
            print(k, "missing", b[k]["status"])
elif cmd == "items":        # the item objects of one result
    for it in results(path)[args[0]]["items"]:
        print(it["object"])
elif cmd == "field":        # a top-level or run/host field: dotted path
    v = load(path)
    for k in args[0].split("."):
        v = v[k]
    print(json.dumps(v) if isinstance(v, (dict, list)) else v)
elif cmd == "status":       # the status of one result
    print(results(path)[args[0]]["status"])
elif cmd == "changes":      # target new status of every change
    for c in load(path)["changes"]:
        print(c["target"], json.dumps(c["new"]), c["status"])
elif cmd == "planned-diff":  # changes of report 2 that report 1 does not plan: target new
    a = {(c["target"], c["new"]) for c in load(path)["changes"]}
    for c in load(args[0])["changes"]:
        if (c["target"], c["new"]) not in a:
            new = c["new"]
            if "\n" in new:
                new = "|".join(l for l in new.splitlines() if l and not l.startswith("#"))
            print(c["target"], new)
elif cmd == "tuned-plan":   # changes planned on the tuned host that are not expected there
    tree = args[0]
    managed = set()
    with open(os.path.join(tree, "proc/interrupts")) as f:
        for line in f:
            m = re.match(r"\s*(\d+):.*\snvme\d+q([1-9]\d*)$", line.rstrip())
            if m:
                managed.add(int(m.group(1)))
    for c in load(path)["changes"]:
        m = re.fullmatch(r"/proc/irq/(\d+)/smp_affinity_list", c["target"])
        if m and int(m.group(1)) in managed:
            continue        # a managed vector: the kernel refuses the write (EIO, tolerated)
        if c["id"].startswith("boot:"):
            continue        # the boot unit that re-applies the runtime part
        print(c["id"], c["target"])
elif cmd == "schema":       # validate against the schema
    import jsonschema
    jsonschema.Draft202012Validator(load(args[0])).validate(load(path))
elif cmd == "junit":        # tests failures errors skipped, then the failed test names
    root = ET.parse(path).getroot()
    cases = root.iter("testcase")
    failed = []
    n = 0
    for c in cases:
        n += 1
        if c.find("failure") is not None:
            failed.append(c.get("name"))
    print(n, root.get("failures"), root.get("errors"), root.get("skipped"))
    for name in failed:
        print(name)
elif cmd == "prom":         # does the 1-valued status of every check equal the JSON status?
    want = {k: r["status"] for k, r in results(args[0]).items()}
    got = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'rthostcheck_check_status\{check="([^"]+)",category="[^"]+",'
                         r'status="([a-z_]+)"\} ([01])$', line.strip())
            if m and m.group(3) == "1":
                got.setdefault(m.group(1), []).append(m.group(2))
    bad = [k for k in want if got.get(k) != [want[k]]]
    print(" ".join(bad) if bad else "same")
EOF

jq_() { # COMMAND JSON [ARGS...]: run a helper command, output in $T/q
	"$PYTHON3" "$T/e2e.py" "$@" >"$T/q" 2>&1
}

# tap_same DESC EXPECTED-FILE GOT-FILE
tap_same() {
	if diff -u "$2" "$3" >"$T/diff"; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "$(cat "$T/diff")"
	fi
}

need_py() { # DESC...: skip when python3 is missing
	[ "$py" = yes ] && return 0
	for d in "$@"; do tap_skip "$d" "no python3"; done
	return 1
}

# prometheus_and_none NAME TREE EXIT: the Prometheus textfile agrees with the JSON report in
# $T/NAME.json and carries the exit code; --fail-on none exits 0 whatever the findings.
prometheus_and_none() {
	rthc --root "$2" --format prometheus
	tap_is "$rc" "$3" "$1: prometheus exits $3"
	tap_match "$T/out" "^rthostcheck_exit_code $3\$" "$1: prometheus rthostcheck_exit_code $3"
	if need_py "$1: prometheus statuses"; then
		jq_ prom "$T/out" "$T/$1.json"
		tap_is "$(cat "$T/q")" same "$1: prometheus status of every check equals the JSON"
	fi
	rthc --root "$2" -q --fail-on none
	tap_is "$rc" 0 "$1: --fail-on none exits 0"
}

# Trees compare equal: same files, links and bytes (links not followed).
same_tree() {
	diff -r --no-dereference "$@" >"$T/diff" 2>&1
}

# ---- the tuned host ------------------------------------------------------------------------
cat >"$T/tuned.nonpass" <<'EOF'
kernel.config.hz info
kernel.dmesg skipped
cmdline.rcu_nocb_poll info
cmdline.pstate info
cmdline.cstate_limits info
cmdline.iommu info
cmdline.tuned_non_isolcpus not_applicable
cmdline.rcu_patience not_applicable
cpu.inventory info
cpu.host_flags info
cpu.cgroup_partition info
sched.fair_server not_applicable
sched.timer_migration info
irq.managed info
irq.counts skipped
net.queues info
net.busy_poll info
power.pm_qos info
power.idle_poll info
power.turbo info
kvm.halt_poll_ns info
kvm.lapic_timer_advance info
svc.tuned not_applicable
svc.rtentsk not_applicable
hw.bios_power info
hw.split_lock not_applicable
hw.vulnerabilities info
xcheck.pstate_governor not_applicable
xcheck.swap_lock not_applicable
EOF

rthc --root "$TUNED"
tap_is "$rc" 0 "tuned: text report exits 0"
tap_match "$T/out" '^verdict: ready \(exit 0\)$' "tuned: text verdict ready"
tap_nomatch "$T/out" '^ +(FAIL|ERROR|WARN|REBOOT) ' "tuned: text shows no fail, error, warn"
tap_match "$T/out" '^isolated CPUs: 2-7,10-15 +housekeeping CPUs: 0-1,8-9$' \
	"tuned: text names the isolated and housekeeping CPUs"

rthc --root "$TUNED" --json
tap_is "$rc" 0 "tuned: --json exits 0"
cp "$T/out" "$T/tuned.json"
if need_py "tuned: JSON verdict" "tuned: summary" "tuned: host facts" "tuned: non-pass set" \
	"tuned: guest checks"; then
	jq_ field "$T/tuned.json" verdict
	tap_is "$(cat "$T/q")" ready "tuned: JSON verdict ready"
	jq_ field "$T/tuned.json" summary
	tap_match "$T/q" '"warn": 0, "fail": 0, "pending_reboot": 0, "fixed": 0, "error": 0' \
		"tuned: summary has no warn, fail or error"
	jq_ field "$T/tuned.json" host.topology
	tap_match "$T/q" '"sockets": 2, "cores": 8, "threads_per_core": 2, "numa_nodes": 2' \
		"tuned: 2 sockets x 4 cores x 2 threads, 2 NUMA nodes"
	jq_ nonpass "$T/tuned.json"
	tap_same "tuned: exactly the expected results are not pass" "$T/tuned.nonpass" "$T/q"
	jq_ guest "$T/tuned.json"
	tap_is "$(cat "$T/q")" not_applicable "tuned: guest-only checks are not applicable on a host"
fi

if [ "$schema" = yes ]; then
	jq_ schema "$T/tuned.json" "$top_srcdir/schema/report-v1.schema.json"
	tap_check "tuned: JSON validates against the schema" test ! -s "$T/q"
else
	tap_skip "tuned: JSON validates against the schema" "no python3 jsonschema"
fi

rthc --root "$TUNED" --format junit
tap_is "$rc" 0 "tuned: junit exits 0"
if need_py "tuned: junit counts"; then
	want=$("$PYTHON3" -c 'import json, sys; s = json.load(open(sys.argv[1]))["summary"]
print(s["total"], 0, 0, s["skipped"] + s["not_applicable"])' "$T/tuned.json")
	jq_ junit "$T/out"
	tap_is "$(head -1 "$T/q")" "$want" \
		"tuned: junit has every check, no failure, no error (skipped = skipped + n/a)"
fi
prometheus_and_none tuned "$TUNED" 0
rthc --root "$TUNED" -q --strict
tap_is "$rc" 0 "tuned: --strict exits 0 (the tuned host has no warn to gate)"

rthc --root "$TUNED" --profile "$PROFILE" --json
tap_is "$rc" 0 "tuned: --profile $PROFILE exits 0"
cp "$T/out" "$T/tuned-profile.json"
if need_py "tuned: --profile names the profile" "tuned: --profile ISO" \
	"tuned: --profile changes only what the profile judges"; then
	jq_ field "$T/tuned-profile.json" run.profile.name
	tap_is "$(cat "$T/q")" "$PROFILE" "tuned: --profile names the profile in run.profile"
	jq_ field "$T/tuned-profile.json" host.isolation.isolated
	tap_is "$(cat "$T/q")" 2-7,10-15 "tuned: the profile's automatic isolated set is the host's"
	jq_ diff "$T/tuned.json" "$T/tuned-profile.json"
	tap_is "$(cat "$T/q")" "sched.timer_migration info pass" \
		"tuned: --profile turns only the vendor-dependent timer_migration info into pass"
fi

rthc --root "$TUNED" --apply "$PROFILE" --dry-run --json
tap_is "$rc" 0 "tuned: --apply --dry-run exits 0"
cp "$T/out" "$T/tuned-plan.json"
if need_py "tuned: the dry run plans nothing the host lacks"; then
	jq_ tuned-plan "$T/tuned-plan.json" "$TUNED"
	tap_check "tuned: the dry run plans nothing but writes to managed IRQs and the boot unit" \
		test ! -s "$T/q"
	[ -s "$T/q" ] && tap_diag "$(cat "$T/q")"
fi

# ---- the misconfigured host ----------------------------------------------------------------
# Worked out by hand from spec/checks.md: which results each change moves, and where to.
cat >"$T/bad.diff" <<'EOF'
cmdline.hugepages pass warn
sched.rt_runtime pass fail
sched.stalld pass info
irq.affinity pass fail
irq.threads pass warn
power.cstates pass warn
mem.hugepages pass warn
mem.thp pass warn
mem.ksm pass warn
mod.dm_multipath pass warn
xcheck.irq_vs_iso pass fail
xcheck.hugepages_node pass warn
EOF

rthc --root "$BAD"
tap_is "$rc" 1 "misconfigured: text report exits 1"
tap_match "$T/out" '^verdict: not_ready \(exit 1\)' "misconfigured: text verdict not_ready"
grep -E '^ +FAIL ' "$T/out" | awk '{print $2}' >"$T/q"
printf 'sched.rt_runtime\nirq.affinity\nxcheck.irq_vs_iso\n' >"$T/want"
tap_same "misconfigured: text FAIL lines are the three expected" "$T/want" "$T/q"

rthc --root "$BAD" --json
tap_is "$rc" 1 "misconfigured: --json exits 1"
cp "$T/out" "$T/misconfigured.json"
if [ "$schema" = yes ]; then
	jq_ schema "$T/misconfigured.json" "$top_srcdir/schema/report-v1.schema.json"
	tap_check "misconfigured: JSON validates against the schema" test ! -s "$T/q"
else
	tap_skip "misconfigured: JSON validates against the schema" "no python3 jsonschema"
fi

if need_py "misconfigured: the status diff" "misconfigured: irq.affinity items" \
	"misconfigured: xcheck.irq_vs_iso items" "misconfigured: irq.threads items" \
	"misconfigured: power.cstates items" "misconfigured: mem.hugepages items" \
	"misconfigured: xcheck.hugepages_node items" "misconfigured: cmdline.hugepages items" \
	"misconfigured: mem.thp items" "misconfigured: mem.ksm items"; then
	jq_ diff "$T/tuned.json" "$T/misconfigured.json"
	tap_same "misconfigured: exactly the expected checks change status, to the expected status" \
		"$T/bad.diff" "$T/q"
	jq_ items "$T/misconfigured.json" irq.affinity
	printf 'irq 30 (i40e-ens1f0-TxRx-2, 0000:3b:00.0)\nirq 31 (i40e-ens1f0-TxRx-3, 0000:3b:00.0)\n' \
		>"$T/want"
	tap_same "misconfigured: irq.affinity names IRQs 30 and 31 of the NIC" "$T/want" "$T/q"
	jq_ items "$T/misconfigured.json" xcheck.irq_vs_iso
	tap_same "misconfigured: xcheck.irq_vs_iso names IRQs 30 and 31" "$T/want" "$T/q"
	jq_ items "$T/misconfigured.json" irq.threads
	tap_is "$(sed 's/ (pid [0-9]*)//' "$T/q" | tr '\n' ' ')" "irq/30-i40e-ens irq/31-i40e-ens " \
		"misconfigured: irq.threads names the handler threads of IRQs 30 and 31"
	jq_ items "$T/misconfigured.json" power.cstates
	tap_is "$(sort -u "$T/q" | tr '\n' ' ')" "cpu 11 cpu 15 cpu 3 cpu 7 " \
		"misconfigured: power.cstates names CPUs 3, 7, 11 and 15"
	jq_ items "$T/misconfigured.json" mem.hugepages
	tap_is "$(cat "$T/q")" "node 1" "misconfigured: mem.hugepages names node 1"
	jq_ items "$T/misconfigured.json" xcheck.hugepages_node
	tap_is "$(cat "$T/q")" "node 1" "misconfigured: xcheck.hugepages_node names node 1"
	jq_ items "$T/misconfigured.json" cmdline.hugepages
	tap_is "$(cat "$T/q")" "hugepages-1048576kB" \
		"misconfigured: cmdline.hugepages names the 1 GiB pool"
	jq_ items "$T/misconfigured.json" mem.thp
	tap_is "$(cat "$T/q")" enabled "misconfigured: mem.thp names transparent_hugepage/enabled"
	jq_ items "$T/misconfigured.json" mem.ksm
	tap_is "$(cat "$T/q")" ksm/run "misconfigured: mem.ksm names ksm/run"
fi

rthc --root "$BAD" --format junit
tap_is "$rc" 1 "misconfigured: junit exits 1"
if need_py "misconfigured: junit failures"; then
	jq_ junit "$T/out"
	tap_is "$(sed -n '2,$p' "$T/q" | sort | tr '\n' ' ')" \
		"irq.affinity sched.rt_runtime xcheck.irq_vs_iso " \
		"misconfigured: junit failures are the three fails (warn passes without --strict)"
fi
rthc --root "$BAD" --format junit --strict
if need_py "misconfigured: junit --strict"; then
	jq_ junit "$T/out"
	tap_is "$(head -1 "$T/q" | cut -d' ' -f2)" 11 "misconfigured: junit --strict adds the 8 warns"
fi
prometheus_and_none misconfigured "$BAD" 1
set -- --skip sched.rt_runtime --skip irq.affinity --skip xcheck.irq_vs_iso
rthc --root "$BAD" -q "$@"
tap_is "$rc" 0 "misconfigured without its three fails: warns alone do not gate (exit 0)"
rthc --root "$BAD" -q --strict "$@"
tap_is "$rc" 1 "misconfigured without its three fails: --strict gates the warns (exit 1)"
set --

# ---- apply: dry run ------------------------------------------------------------------------
cp -R "$BAD" "$T/dry" && chmod -R u+w "$T/dry"
rthc --root "$T/dry" --apply "$PROFILE" --dry-run --json
tap_is "$rc" 1 "misconfigured: --apply --dry-run exits with the audit's verdict (1)"
cp "$T/out" "$T/bad-plan.json"
if same_tree "$BAD" "$T/dry"; then
	tap_ok "misconfigured: --dry-run changes nothing in the tree"
else
	tap_not_ok "misconfigured: --dry-run changes nothing in the tree" "$(head -20 "$T/diff")"
fi
cat >"$T/want" <<EOF
/proc/sys/kernel/sched_rt_runtime_us -1
/sys/kernel/mm/transparent_hugepage/enabled never
/sys/kernel/mm/ksm/run 2
/sys/devices/system/cpu/cpu3/cpuidle/state2/disable 1
/sys/devices/system/cpu/cpu3/cpuidle/state3/disable 1
/sys/devices/system/cpu/cpu7/cpuidle/state2/disable 1
/sys/devices/system/cpu/cpu7/cpuidle/state3/disable 1
/sys/devices/system/cpu/cpu11/cpuidle/state2/disable 1
/sys/devices/system/cpu/cpu11/cpuidle/state3/disable 1
/sys/devices/system/cpu/cpu15/cpuidle/state2/disable 1
/sys/devices/system/cpu/cpu15/cpuidle/state3/disable 1
/proc/irq/30/smp_affinity_list $HK
/proc/irq/31/smp_affinity_list $HK
/etc/modprobe.d/rthostcheck-disable.conf install dm_multipath /bin/false
/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages 4
EOF
if need_py "misconfigured: the dry run plans one change per misconfiguration" \
	"misconfigured: every change is planned"; then
	jq_ planned-diff "$T/tuned-plan.json" "$T/bad-plan.json"
	tap_same "misconfigured: beyond the tuned host's plan, one change per misconfiguration" \
		"$T/want" "$T/q"
	jq_ changes "$T/bad-plan.json"
	mv "$T/q" "$T/chg"
	jq_ field "$T/bad-plan.json" run.mode
	tap_is "$(cat "$T/q") $(awk '{print $NF}' "$T/chg" | sort -u | tr '\n' ' ')" \
		"dry_run planned " "misconfigured: the run is a dry_run and every change is planned"
fi
rthc --root "$T/dry" --apply "$PROFILE" --dry-run
for what in sched_rt_runtime_us transparent_hugepage/enabled ksm/run cpu3/cpuidle/state3/disable \
	irq/30/smp_affinity_list rthostcheck-disable.conf node1/hugepages/hugepages-1048576kB; do
	tap_match "$T/out" "planned .*$what" "misconfigured: text dry run lists $what"
done

# ---- apply for real on a copy, then roll back ----------------------------------------------
cp -R "$BAD" "$T/work" && chmod -R u+w "$T/work"
rthc --root "$T/work" --apply "$PROFILE" --json
cp "$T/out" "$T/apply.json"
tap_check "misconfigured: --apply ran (exit $rc: not refused, no usage error)" \
	test "$rc" -ne 4 -a "$rc" -lt 64
tap_is "$(cat "$T/work/proc/sys/kernel/sched_rt_runtime_us")" -1 \
	"apply: sched_rt_runtime_us written"
tap_is "$(cat "$T/work/proc/irq/30/smp_affinity_list")" "$HK" \
	"apply: IRQ 30 requested affinity moved to the housekeeping CPUs"
tap_is "$(cat "$T/work/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages")" \
	4 "apply: node 1 gets its 1 GiB pages"
tap_match "$T/work/etc/modprobe.d/rthostcheck-disable.conf" '^install dm_multipath /bin/false$' \
	"apply: dm_multipath blocked in modprobe.d"
if need_py "apply: every change applied" "apply: fixed" "apply: pending_reboot" \
	"apply: what only the kernel can show"; then
	jq_ changes "$T/apply.json"
	tap_is "$(awk '{print $NF}' "$T/q" | sort -u | tr '\n' ' ')" "applied " \
		"apply: every change is applied"
	for id in sched.rt_runtime power.cstates mem.thp mem.ksm xcheck.hugepages_node; do
		jq_ status "$T/apply.json" $id
		printf '%s %s\n' $id "$(cat "$T/q")"
	done >"$T/got"
	printf '%s fixed\n' sched.rt_runtime power.cstates mem.thp mem.ksm xcheck.hugepages_node \
		>"$T/want"
	tap_same "apply: the re-audit reports the runtime fixes as fixed" "$T/want" "$T/got"
	jq_ status "$T/apply.json" mod.dm_multipath
	tap_is "$(cat "$T/q")" pending_reboot \
		"apply: dm_multipath is blocked but still loaded: pending_reboot"
	# A tree cannot do what the kernel does after those writes: program the new effective IRQ
	# affinity (and move the IRQ thread), allocate the pages (free_hugepages, global totals).
	# Those checks still warn or fail; the kernel view below shows what they see on a host.
	for id in irq.affinity xcheck.irq_vs_iso irq.threads mem.hugepages cmdline.hugepages; do
		jq_ status "$T/apply.json" $id
		printf '%s %s\n' $id "$(sed 's/^fail$/warn/' "$T/q")"
	done >"$T/got"
	printf '%s warn\n' irq.affinity xcheck.irq_vs_iso irq.threads mem.hugepages \
		cmdline.hugepages >"$T/want"
	tap_same "apply: checks of kernel-derived files still warn or fail in a tree" \
		"$T/want" "$T/got"
fi

rthc --root "$T/work" --rollback --json
tap_is "$rc" 0 "rollback: exits 0"
if need_py "rollback: every change rolled back"; then
	jq_ changes "$T/out"
	tap_is "$(awk '{print $NF}' "$T/q" | sort -u | tr '\n' ' ')" "rolled_back " \
		"rollback: every change is rolled_back"
fi
if same_tree -x var "$BAD" "$T/work"; then
	tap_ok "rollback: the copy is byte for byte the fixture again (var/lib/rthostcheck apart)"
else
	tap_not_ok "rollback: the copy is byte for byte the fixture again" "$(head -20 "$T/diff")"
fi
left=$(cd "$T/work" && find var ! -path var ! -path var/lib ! -path 'var/lib/rthostcheck*')
tap_is "$left" "" "rollback: nothing but var/lib/rthostcheck is left behind"

# ---- what the kernel would show after the apply ---------------------------------------------
# Apply again on a fresh copy, then do to the tree what the kernel does on those writes: the
# IRQs take their new effective affinity and their threads follow, the pages are allocated.
# Then the report is that of the tuned host, apart from dm_multipath (loaded until a reboot).
cp -R "$BAD" "$T/kernel" && chmod -R u+w "$T/kernel"
rthc --root "$T/kernel" --apply "$PROFILE" -q
if need_py "kernel view: the report equals the tuned host's but for the reboot"; then
	"$PYTHON3" - "$T/kernel" <<'EOF'
import os, re, sys
root = sys.argv[1]


def rd(p):
    with open(os.path.join(root, p)) as f:
        return f.read()


def wr(p, s):
    with open(os.path.join(root, p), "w") as f:
        f.write(s)


for irq in (30, 31):   # x86 vector allocation: the first CPU of the new mask
    first = rd("proc/irq/%d/smp_affinity_list" % irq).split(",")[0].split("-")[0].strip()
    wr("proc/irq/%d/effective_affinity_list" % irq, first + "\n")
    for pid in os.listdir(os.path.join(root, "proc")):
        if pid.isdigit() and rd("proc/%s/stat" % pid).startswith("%s (irq/%d-" % (pid, irq)):
            st = re.sub(r"Cpus_allowed:\t\S+", "Cpus_allowed:\t%04x" % (1 << int(first)),
                        rd("proc/%s/status" % pid))
            wr("proc/%s/status" % pid,
               re.sub(r"Cpus_allowed_list:\t\S+", "Cpus_allowed_list:\t" + first, st))
for size in ("2048kB", "1048576kB"):
    total = 0
    for node in (0, 1):
        d = "sys/devices/system/node/node%d/hugepages/hugepages-%s/" % (node, size)
        nr = rd(d + "nr_hugepages")
        wr(d + "free_hugepages", nr)
        total += int(nr)
    d = "sys/kernel/mm/hugepages/hugepages-%s/" % size
    wr(d + "nr_hugepages", "%d\n" % total)
    wr(d + "free_hugepages", "%d\n" % total)
EOF
	rthc --root "$T/kernel" --json
	cp "$T/out" "$T/kernel.json"
	jq_ diff "$T/tuned.json" "$T/kernel.json"
	tap_is "$(cat "$T/q")" "mod.dm_multipath pass pending_reboot" \
		"kernel view: after the apply only dm_multipath (loaded until a reboot) differs"
fi

tap_done
