#!/usr/bin/env python3
"""Tests for scripts/benchreport.py: the table make bench prints.

Run from the top of the repository with either of
    python3 -m unittest discover -s tests -v
    python3 tests/test_benchreport.py

logs/bench/ holds two recorded QEMU TCG consoles (2 vCPUs, 2 GB) of the
guest tools as make bench builds them: base-6.12.117.log is the unpatched
base kernel (no listns(): nsbench listns and nsbench all, /proc side
only), mainline-7.2.13.log a Debian 7.2 kernel, which has listns(), as a
stand-in for the patched kernel (nsbench listns twice, nsbench create uts).
The other cases are written here, one run per list of BENCH lines.
"""

import importlib.util
import io
import os
import re
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
TOP_DIR = os.path.dirname(TESTS_DIR)
BENCHREPORT_PY = os.path.join(TOP_DIR, 'scripts', 'benchreport.py')
BENCH_LOGS = os.path.join(TESTS_DIR, 'logs', 'bench')


def _load_module():
    spec = importlib.util.spec_from_file_location('benchreport', BENCHREPORT_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


benchreport = _load_module()


def run(base, patched):
    """benchreport.main on lists of log paths: (status, stdout lines)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = benchreport.main(['--base', *base, '--patched', *patched])
    return status, out.getvalue().splitlines()


def row(lines, *words):
    """The one line whose whitespace-separated words start with words."""
    found = [l for l in lines if l.split()[:len(words)] == list(words)]
    if len(found) != 1:
        raise AssertionError('%d lines start with %r in:\n%s' % (
            len(found), words, '\n'.join(lines)))
    return found[0]


def listns_run(ratio, proc_found=1009, listns_found=1009, n=1000):
    """The BENCH lines of one nsbench listns run on a kernel with listns()."""
    listns_ns = 300000.0
    return [
        'BENCH name=enum-pool-create unit=ops/s value=500.0 count=%d secs=2.000' % n,
        'BENCH name=enum-proc-n%d unit=ns/op value=%.1f live=%d found=%d entries=10 '
        'trials=5' % (n, listns_ns * ratio, n, proc_found),
        'BENCH name=enum-listns-n%d unit=ns/op value=%.1f live=%d found=%d page=1024 '
        'trials=5 loops=20' % (n, listns_ns, n, listns_found),
        'BENCH name=listns-vs-proc unit=ratio value=%.4f enum-proc/enum-listns n=%d '
        'proc-found=%d listns-found=%d counts=%s' % (
            ratio, n, proc_found, listns_found,
            'equal' if proc_found == listns_found else 'differ'),
    ]


def proc_run(ns_per_enum=250000000.0, found=1009, n=1000):
    """The BENCH lines of one nsbench listns run without listns() (ENOSYS)."""
    return [
        'BENCH name=enum-pool-create unit=ops/s value=600.0 count=%d secs=1.667' % n,
        'BENCH name=enum-proc-n%d unit=ns/op value=%.1f live=%d found=%d entries=10 '
        'trials=5' % (n, ns_per_enum, n, found),
    ]


# One run of the benchmarks that came before listns, as make bench logged them.
OLD_BASE = [
    'BENCH name=create-uts unit=ops/s value=120000.0 count=200000 secs=1.667',
    'BENCH name=lookup-next-n10 unit=ns/op value=8000.0 live=10',
    'BENCH name=lookup-next-n10000 unit=ns/op value=8100.0 live=10000',
    'BENCH name=lookup-next-scale unit=ratio value=1.0125 n=10000/10',
]
OLD_PATCHED = OLD_BASE[:3] + [
    'BENCH name=open-proc-net unit=ns/op value=16000.0 path=/proc/self/ns/net',
    'BENCH name=open-handle-net unit=ns/op value=8800.0 mountfd=FD_NSFS_ROOT',
    'BENCH name=handle-vs-proc unit=ratio value=0.5500 open-handle-net/open-proc-net',
    'BENCH name=lookup-next-scale unit=ratio value=0.9900 n=10000/10',
]


class BenchReportTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.nlogs = 0

    def log(self, *runs, crlf=False):
        """A console log of one boot holding the given runs' BENCH lines,
        among the guest's markers and kernel messages."""
        self.nlogs += 1
        path = os.path.join(self.tmp.name, 'boot-%d.log' % self.nlogs)
        text = ['[    1.234567] Run /init as init process']
        for i, lines in enumerate(runs, 1):
            text.append('nsid-guest: bench rep=%d begin' % i)
            text.append('[   12.000000] random: crng init done')
            text.extend(lines)
            text.append('nsid-guest: bench rep=%d exit=0' % i)
        text.append('nsid-guest: done')
        with open(path, 'w', newline='') as f:
            f.write(''.join(l + ('\r\n' if crlf else '\n') for l in text))
        return path

    def test_listns_rows(self):
        base = [self.log(proc_run(), proc_run()), self.log(proc_run())]
        patched = [self.log(listns_run(700), listns_run(800)), self.log(listns_run(750))]
        status, lines = run(base, patched)
        self.assertEqual(status, 0)
        # Paired: the /proc walk on both kernels, listns() on the patched one.
        self.assertRegex(row(lines, 'enum-proc-n1000'),
                         r'^enum-proc-n1000 +ns/op +250000000 +\d+ +\S+ +\S+ +\S+ +0.00% +\S+ +\(n=3\)$')
        self.assertRegex(row(lines, 'enum-listns-n1000'),
                         r'^enum-listns-n1000 +ns/op +- +300000 +\(patched kernel only\) min 300000 max 300000 '
                         r'p-spr 0.00% \(n=3\)$')
        self.assertRegex(row(lines, 'enum-pool-create'), r'\(n=3\)$')
        # Within one boot: the ratio per kernel, goal >= 100 on the median.
        self.assertRegex(row(lines, 'listns-vs-proc', 'base'),
                         r'^listns-vs-proc +base +n/a \(no listns\)$')
        self.assertRegex(row(lines, 'listns-vs-proc', 'patched'),
                         r'^listns-vs-proc +patched +700 +750 +800 +>=2000 +FAIL \(n=3\)$')
        self.assertRegex(row(lines, 'namespaces', 'found', 'base'),
                         r'^  namespaces found +base +/proc 1009 \(3 runs\)$')
        self.assertRegex(row(lines, 'namespaces', 'found', 'patched'),
                         r'^  namespaces found +patched +/proc 1009, listns\(\) 1009 \(3 runs\)$')
        self.assertIn('listns-vs-proc = time to enumerate every namespace by the /proc walk /',
                      lines)
        # The counts sit right under the ratio's rows.
        i = lines.index(row(lines, 'listns-vs-proc', 'patched'))
        self.assertTrue(lines[i + 1].startswith('  namespaces found         base'))

    def test_listns_goal_on_the_median(self):
        base = [self.log(proc_run())]
        status, lines = run(base, [self.log(listns_run(60), listns_run(99.5),
                                            listns_run(5000))])
        self.assertEqual(status, 0)        # a measurement: goals do not fail it
        self.assertRegex(row(lines, 'listns-vs-proc', 'patched'),
                         r' 60.0 +99.5 +5000 +>=2000 +FAIL \(n=3\)$')
        status, lines = run(base, [self.log(listns_run(100), listns_run(12.25))])
        self.assertRegex(row(lines, 'listns-vs-proc', 'patched'),
                         r' 12.2 +56.1 +100 +>=2000 +FAIL \(n=2\)$')
        status, lines = run(base, [self.log(listns_run(2000))])
        self.assertRegex(row(lines, 'listns-vs-proc', 'patched'), r' >=2000 +PASS \(n=1\)$')

    def test_counts_mismatch_and_fewer(self):
        base = [self.log(proc_run(found=1009), proc_run(found=999))]
        patched = [self.log(listns_run(700), listns_run(700, listns_found=1010)),
                   self.log(listns_run(700, proc_found=990, listns_found=990))]
        status, lines = run(base, patched)
        self.assertEqual(status, 0)
        self.assertEqual(
            row(lines, 'namespaces', 'found', 'patched').split('patched', 1)[1].strip(),
            '/proc 1009, listns() 1009 (1 run); /proc 1009, listns() 1010 (1 run); '
            '/proc 990, listns() 990 (1 run): MISMATCH in 1 of 3 runs, '
            'FEWER than the 1000 made in 1 of 3 runs')
        self.assertEqual(
            row(lines, 'namespaces', 'found', 'base').split('base', 1)[1].strip(),
            '/proc 1009 (1 run); /proc 999 (1 run): FEWER than the 1000 made in 1 of 2 runs')

    def test_smaller_count(self):
        """nsbench listns N: the names carry N, the counts compare to N."""
        status, lines = run([self.log(proc_run(found=109, n=100))],
                            [self.log(listns_run(300, 109, 109, n=100))])
        self.assertEqual(status, 0)
        self.assertIn('(patched kernel only)', row(lines, 'enum-listns-n100'))
        self.assertRegex(row(lines, 'namespaces', 'found', 'patched'),
                         r'listns\(\) 109 \(1 run\)$')

    def test_patched_kernel_without_listns(self):
        """Both kernels without listns(): the /proc rows only, no ratio."""
        status, lines = run([self.log(proc_run())], [self.log(proc_run())])
        self.assertEqual(status, 0)
        self.assertRegex(row(lines, 'enum-proc-n1000'), r' 1.000 +1.000 +1.000 +- +- \(n=1\)$')
        self.assertFalse([l for l in lines if 'listns' in l], lines)

    def test_logs_without_listns_rows(self):
        """The rows from before listns-vs-proc print as they always did."""
        status, lines = run([self.log(OLD_BASE)], [self.log(OLD_PATCHED)])
        self.assertEqual(status, 0)
        self.assertEqual(lines[-8:], [
            'ratios within one boot: lookup-*-scale = time per op with 10000 vs 10 live',
            'mount namespaces; handle-vs-proc = open by handle / open of /proc/self/ns/net',
            'benchmark                  kernel      min    med    max  goal    ',
            '-' * 66,
            'handle-vs-proc             base     n/a (no file handles)',
            'handle-vs-proc             patched   0.550  0.550  0.550  <=0.5   FAIL (n=1)',
            'lookup-next-scale          base      1.012  1.012  1.012  <=1.1   (reference) (n=1)',
            'lookup-next-scale          patched   0.990  0.990  0.990  <=1.1   PASS (n=1)',
        ])
        self.assertRegex(row(lines, 'create-uts'), r' >=0.90 +PASS +- +- \(n=1\)$')

    def test_insn_mode(self):
        """--insn: instructions per op; create ratios stay patched/base of ops/s."""
        base = [self.log(['BENCH name=create-uts unit=ops/s value=100000.0 count=10 secs=1',
                          'BENCH name=create-container unit=ops/s value=1000.0 count=10 secs=1',
                          'BENCH name=lookup-next-n10 unit=ns/op value=8000.0 live=10'])]
        patched = [self.log(['BENCH name=create-uts unit=ops/s value=95000.0 count=10 secs=1',
                             'BENCH name=create-container unit=ops/s value=970.0 count=10 secs=1',
                             'BENCH name=lookup-next-n10 unit=ns/op value=8800.0 live=10'])]
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            status = benchreport.main(['--insn', '--base', *base, '--patched', *patched])
        lines = out.getvalue().splitlines()
        self.assertEqual(status, 0)
        self.assertRegex(row(lines, 'create-uts'),
                         r'^create-uts +insn/op +10000 +10526 +0.950 +0.950 +0.950 +>=0.90 +PASS ')
        self.assertRegex(row(lines, 'create-container'),
                         r'^create-container +insn/op +1000000 +1030928 +0.970 .* >=0.98 +FAIL ')
        self.assertRegex(row(lines, 'lookup-next-n10'), r'^lookup-next-n10 +insn/op +8000 +8800 +1.100 ')

    def test_listns_scale_rows_and_boot_spread(self):
        def scale(owner, unpriv):
            return ['BENCH name=listns-owner-n10 unit=ns/op value=1000.0 unrelated=10',
                    'BENCH name=listns-owner-n10000 unit=ns/op value=%.1f unrelated=10000'
                    % (1000 * owner),
                    'BENCH name=listns-owner-scale unit=ratio value=%.4f n=10000/10' % owner,
                    'BENCH name=listns-unpriv-scale unit=ratio value=%.4f n=10000/10' % unpriv]
        base = [self.log(['BENCH name=create-uts unit=ops/s value=100.0']),
                self.log(['BENCH name=create-uts unit=ops/s value=102.0'])]
        patched = [self.log(scale(1.05, 1.3), ['BENCH name=create-uts unit=ops/s value=99.0']),
                   self.log(scale(1.0, 1.05), ['BENCH name=create-uts unit=ops/s value=99.0'])]
        status, lines = run(base, patched)
        self.assertEqual(status, 0)
        self.assertRegex(row(lines, 'listns-owner-scale', 'base'), r'n/a \(no listns\)$')
        self.assertRegex(row(lines, 'listns-owner-scale', 'patched'),
                         r' 1.000 +1.025 +1.050 +<=1.1 +PASS \(n=2\)$')
        self.assertRegex(row(lines, 'listns-unpriv-scale', 'patched'),
                         r' 1.050 +1.175 +1.300 +<=1.2 +PASS \(n=2\)$')
        self.assertIn('(patched kernel only)', row(lines, 'listns-owner-n10000'))
        self.assertRegex(row(lines, 'boots', 'create-uts'), r' 1.98% +0.00%$')

    def test_crlf_consoles(self):
        status, lines = run([self.log(proc_run(), crlf=True)],
                            [self.log(listns_run(700), crlf=True)])
        self.assertEqual(status, 0)
        self.assertRegex(row(lines, 'namespaces', 'found', 'patched'),
                         r'listns\(\) 1009 \(1 run\)$')

    def test_no_bench_lines(self):
        status, lines = run([self.log(listns_run(700))], [self.log([])])
        self.assertEqual((status, lines), (1, []))

    def test_patched_only(self):
        """A run of what only the series has: the base prints nothing."""
        status, lines = run([self.log([])], [self.log(listns_run(700))])
        self.assertEqual(status, 0)
        self.assertIn('(patched kernel only)', row(lines, 'enum-listns-n1000'))

    def test_fields(self):
        fields = {}
        values, units = benchreport.parse([self.log(listns_run(700, 1009, 1010))], fields)
        self.assertEqual(values['listns-vs-proc'], [700.0])
        self.assertEqual(units['enum-listns-n1000'], 'ns/op')
        self.assertEqual(fields['listns-vs-proc'], [{
            'n': '1000', 'proc-found': '1009', 'listns-found': '1010', 'counts': 'differ'}])
        self.assertEqual(fields['enum-proc-n1000'][0]['found'], '1009')

    def test_fmt_ratio(self):
        self.assertEqual([benchreport.fmt_ratio(x) for x in (0.5359, 9.9994, 12.25, 745.6)],
                         ['0.536', '9.999', '12.2', '746'])


class RecordedBenchTest(unittest.TestCase):
    """The recorded consoles: the base kernel and a kernel with listns()."""

    def test_recorded_consoles(self):
        status, lines = run([os.path.join(BENCH_LOGS, 'base-6.12.117.log')],
                            [os.path.join(BENCH_LOGS, 'mainline-7.2.13.log')])
        self.assertEqual(status, 0)
        self.assertRegex(row(lines, 'enum-proc-n1000'), r' \(n=2\)$')
        self.assertIn('(patched kernel only)', row(lines, 'enum-listns-n1000'))
        self.assertRegex(row(lines, 'listns-vs-proc', 'patched'),
                         r'^listns-vs-proc +patched +697 +746 +794 +>=2000 +FAIL \(n=2\)$')
        self.assertIn('n/a (no listns)', row(lines, 'listns-vs-proc', 'base'))
        self.assertRegex(row(lines, 'namespaces', 'found', 'base'), r'/proc 1009 \(2 runs\)$')
        self.assertRegex(row(lines, 'namespaces', 'found', 'patched'),
                         r'/proc 1009, listns\(\) 1009 \(2 runs\)$')

    def test_script_runs(self):
        self.assertTrue(os.access(BENCHREPORT_PY, os.X_OK))
        proc = subprocess.run(
            [sys.executable, BENCHREPORT_PY,
             '--base', os.path.join(BENCH_LOGS, 'base-6.12.117.log'),
             '--patched', os.path.join(BENCH_LOGS, 'mainline-7.2.13.log')],
            capture_output=True, text=True, check=False)
        self.assertEqual((proc.returncode, proc.stderr), (0, ''))
        self.assertTrue(re.search(r'^listns-vs-proc +patched .* FAIL', proc.stdout, re.M))


if __name__ == '__main__':
    unittest.main()
