#!/usr/bin/env python3
"""Turn the BENCH lines of make bench's console logs into a table of ratios.

    benchreport.py [--insn] --base LOG... --patched LOG...

Each log is one boot; each boot ran nsbench several times. A benchmark's
samples are taken in log order (boot, then run) and the i-th patched sample
is paired with the i-th base sample (the boots alternate: base, patched,
base, ...). Ratios are patched/base of the value, so for ops/s higher is
better and for ns/op lower is better. Every row gives the ratio's
min/median/max over the pairs, and the spread of each kernel's own samples,
(max - min) / median. Ratios measured within one boot (*-scale, *-vs-proc)
are shown per kernel with their min/median/max.

--insn: the boots ran under QEMU's -icount shift=0,sleep=off, where one
guest nanosecond is one guest instruction: values are shown as
instructions per op (insn/op; 1e9 / ops/s, or ns/op as they are), the
ratios stay patched/base of the value as logged (create: base insn /
patched insn, so above 1 the patched kernel does less work).

Goals (PASS/FAIL on the median; a measurement, the exit status ignores them;
set for instruction counts, in wall time under TCG informative only):
create-TYPE and create-mix patched/base >= 0.90 (not the -best rows);
create-container >= 0.98; within a patched boot: handle-vs-proc (a
namespace opened by file handle vs by /proc/self/ns/net) <= 0.50;
listns-vs-proc (time to enumerate every namespace by the /proc walk vs by
listns(), with 1000 extra namespaces) >= 2000; lookup-*-scale (10000 vs 10
live mount namespaces) <= 1.1; listns-owner-scale (listns(user_ns_id=X), X
owning 3, amid 10000 vs 10 unrelated namespaces) <= 1.1;
listns-unpriv-scale (an unprivileged caller listing all it may see, same
N) <= 1.2. File handles and listns() exist on the patched kernel only.
Under the listns-vs-proc rows, the number of namespaces each enumeration
found, per run: MISMATCH when the /proc walk and listns() disagree, FEWER
when one found less than the namespaces the benchmark made. With more than
one boot of a kernel, a last section gives the spread between the boots'
medians per benchmark.
Exit status 0, or 1 when the base or the patched logs hold no BENCH line.
"""

import argparse
import re
import statistics
import sys

BENCH_RE = re.compile(r"^BENCH name=(\S+) unit=(\S+) value=([0-9.eE+-]+)(.*)$")
FIELD_RE = re.compile(r"(\S+)=(\S*)")
KINDS = ["uts", "ipc", "mnt", "pid", "cgroup", "time", "user", "net", "mix", "container"]
CREATE_GOAL = 0.90
CONTAINER_GOAL = 0.98
# Ratios within one boot: name -> (">=" or "<=", limit)
WITHIN_GOALS = {
    "handle-vs-proc": ("<=", 0.50),
    "listns-vs-proc": (">=", 2000.0),
    "listns-owner-scale": ("<=", 1.1),
    "listns-unpriv-scale": ("<=", 1.2),
}
SCALE_GOAL = 1.1            # lookup-*-scale
NO_HANDLES = "n/a (no file handles)"
NO_LISTNS = "n/a (no listns)"


def is_within(name):
    """A ratio measured within one boot (no base/patched pairing)."""
    return name.endswith("-scale") or name.endswith("-vs-proc")


def within_goal(name):
    """(">=" or "<=", limit, what the base prints when it lacks the row)."""
    op, limit = WITHIN_GOALS.get(name, ("<=", SCALE_GOAL))
    absent = NO_LISTNS if name.startswith("listns") else (
        NO_HANDLES if "handle" in name else "missing")
    return op, limit, absent


def parse_logs(logs, fields=None):
    """[{name: [values in log order]} per log], {name: unit}. With a dict as
    fields, also {name: [{key: value} of the words after value=]}."""
    per_log, units = [], {}
    for log in logs:
        values = {}
        with open(log, errors="replace") as f:
            for line in f:
                m = BENCH_RE.match(line.rstrip("\r\n"))
                if m:
                    name, unit, value = m.group(1), m.group(2), float(m.group(3))
                    values.setdefault(name, []).append(value)
                    units[name] = unit
                    if fields is not None:
                        fields.setdefault(name, []).append(dict(FIELD_RE.findall(m.group(4))))
        per_log.append(values)
    return per_log, units


def merge(per_log):
    values = {}
    for v in per_log:
        for name, xs in v.items():
            values.setdefault(name, []).extend(xs)
    return values


def parse(logs, fields=None):
    """{name: [values in log order]}, {name: unit}; fields as parse_logs."""
    per_log, units = parse_logs(logs, fields)
    return merge(per_log), units


def mmm(xs):
    return min(xs), statistics.median(xs), max(xs)


