#!/usr/bin/env python3
"""Per-operation instruction profile of two kernels (scripts/profile.sh).

    profilereport.py --ops N [--top K] [--title T] \
        NAME SYSTEM_MAP PROFILE_1 PROFILE_2 [NAME SYSTEM_MAP PROFILE_1 PROFILE_2]

Each PROFILE is what the insnprof plugin wrote ("vaddr instructions" per
translation block). PROFILE_2 - PROFILE_1, over N operations, is the cost
of one operation; blocks are charged to the function whose text holds
their first instruction. The first kernel is the reference: the table
lists the functions whose cost differs most, and the total.
"""
import argparse
import bisect
import collections
import sys


def load_symbols(path):
    """Sorted (address, name) of the text symbols of a System.map."""
    syms = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[1] in "tTwW":
                syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    return syms


def load_profile(path):
    counts = collections.Counter()
    with open(path) as f:
        for line in f:
            addr, n = line.split()
            counts[int(addr, 16)] += int(n)
    return counts


def per_function(syms, prof1, prof2, ops):
    """Instructions per operation, by function."""
    addrs = [a for a, _ in syms]
    cost = collections.Counter()
    for addr in set(prof1) | set(prof2):
        delta = prof2.get(addr, 0) - prof1.get(addr, 0)
        if not delta:
            continue
        i = bisect.bisect_right(addrs, addr) - 1
        name = syms[i][1] if i >= 0 else "?"
        cost[name] += delta
    return {k: v / ops for k, v in cost.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ops", type=int, required=True)
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--title", default="")
    ap.add_argument("kernels", nargs="+")
    a = ap.parse_args(argv)
    if len(a.kernels) % 4 or not a.kernels:
        ap.error("give NAME SYSTEM_MAP PROFILE_1 PROFILE_2 for each kernel")
    names, costs = [], []
    for i in range(0, len(a.kernels), 4):
        name, smap, p1, p2 = a.kernels[i:i + 4]
        names.append(name)
        costs.append(per_function(load_symbols(smap), load_profile(p1),
                                  load_profile(p2), a.ops))
    ref = costs[0]
    funcs = set().union(*costs)
    last = costs[-1]
    order = sorted(funcs, key=lambda f: -abs(last.get(f, 0) - ref.get(f, 0)))
    print(f"instructions per operation in the kernel, {a.title} "
          f"({a.ops} operations, count difference of two boots)")
    head = "".join(f"{n:>12}" for n in names)
    print(f"{'function':<40}{head}{'delta':>10}")
    for f in order[:a.top]:
        row = "".join(f"{c.get(f, 0):>12.1f}" for c in costs)
        print(f"{f[:39]:<40}{row}{last.get(f, 0) - ref.get(f, 0):>+10.1f}")
    totals = [sum(c.values()) for c in costs]
    row = "".join(f"{t:>12.1f}" for t in totals)
    print(f"{'total (kernel)':<40}{row}{totals[-1] - totals[0]:>+10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
