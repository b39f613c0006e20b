#!/usr/bin/env python3
"""Compare the test verdicts of two guest console logs, side by side.

Usage:
  compare.py regress BASE_LOG PATCHED_LOG
  compare.py oracle OURS_LOG MAINLINE_LOG DIFFERENCES_FILE

Both logs are read with report.py's parser; every test line (PASS, FAIL,
SKIP, MISS) is matched by name.

regress (make regress): 6.12's own selftests on the unpatched base and on
the patched kernel. A test that passes on the base and does anything else
on the patched kernel (fails, skips, is missing) is a REGRESSION. A splat,
or a patched guest that did not finish, fails too. Tests that fail on the
base as well are shown, and do not fail the gate: README.md says why each
of them cannot pass in the guest.

oracle (make check REF=mainline): the series' own tests on our kernel and
on Debian's mainline binary kernel. A test that passes on ours and does not
pass on mainline (FAIL, MISS, or absent) encodes a misreading of mainline's
ABI, unless DIFFERENCES_FILE lists it as a deliberate difference: each line
there is "GLOB  reason", GLOB an fnmatch pattern on the test name. A listed
difference that does not differ in this run is shown as STALE (a warning:
some differences depend on timing), so that the list can be pruned. A test that mainline skips and ours passes is shown, not failed.

Exit status: 0 when the gate holds, 1 when it does not, 2 on usage errors.
"""

import fnmatch
import os
import sys
from typing import Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (the parser lives beside this script)

ABSENT = '-'


def verdicts(path: str) -> tuple[report.Report, dict[str, report.Verdict]]:
    with open(path, 'rb') as f:
        text = f.read().decode('utf-8', errors='replace')
    rep = report.analyze(text, path, expect_kselftest=True)
    by_name: dict[str, report.Verdict] = {}
    for v in rep.verdicts:
        by_name[f'{v.stream}: {v.name}'] = v
    return rep, by_name


def status(v: Optional[report.Verdict]) -> str:
    return v.status if v else ABSENT


def row(left: str, right: str, name: str, note: str = '') -> str:
    text = f'{left:<6}{right:<6}{name}'
    return f'{text}  <- {note}' if note else text


def side_by_side(kind: str, left: tuple[str, str, str], right: tuple[str, str, str]):
    """Read both logs, (name, column head, path) each, and print the
    table's head; return their reports and verdicts."""
    (lname, lcol, llog), (rname, rcol, rlog) = left, right
    lrep, lv = verdicts(llog)
    rrep, rv = verdicts(rlog)
    print(f'{kind}: {lname} {llog}')
    print(f'{kind}: {rname} {rlog}')
    print(row(lcol, rcol, 'test'))
    return lrep, lv, rrep, rv


def load_differences(path: str) -> list[tuple[str, str]]:
    out = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.split(None, 1)
            if len(parts) < 2:
                raise ValueError(f'{path}:{lineno}: "GLOB  reason": the reason is missing')
            out.append((parts[0], parts[1]))
    return out


def regress(base_log: str, patched_log: str) -> int:
    base, b, patched, p = side_by_side('regress', ('base', 'base', base_log),
                                       ('patched', 'patch', patched_log))
    names = sorted(set(b) | set(p))
    regressions, both_fail = [], []
    for name in names:
        bs, ps = status(b.get(name)), status(p.get(name))
        note = ''
        if bs == report.PASS and ps != report.PASS:
            note = 'REGRESSION'
            regressions.append(name)
        elif bs != report.PASS and bs != report.SKIP:
            both_fail.append(name)
            note = 'fails on the base too' if ps != report.PASS else 'fixed'
        print(row(bs, ps, name, note))
    problems = []
    for label, rep in (('base', base), ('patched', patched)):
        for s in rep.splats:
            print(f'SPLAT [{label}] {s}')
        for e in rep.errors:
            print(f'ERROR [{label}] {e}')
    if patched.splats:
        problems.append(f'{len(patched.splats)} splat(s) on the patched kernel')
    if patched.errors or base.errors:
        problems.append('a guest did not finish or reported nothing')
    if regressions:
        problems.append(f'{len(regressions)} regression(s): ' + ', '.join(regressions))
    passed_base = sum(1 for n in names if status(b.get(n)) == report.PASS)
    print(f'regress: {passed_base} pass on the base, {len(regressions)} of them '
          f'not on the patched kernel; {len(both_fail)} fail on the base')
    for prob in problems:
        print(f'FAIL: {prob}')
    print(f'regress: {"PASS" if not problems else "FAIL"}')
    return 1 if problems else 0


def oracle(ours_log: str, ref_log: str, differences: str) -> int:
    try:
        diffs = load_differences(differences)
    except (OSError, ValueError) as e:
        print(f'compare.py: {e}', file=sys.stderr)
        return 2
    ours, o, ref, m = side_by_side('oracle', ('ours', 'ours', ours_log),
                                   ('mainline', 'main', ref_log))
    used = {glob: False for glob, _ in diffs}
    names = sorted(n for n in set(o) | set(m) if n.startswith(report.KSELFTEST))
    unexplained, listed, skipped = [], [], []
    for name in names:
        os_, ms = status(o.get(name)), status(m.get(name))
        note = ''
        if os_ == report.PASS and ms in (report.FAIL, report.MISS, ABSENT):
            reason = next((r for g, r in diffs if fnmatch.fnmatchcase(name, g)), None)
            if reason is None:
                note = 'DIFFERS from mainline'
                unexplained.append(name)
            else:
                for g, _ in diffs:
                    if fnmatch.fnmatchcase(name, g):
                        used[g] = True
                note = f'deliberate: {reason}'
                listed.append(name)
        elif os_ == report.PASS and ms == report.SKIP:
            note = 'mainline skips'
            skipped.append(name)
        print(row(os_, ms, name, note))
    for s in ref.splats:
        print(f'SPLAT [mainline] {s}')
    for e in ref.errors:
        print(f'ERROR [mainline] {e}')
    stale = [g for g, was in used.items() if not was]
    problems = []
    if ref.errors:
        problems.append('the mainline guest did not finish or reported nothing')
    if unexplained:
        problems.append(f'{len(unexplained)} test(s) pass on ours and not on mainline, '
                        f'and {differences} does not list them: ' + ', '.join(unexplained))
    for g in stale:
        # A warning, not a failure: some of mainline's differences depend
        # on timing (which namespace happens to follow a cursor).
        print(f'STALE {g}: listed in {differences}, but nothing it names differs in this run')
    same = sum(1 for n in names if status(o.get(n)) == status(m.get(n)))
    print(f'oracle: {len(names)} tests, {same} with the same verdict; '
          f'{len(listed)} deliberate differences, {len(unexplained)} unexplained, '
          f'{len(skipped)} skipped by mainline only')
    for prob in problems:
        print(f'FAIL: {prob}')
    print(f'oracle: {"PASS" if not problems else "FAIL"}')
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == 'regress':
        return regress(argv[1], argv[2])
    if len(argv) == 4 and argv[0] == 'oracle':
        return oracle(argv[1], argv[2], argv[3])
    print(__doc__.split('\n\n')[1], file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