def spread(xs):
    """(max - min) / median, in percent; None for fewer than 2 samples."""
    if len(xs) < 2:
        return None
    med = statistics.median(xs)
    return 100.0 * (max(xs) - min(xs)) / med if med else None


def fmt_pct(x):
    if x is None:
        return "-"
    if x >= 10:
        return "%.0f%%" % x
    return "%.2f%%" % x


def fmt_ratio(x):
    """A ratio for the min/med/max columns: 3 decimals below 10."""
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}"


def found_counts(kernel, fields):
    """The namespaces each enumeration found, per run, grouped: from the
    listns-vs-proc rows (/proc walk and listns() in the same run), else
    from the enum-proc-nN rows (a kernel without listns()). MISMATCH when
    the two disagree, FEWER when one found less than the N namespaces the
    benchmark made. None without such rows."""
    runs = []
    for f in fields.get("listns-vs-proc", []):
        try:
            runs.append((int(f["n"]), int(f["proc-found"]), int(f["listns-found"])))
        except (KeyError, ValueError):
            pass
    if not runs:
        for name in sorted(fields):
            if name.startswith("enum-proc-n"):
                for f in fields[name]:
                    try:
                        runs.append((int(f["live"]), int(f["found"]), None))
                    except (KeyError, ValueError):
                        pass
    if not runs:
        return None
    groups, differ, fewer = {}, 0, 0
    for n, proc, lns in runs:
        key = "/proc %d" % proc + ("" if lns is None else ", listns() %d" % lns)
        groups[key] = groups.get(key, 0) + 1
        differ += lns is not None and lns != proc
        fewer += proc < n or (lns is not None and lns < n)
    flags = []
    if differ:
        flags.append("MISMATCH in %d of %d runs" % (differ, len(runs)))
    if fewer:
        flags.append("FEWER than the %d made in %d of %d runs" % (
            max(r[0] for r in runs), fewer, len(runs)))
    return "%-26s %-8s %s%s" % (
        "  namespaces found", kernel,
        "; ".join("%s (%d run%s)" % (k, v, "s" if v > 1 else "") for k, v in groups.items()),
        ": " + ", ".join(flags) if flags else "")


def fmt(x):
    if x >= 1000:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}"


def order_key(name):
    # create-* in nsbench's order, then the -best rows, then the rest by name
    if is_create(name):
        return (0, KINDS.index(name[7:]), name)
    if name.endswith("-best") and is_create(name[:-5]):
        return (1, KINDS.index(name[7:-5]), name)
    return (2, 0, name)


def is_create(name):
    """create-TYPE: the whole run's create+destroy rate, which has a goal."""
    return name.startswith("create-") and name[7:] in KINDS


def create_goal(name):
    return CONTAINER_GOAL if name == "create-container" else CREATE_GOAL


def shown(value, unit, insn):
    """(what the table shows of a value, its unit): instructions per op
    with --insn (1 ns of guest time = 1 instruction)."""
    if insn and unit == "ops/s":
        return (1e9 / value if value > 0 else float("inf")), "insn/op"
    if insn and unit == "ns/op":
        return value, "insn/op"
    return value, unit


