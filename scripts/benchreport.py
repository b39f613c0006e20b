#!/usr/bin/env python3
"""Turn the BENCH lines of make bench's console logs into a table of ratios.

    benchreport.py --base LOG... --patched LOG...

Each log is one boot; each boot ran nsbench several times. A benchmark's
samples are taken in log order (boot, then run) and the i-th patched sample
is paired with the i-th base sample (the boots alternate: base, patched,
base, ...). Ratios are patched/base of the value, so for ops/s higher is
better and for ns/op lower is better. The lookup scaling ratio (10000 vs 10
live mount namespaces) is measured within one boot and shown per kernel.

Goals (printed with PASS/FAIL on the median, informative only):
create-TYPE patched/base >= 0.97 (not the -best rows: fastest batch only);
lookup-*-scale on the patched kernel <= 1.5; handle-vs-proc (a namespace
opened by file handle vs by /proc/self/ns/net, same boot) <= 0.7;
listns-vs-proc (time to enumerate every namespace by the /proc walk vs by
listns(), same boot, with 1000 extra namespaces) >= 100. File handles and
listns() exist on the patched kernel only. Under the listns-vs-proc rows,
the number of namespaces each enumeration found, per run: MISMATCH when the
/proc walk and listns() disagree, FEWER when one found less than the
namespaces the benchmark made.
Exit status 0, or 1 when the base or the patched logs hold no BENCH line.
"""

import argparse
import re
import statistics
import sys

BENCH_RE = re.compile(r"^BENCH name=(\S+) unit=(\S+) value=([0-9.eE+-]+)(.*)$")
FIELD_RE = re.compile(r"(\S+)=(\S*)")
CREATE_GOAL = 0.97
KINDS = ["uts", "ipc", "mnt", "pid", "cgroup", "time", "user", "net", "mix"]
SCALE_GOAL = 1.5
VS_PROC_GOAL = 0.7
LISTNS_GOAL = 100.0
NO_HANDLES = "n/a (no file handles)"


def is_within(name):
    """A ratio measured within one boot (no base/patched pairing)."""
    return name.endswith("-scale") or name.endswith("-vs-proc")


def within_goal(name):
    """(">=" or "<=", limit, what the base prints when it lacks the row)."""
    if name == "listns-vs-proc":
        # /proc walk time / listns() time: higher is better
        return ">=", LISTNS_GOAL, "n/a (no listns)"
    if name.endswith("-vs-proc"):
        return "<=", VS_PROC_GOAL, NO_HANDLES
    return "<=", SCALE_GOAL, NO_HANDLES if "handle" in name else "missing"


def parse(logs, fields=None):
    """{name: [values in log order]}, {name: unit}. With a dict as fields,
    also {name: [{key: value} of the words after value=, in log order]}."""
    values, units = {}, {}
    for log in logs:
        with open(log, errors="replace") as f:
            for line in f:
                m = BENCH_RE.match(line.rstrip("\r\n"))
                if m:
                    name, unit, value = m.group(1), m.group(2), float(m.group(3))
                    values.setdefault(name, []).append(value)
                    units[name] = unit
                    if fields is not None:
                        fields.setdefault(name, []).append(dict(FIELD_RE.findall(m.group(4))))
    return values, units


def mmm(xs):
    return min(xs), statistics.median(xs), max(xs)


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


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", nargs="+", required=True, help="console logs of the base boots")
    ap.add_argument("--patched", nargs="+", required=True, help="console logs of the patched boots")
    args = ap.parse_args(argv)

    fields = {"base": {}, "patched": {}}
    base, units = parse(args.base, fields["base"])
    patched, punits = parse(args.patched, fields["patched"])
    units.update(punits)
    if not base or not patched:
        print("error: no BENCH lines in the %s logs" % ("base" if not base else "patched"),
              file=sys.stderr)
        return 1

    out = []
    out.append("make bench: patched vs unpatched base, same guest config, QEMU TCG")
    out.append("(absolute times are distorted by emulation: read the ratios)")
    out.append("base: %d boot(s), patched: %d boot(s)" % (len(args.base), len(args.patched)))
    out.append("")
    hdr = "%-26s %-6s %10s %10s  %6s %6s %6s  %-7s %s" % (
        "benchmark", "unit", "base med", "patch med", "min", "med", "max", "goal", "")
    out.append("patched/base ratio per benchmark (ops/s: higher is better, ns/op: lower is better)")
    out.append(hdr)
    out.append("-" * len(hdr))
    names = sorted((set(base) | set(patched)), key=order_key)
    for name in names:
        if is_within(name):
            continue
        b, p = base.get(name, []), patched.get(name, [])
        if p and not b:
            out.append("%-26s %-6s %10s %10s  (patched kernel only)" % (
                name, units[name], "-", fmt(statistics.median(p))))
            continue
        if not b or not p:
            out.append("%-26s missing on the %s kernel" % (name, "base" if not b else "patched"))
            continue
        n = min(len(b), len(p))
        ratios = [p[i] / b[i] for i in range(n) if b[i] > 0]
        lo, med, hi = mmm(ratios)
        goal, verdict = "", ""
        if is_create(name):
            goal = ">=%.2f" % CREATE_GOAL
            verdict = "PASS" if med >= CREATE_GOAL else "FAIL"
        out.append("%-26s %-6s %10s %10s  %6.3f %6.3f %6.3f  %-7s %s (n=%d)" % (
            name, units[name], fmt(statistics.median(b)), fmt(statistics.median(p)),
            lo, med, hi, goal, verdict, n))

    scales = [name for name in names if is_within(name)]
    if scales:
        out.append("")
        out.append("ratios within one boot: *-scale = time per op with 10000 vs 10 live mount")
        out.append("namespaces; handle-vs-proc = open by handle / open of /proc/self/ns/net")
        if "listns-vs-proc" in scales:
            out.append("listns-vs-proc = time to enumerate every namespace by the /proc walk /")
            out.append("by listns() (how many times faster listns() is; higher is better)")
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
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
