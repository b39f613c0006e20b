"""Tests of scripts/compare.py: the regression gate and the mainline oracle."""

import io
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'scripts'))
import compare  # noqa: E402


def console(results: dict[str, str], done: bool = True, splat: bool = False) -> str:
    """A guest console with one kselftest program "prog (root)" whose
    harness tests have the given results (ok, fail, skip)."""
    lines = ['[    0.000000] Linux version 6.12.118 (test)']
    if splat:
        lines.append('[    1.000000] WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 foo+0x1/0x2')
    lines += ['KTAP version 1', '1..1', '# Subtest: prog (root)',
              '    TAP version 13', f'    1..{len(results)}']
    for i, (name, r) in enumerate(results.items(), 1):
        if r == 'ok':
            lines.append(f'    ok {i} {name}')
        elif r == 'skip':
            lines.append(f'    ok {i} {name} # SKIP not here')
        else:
            lines.append(f'    not ok {i} {name}')
    bad = any(r == 'fail' for r in results.values())
    lines.append('not ok 1 prog (root) # exit=1' if bad else 'ok 1 prog (root)')
    if done:
        lines.append('nsid-guest: done')
    return '\n'.join(lines) + '\n'


class CompareTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name: str, text: str) -> str:
        path = os.path.join(self.tmp.name, name)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def run_compare(self, *args: str) -> tuple[int, str]:
        out = io.StringIO()
        with redirect_stdout(out):
            rc = compare.main(list(args))
        return rc, out.getvalue()

    # regress

    def test_regress_same_verdicts_pass(self):
        base = self.write('b', console({'a.x': 'ok', 'a.y': 'fail'}))
        patched = self.write('p', console({'a.x': 'ok', 'a.y': 'fail'}))
        rc, out = self.run_compare('regress', base, patched)
        self.assertEqual(rc, 0, out)
        self.assertIn('PASS  PASS  kselftest: prog (root).a.x', out)
        self.assertIn('FAIL  FAIL  kselftest: prog (root).a.y  <- fails on the base too', out)
        self.assertTrue(out.rstrip().endswith('regress: PASS'))

    def test_regress_fail_skip_and_missing_are_regressions(self):
        for now in ('fail', 'skip', None):
            with self.subTest(now=now):
                base = self.write('b', console({'a.x': 'ok', 'a.y': 'ok'}))
                res = {'a.x': 'ok'}
                if now:
                    res['a.y'] = now
                patched = self.write('p', console(res))
                rc, out = self.run_compare('regress', base, patched)
                self.assertEqual(rc, 1, out)
                self.assertIn('kselftest: prog (root).a.y  <- REGRESSION', out)
                self.assertIn('FAIL: 1 regression(s)', out)

    def test_regress_patched_splat_fails(self):
        base = self.write('b', console({'a.x': 'ok'}))
        patched = self.write('p', console({'a.x': 'ok'}, splat=True))
        rc, out = self.run_compare('regress', base, patched)
        self.assertEqual(rc, 1, out)
        self.assertIn('SPLAT [patched]', out)

    def test_regress_unfinished_guest_fails(self):
        base = self.write('b', console({'a.x': 'ok'}, done=False))
        patched = self.write('p', console({'a.x': 'ok'}))
        rc, out = self.run_compare('regress', base, patched)
        self.assertEqual(rc, 1, out)
        self.assertIn('ERROR [base]', out)

    # oracle

    def test_oracle_unlisted_difference_fails(self):
        ours = self.write('o', console({'a.x': 'ok', 'a.y': 'ok'}))
        ref = self.write('m', console({'a.x': 'ok', 'a.y': 'fail'}))
        diffs = self.write('d', '# nothing listed\n')
        rc, out = self.run_compare('oracle', ours, ref, diffs)
        self.assertEqual(rc, 1, out)
        self.assertIn('PASS  FAIL  kselftest: prog (root).a.y  <- DIFFERS from mainline', out)

    def test_oracle_listed_difference_passes_with_its_reason(self):
        ours = self.write('o', console({'a.x': 'ok', 'a.y': 'ok'}))
        ref = self.write('m', console({'a.x': 'ok', 'a.y': 'fail'}))
        diffs = self.write('d', 'kselftest:?prog?(*).a.y  6.12 only: because\n')
        rc, out = self.run_compare('oracle', ours, ref, diffs)
        self.assertEqual(rc, 0, out)
        self.assertIn('<- deliberate: 6.12 only: because', out)
        self.assertIn('1 deliberate differences, 0 unexplained', out)

    def test_oracle_missing_on_mainline_is_a_difference(self):
        ours = self.write('o', console({'a.x': 'ok', 'a.y': 'ok'}))
        ref = self.write('m', console({'a.x': 'ok'}))
        diffs = self.write('d', '')
        rc, out = self.run_compare('oracle', ours, ref, diffs)
        self.assertEqual(rc, 1, out)
        self.assertIn('kselftest: prog (root).a.y  <- DIFFERS', out)

    def test_oracle_stale_entry_is_reported(self):
        ours = self.write('o', console({'a.x': 'ok'}))
        ref = self.write('m', console({'a.x': 'ok'}))
        diffs = self.write('d', 'kselftest:?prog?(*).a.x  was different once\n')
        rc, out = self.run_compare('oracle', ours, ref, diffs)
        self.assertEqual(rc, 0, out)
        self.assertIn('STALE kselftest:?prog?(*).a.x', out)

    def test_oracle_mainline_skip_is_shown_not_failed(self):
        ours = self.write('o', console({'a.x': 'ok', 'a.z': 'ok'}))
        ref = self.write('m', console({'a.x': 'skip', 'a.z': 'ok'}))
        rc, out = self.run_compare('oracle', ours, ref, self.write('d', ''))
        self.assertEqual(rc, 0, out)
        self.assertIn('<- mainline skips', out)

    def test_oracle_entry_without_reason_is_a_usage_error(self):
        ours = self.write('o', console({'a.x': 'ok'}))
        rc, _ = self.run_compare('oracle', ours, ours, self.write('d', 'kselftest:*\n'))
        self.assertEqual(rc, 2)

    def test_usage(self):
        rc, _ = self.run_compare('nonsense')
        self.assertEqual(rc, 2)


if __name__ == '__main__':
    unittest.main()