def between_boots(per_log, name):
    """Spread (percent) of the boots' medians of one benchmark, or None."""
    meds = [statistics.median(v[name]) for v in per_log if v.get(name)]
    return spread(meds)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--insn", action="store_true",
                    help="the boots counted instructions (QEMU -icount shift=0,sleep=off)")
    ap.add_argument("--base", nargs="+", required=True, help="console logs of the base boots")
    ap.add_argument("--patched", nargs="+", required=True, help="console logs of the patched boots")
    args = ap.parse_args(argv)
    insn = args.insn

    fields = {"base": {}, "patched": {}}
    base_logs, units = parse_logs(args.base, fields["base"])
    patched_logs, punits = parse_logs(args.patched, fields["patched"])
    base, patched = merge(base_logs), merge(patched_logs)
    units.update(punits)
    # The base may have none: rows of what only the series has (listns-scale).
    if not patched:
        print("error: no BENCH lines in the patched logs", file=sys.stderr)
        return 1

    out = []
    if insn:
        out.append("make bench INSN=1: patched vs unpatched base, same guest config, QEMU TCG")
        out.append("with -icount shift=0,sleep=off: guest instructions per op (all vCPUs)")
    else:
        out.append("make bench: patched vs unpatched base, same guest config, QEMU TCG")
        out.append("(absolute times are distorted by emulation: read the ratios)")
    out.append("base: %d boot(s), patched: %d boot(s)" % (len(args.base), len(args.patched)))
    out.append("")
    hdr = "%-26s %-7s %10s %10s  %6s %6s %6s  %-7s %-4s  %6s %6s" % (
        "benchmark", "unit", "base med", "patch med", "min", "med", "max", "goal", "",
        "b-spr", "p-spr")
    if insn:
        out.append("patched/base ratio per benchmark (create: base insn / patched insn, higher")
        out.append("is better; the other rows patched insn / base insn, lower is better)")
    else:
        out.append("patched/base ratio per benchmark (ops/s: higher is better, ns/op: lower is better)")
    out.append("b-spr, p-spr: spread of the base's and the patched kernel's samples, (max-min)/median")
    out.append(hdr)
    out.append("-" * len(hdr))
    names = sorted((set(base) | set(patched)), key=order_key)
    for name in names:
        if is_within(name):
            continue
        b, p = base.get(name, []), patched.get(name, [])
        if p and not b:
            lo, med, hi = (shown(x, units[name], insn)[0] for x in mmm(p))
            if units[name] == "ops/s" and insn:
                lo, hi = hi, lo
            out.append("%-26s %-7s %10s %10s  (patched kernel only) min %s max %s p-spr %s (n=%d)" % (
                name, shown(1, units[name], insn)[1], "-", fmt(med), fmt(lo), fmt(hi),
                fmt_pct(spread(p)), len(p)))
            continue
        if not b or not p:
            out.append("%-26s missing on the %s kernel" % (name, "base" if not b else "patched"))
            continue
        n = min(len(b), len(p))
        ratios = [p[i] / b[i] for i in range(n) if b[i] > 0]
        lo, med, hi = mmm(ratios)
        goal, verdict = "", ""
        if is_create(name):
            goal = ">=%.2f" % create_goal(name)
            verdict = "PASS" if med >= create_goal(name) else "FAIL"
        bmed, unit = shown(statistics.median(b), units[name], insn)
        pmed, _ = shown(statistics.median(p), units[name], insn)
        out.append("%-26s %-7s %10s %10s  %6.3f %6.3f %6.3f  %-7s %-4s  %6s %6s (n=%d)" % (
            name, unit, fmt(bmed), fmt(pmed), lo, med, hi, goal, verdict,
            fmt_pct(spread(b)), fmt_pct(spread(p)), n))

    scales = [name for name in names if is_within(name)]
    if scales:
        out.append("")
        out.append("ratios within one boot: lookup-*-scale = time per op with 10000 vs 10 live")
        out.append("mount namespaces; handle-vs-proc = open by handle / open of /proc/self/ns/net")
        if "listns-vs-proc" in scales:
            out.append("listns-vs-proc = time to enumerate every namespace by the /proc walk /")
            out.append("by listns() (how many times faster listns() is; higher is better)")
        if any(s.startswith("listns-") and s.endswith("-scale") for s in scales):
            out.append("listns-owner-scale = listns(user_ns_id=X), X owning 3, amid 10000 vs 10")
            out.append("unrelated namespaces; listns-unpriv-scale = uid 1000 in a user namespace")
            out.append("of its own listing all it may see, same 10000 vs 10")
    hdr2 = "%-26s %-8s %6s %6s %6s  %-7s %s" % ("benchmark", "kernel", "min", "med", "max", "goal", "")
    if scales:
        out.append(hdr2)
        out.append("-" * len(hdr2))
    for name in scales:
        op, limit, absent = within_goal(name)
        for kernel, data in (("base", base), ("patched", patched)):
            xs = data.get(name, [])
            if not xs:
                out.append("%-26s %-8s %s" % (name, kernel, "missing" if kernel == "patched"
                                              else absent))
                continue
            lo, med, hi = mmm(xs)
            goal = "%s%g" % (op, limit)
            if kernel == "patched":
                ok = med >= limit if op == ">=" else med <= limit
                verdict = "PASS" if ok else "FAIL"
            else:
                verdict = "(reference)"
            out.append("%-26s %-8s %6s %6s %6s  %-7s %s (n=%d)" % (
                name, kernel, fmt_ratio(lo), fmt_ratio(med), fmt_ratio(hi), goal, verdict,
                len(xs)))
        if name == "listns-vs-proc":
            for kernel in ("base", "patched"):
                line = found_counts(kernel, fields[kernel])
                if line:
                    out.append(line)

    if len(base_logs) > 1 or len(patched_logs) > 1:
        out.append("")
        out.append("spread between boots: (max-min)/median of each boot's median")
        hdr3 = "%-6s %-26s %8s %8s" % ("", "benchmark", "base", "patched")
        out.append(hdr3)
        out.append("-" * len(hdr3))
        for name in names:
            bb, pb = between_boots(base_logs, name), between_boots(patched_logs, name)
            if bb is None and pb is None:
                continue
            out.append("%-6s %-26s %8s %8s" % ("boots", name, fmt_pct(bb), fmt_pct(pb)))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
