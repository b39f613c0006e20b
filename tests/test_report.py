#!/usr/bin/env python3
"""Tests for scripts/report.py: recorded console logs and the KTAP parser.

Run from the top of the repository with either of
    python3 -m unittest discover -s tests -v
    python3 tests/test_report.py
"""

import importlib.util
import io
import os
import subprocess
import sys
import textwrap
import unittest
from contextlib import redirect_stderr, redirect_stdout

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
TOP_DIR = os.path.dirname(TESTS_DIR)
REPORT_PY = os.path.join(TOP_DIR, 'scripts', 'report.py')
LOGS_DIR = os.path.join(TESTS_DIR, 'logs')


def _load_report_module():
    spec = importlib.util.spec_from_file_location('report', REPORT_PY)
    module = importlib.util.module_from_spec(spec)
    sys.modules['report'] = module     # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


report = _load_report_module()

NOT_DONE = ('ERROR guest did not finish (no "nsid-guest: done"; '
            'it hung, panicked or died)')
ROOT = 'namespaces:nsfs_ioctl_test (root)'
USERNS = 'namespaces:nsfs_ioctl_test (userns)'

# As make check runs it.
BOTH = ['--expect-kunit', '--expect-kselftest']

# log -> (arguments, exit status, summary, lines that must be present)
EXPECTED = {
    'clean.log': (BOTH, 0, '100 passed, 0 failed, 7 skipped', [
        'PASS  kunit: list-kunit-test.list_test_list_init',
        'PASS  kunit: example.example_params_test.example value 2',
        'SKIP  kunit: example.example_skip_test (this test should be skipped)',
        'SKIP  kunit: example.example_params_test.example value 3 '
        '(unsupported param value 3)',
        'PASS  kunit: klist.klist_test_node_attached',
        f'PASS  kselftest: {ROOT}.ns.nstype',
        f'PASS  kselftest: {ROOT}.file_handle.stale',
        f'SKIP  kselftest: {USERNS}.nsid.after_setns (setns() into the '
        'initial namespaces needs CAP_SYS_ADMIN there)',
        'SKIP  kselftest: namespaces:listns_test (root).listns.by_owner '
        '(no user namespace owned by another user to list)',
        'PASS  kselftest: namespaces:listns_test (root).listns_invalid.size',
    ]),
    'failing-test.log': (BOTH, 1, '94 passed, 1 failed, 6 skipped', [
        f'FAIL  kselftest: {USERNS}.nsid.stable',
    ]),
    'failing-kunit.log': (BOTH, 1, '94 passed, 1 failed, 6 skipped', [
        'FAIL  kunit: list-kunit-test.list_test_list_cut_position',
    ]),
    'missing-test.log': (BOTH, 1, '82 passed, 5 failed, 4 skipped', [
        f'PASS  kselftest: {ROOT}.nsid.after_setns',
        f'MISS  kselftest: {ROOT}: 3 of 12 planned tests missing',
        f'FAIL  kselftest: {ROOT} (incomplete)',
        'MISS  kselftest: (top level): 1 of 2 planned tests missing',
    ]),
    'warning.log': (BOTH, 1, '95 passed, 0 failed, 6 skipped', [
        'SPLAT WARNING: CPU: 0 PID: 57 at fs/nsfs.c:318 ns_ioctl+0x2e4/0x350',
    ]),
    'kasan.log': (BOTH, 1, '95 passed, 0 failed, 6 skipped', [
        'SPLAT BUG: KASAN: slab-use-after-free in nsfs_evict+0x5c/0x90',
    ]),
    'kmemleak.log': (BOTH, 1, '95 passed, 0 failed, 6 skipped', [
        'SPLAT unreferenced object 0xffff888003a1b2c0 (size 64):',
    ]),
    'lockdep.log': (BOTH, 1, '95 passed, 0 failed, 6 skipped', [
        'SPLAT WARNING: possible circular locking dependency detected',
    ]),
    'panic.log': (BOTH, 1, '77 passed, 10 failed, 4 skipped', [
        f'PASS  kselftest: {ROOT}.ns.get_parent',
        f'MISS  kselftest: {ROOT}: 8 of 12 planned tests missing',
        f'FAIL  kselftest: {ROOT} (no result)',
        'MISS  kselftest: (top level): 1 of 2 planned tests missing',
        'SPLAT BUG: kernel NULL pointer dereference, address: 0000000000000010',
        'SPLAT Kernel panic - not syncing: Fatal exception',
        NOT_DONE,
    ]),
    'hang.log': (BOTH, 1, '91 passed, 7 failed, 4 skipped', [
        f'PASS  kselftest: {USERNS}.nsid.unique',
        f'MISS  kselftest: {USERNS}: 6 of 12 planned tests missing',
        f'FAIL  kselftest: {USERNS} (no result)',
        NOT_DONE,
        'ERROR nsid-host: timeout after 600s, guest killed',
    ]),
    'no-kunit.log': (BOTH, 1, '22 passed, 0 failed, 2 skipped', [
        'ERROR no KUnit results',
    ]),
    'interleaved.log': (BOTH, 0, '95 passed, 0 failed, 6 skipped', [
        'PASS  kunit: example.example_params_test.example value 1',
        'PASS  kunit: list-kunit-test.list_test_list_bulk_move_tail',
        f'PASS  kselftest: {ROOT}.file_handle.encode',
        f'PASS  kselftest: {USERNS}.ns.get_userns',
    ]),
    # A real console log of make check on the unpatched-but-for-tests
    # 6.12.117 guest (guest.config), recorded as it came out of QEMU.
    'guest-6.12.117.log': (BOTH, 0, '104 passed, 0 failed, 3 skipped', [
        'PASS  kunit: list-kunit-test.list_test_list_init',
        'PASS  kunit: klist.klist_test_node_attached',
        'PASS  kselftest: namespaces:nsfs_ioctl_test (root).mnt_ns_iter.walk',
        'SKIP  kselftest: namespaces:nsfs_ioctl_test (userns).mnt_ns_iter.walk'
        ' (needs CAP_SYS_ADMIN in the initial user and pid namespace)',
    ]),
}

# How many splats each log must report (each distinct splat once).
SPLAT_COUNT = {'warning.log': 1, 'kasan.log': 1, 'kmemleak.log': 1,
               'lockdep.log': 1, 'panic.log': 2}


def run_cli(*args):
    return subprocess.run([sys.executable, REPORT_PY, *args],
                          capture_output=True, text=True, check=False)


def read_log(name):
    with open(os.path.join(LOGS_DIR, name), 'rb') as f:
        return f.read().decode('utf-8', errors='replace')


class RecordedLogTest(unittest.TestCase):
    """report.py on every recorded log, as a program and as a module."""

    def check_output(self, name, lines, status):
        args, want_status, summary, present = EXPECTED[name]
        self.assertEqual(status, want_status, '\n'.join(lines))
        self.assertEqual(lines[0], f'console log: {os.path.join(LOGS_DIR, name)}')
        self.assertEqual(lines[-1], summary)
        for line in present:
            self.assertIn(line, lines)
        splats = [l for l in lines if l.startswith('SPLAT ')]
        self.assertEqual(len(splats), SPLAT_COUNT.get(name, 0), splats)
        errors = [l for l in lines if l.startswith('ERROR ')]
        if want_status == 0:
            self.assertEqual(errors, [])
            self.assertFalse([l for l in lines
                              if l.startswith(('FAIL ', 'MISS '))])
        # The order of the sections: tests, splats, errors, summary.
        kinds = [l.split(' ', 1)[0] for l in lines[1:-1]]
        order = {'PASS': 0, 'FAIL': 0, 'SKIP': 0, 'MISS': 0, 'SPLAT': 1,
                 'ERROR': 2}
        self.assertEqual([order[k] for k in kinds],
                         sorted(order[k] for k in kinds))

    def test_logs_via_subprocess(self):
        self.assertEqual(sorted(EXPECTED),
                         sorted(f for f in os.listdir(LOGS_DIR)
                                if f.endswith('.log')))
        for name, (args, _, _, _) in EXPECTED.items():
            with self.subTest(log=name):
                proc = run_cli(*args, os.path.join(LOGS_DIR, name))
                self.assertEqual(proc.stderr, '')
                self.check_output(name, proc.stdout.splitlines(),
                                  proc.returncode)

    def test_logs_via_import(self):
        for name, (args, _, _, _) in EXPECTED.items():
            with self.subTest(log=name):
                path = os.path.join(LOGS_DIR, name)
                rep = report.analyze(read_log(name), path,
                                     expect_kunit='--expect-kunit' in args,
                                     expect_kselftest='--expect-kselftest' in args)
                self.check_output(name, rep.lines(), rep.exit_status)
                out = io.StringIO()
                with redirect_stdout(out):
                    status = report.main([*args, path])
                self.assertEqual(status, rep.exit_status)
                self.assertEqual(out.getvalue().splitlines(), rep.lines())

    def test_every_log_expecting_both(self):
        """The flags only add ERRORs when a document is really absent."""
        for name in EXPECTED:
            with self.subTest(log=name):
                rep = report.analyze(read_log(name), name, True, True)
                want = ['no KUnit results'] if name == 'no-kunit.log' else []
                self.assertEqual([e for e in rep.errors if e.startswith('no ')],
                                 want)

    def test_no_kunit_needs_the_flag(self):
        path = os.path.join(LOGS_DIR, 'no-kunit.log')
        proc = run_cli(path)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(proc.stdout.splitlines()[-1],
                         '22 passed, 0 failed, 2 skipped')
        proc = run_cli('--expect-kunit', path)
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertEqual(proc.stdout.splitlines()[-2:],
                         ['ERROR no KUnit results',
                          '22 passed, 0 failed, 2 skipped'])

    def test_interleaving_changes_nothing(self):
        """interleaved.log runs what warning.log runs: same verdicts."""
        plain = report.analyze(read_log('warning.log'))
        mixed = report.analyze(read_log('interleaved.log'))
        self.assertEqual([str(v) for v in mixed.verdicts],
                         [str(v) for v in plain.verdicts])
        self.assertEqual(mixed.splats, [])

    def test_verdicts_in_log_order(self):
        lines = report.analyze(read_log('clean.log')).lines()
        kunit = [i for i, l in enumerate(lines) if ' kunit: ' in l]
        kself = [i for i, l in enumerate(lines) if ' kselftest: ' in l]
        self.assertLess(max(kunit), min(kself))
        self.assertEqual(lines[1], 'PASS  kunit: example.example_simple_test')

    def test_script_is_executable(self):
        self.assertTrue(os.access(REPORT_PY, os.X_OK))
        with open(REPORT_PY, encoding='utf-8') as f:
            self.assertEqual(f.readline(), '#!/usr/bin/env python3\n')
        proc = subprocess.run([REPORT_PY, os.path.join(LOGS_DIR, 'clean.log')],
                              capture_output=True, text=True, check=False)
        self.assertEqual(proc.returncode, 0)


class SplatsOnlyTest(unittest.TestCase):
    """--splats-only, which make run uses on the console of its command."""

    def test_splat_lines_and_status(self):
        for name in ('kasan.log', 'clean.log', 'panic.log'):
            with self.subTest(log=name):
                proc = run_cli('--splats-only', os.path.join(LOGS_DIR, name))
                lines = proc.stdout.splitlines()
                self.assertEqual(len(lines), SPLAT_COUNT.get(name, 0))
                self.assertTrue(all(l.startswith('SPLAT ') for l in lines))
                self.assertEqual(proc.returncode, 1 if lines else 0)


class UsageTest(unittest.TestCase):
    def test_missing_file(self):
        proc = run_cli(os.path.join(LOGS_DIR, 'does-not-exist.log'))
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stdout, '')
        self.assertIn('does-not-exist.log', proc.stderr)

    def test_missing_argument(self):
        self.assertEqual(run_cli().returncode, 2)
        self.assertEqual(run_cli('--bogus', 'x.log').returncode, 2)

    def test_main_missing_file(self):
        with redirect_stderr(io.StringIO()):
            self.assertEqual(report.main(['/nonexistent/console.log']), 2)


def ktap(text):
    """Parse an inline KTAP document (dedented) into its root documents."""
    return report.KtapParser.from_text(textwrap.dedent(text).strip('\n')).parse()


def verdicts(text, stream='kunit'):
    return [str(v) for doc in ktap(text)
            for v in report.document_verdicts(doc, stream)]


class ClassifierTest(unittest.TestCase):
    def test_kinds(self):
        c = report.classify_line
        self.assertEqual(c('KTAP version 1').kind, report.VERSION)
        self.assertEqual(c('TAP version 13').kind, report.VERSION)
        self.assertEqual(c('TAP version 14').kind, report.VERSION)
        self.assertEqual(c('KTAP version 2').kind, report.OTHER)
        self.assertEqual(c('1..12').count, 12)
        self.assertEqual(c('1..0 # SKIP not root').directive, 'SKIP not root')
        self.assertEqual(c('    # Subtest: list-kunit-test').description,
                         'list-kunit-test')
        self.assertEqual(c('# Starting 12 tests from 3 test cases.').kind,
                         report.OTHER)
        self.assertEqual(c('#  RUN           ns.nstype ...').kind, report.OTHER)
        self.assertEqual(c('okay 1 then').kind, report.OTHER)
        self.assertEqual(c('ok1 x').kind, report.OTHER)
        self.assertEqual(c('Expected i == 2, but').kind, report.OTHER)

    def test_result_fields(self):
        line = report.classify_line(
            '        ok 4 example value 0 # SKIP unsupported param value 0')
        self.assertEqual((line.kind, line.indent, line.ok, line.number),
                         (report.RESULT, 8, True, 4))
        self.assertEqual(line.description, 'example value 0')
        self.assertEqual(line.directive, 'SKIP unsupported param value 0')
        line = report.classify_line('not ok 2 namespaces:x (userns) # exit=1')
        self.assertEqual((line.ok, line.description, line.directive),
                         (False, 'namespaces:x (userns)', 'exit=1'))
        line = report.classify_line('\tok 1 - sysctl_test')
        self.assertEqual((line.indent, line.description), (8, 'sysctl_test'))
        line = report.classify_line('ok 3 # SKIP no name')
        self.assertEqual((line.description, line.directive), ('', 'SKIP no name'))

    def test_verdicts(self):
        v = report.result_verdict
        self.assertEqual(v(True, ''), ('PASS', ''))
        self.assertEqual(v(False, ''), ('FAIL', ''))
        self.assertEqual(v(True, 'SKIP why'), ('SKIP', 'why'))
        self.assertEqual(v(False, 'skip why'), ('SKIP', 'why'))
        self.assertEqual(v(False, 'TODO later'), ('SKIP', 'TODO later'))
        self.assertEqual(v(True, 'XFAIL known'), ('PASS', 'XFAIL known'))
        self.assertEqual(v(True, 'XPASS oops'), ('FAIL', 'XPASS oops'))
        self.assertEqual(v(False, 'TIMEOUT 30 seconds'),
                         ('FAIL', 'TIMEOUT 30 seconds'))
        self.assertEqual(v(False, 'error spawning'), ('FAIL', 'ERROR spawning'))
        self.assertEqual(v(False, 'exit=1'), ('FAIL', 'exit=1'))


class ConsoleTest(unittest.TestCase):
    def test_split(self):
        kernel, user = report.split_console(
            '\x1b[2J\x1b[01;01HSeaBIOS\r\n'
            '[    0.000000] Linux version 6.12.117\r\n'
            '[    1.234567]     ok 1 list_test_list_init\r\n'
            '[   12.000001][    T1] Run /init as init process\n'
            '[    1.500000]\n'
            '    ok 1 ns.nstype\n'
            'nsid-guest: done\r\n')
        self.assertEqual([l.text for l in kernel],
                         ['Linux version 6.12.117', '    ok 1 list_test_list_init',
                          'Run /init as init process', ''])
        self.assertEqual([l.text for l in user],
                         ['SeaBIOS', '    ok 1 ns.nstype', 'nsid-guest: done', ''])
        self.assertEqual([l.lineno for l in kernel], [2, 3, 4, 5])

    def test_kernel_message_inside_a_user_line(self):
        kernel, user = report.split_console(
            '    ok 5 ns.fo[    2.100000] random: crng init done\r\n'
            '[    2.100100] second message\r\n'
            'o\r\n'
            '    ok 6 ns.b[    2.200000][    T1] cut by a message\n'
            '\r\n'
            'nsid-guest: do[    2.300000] last words\n')
        self.assertEqual([l.text for l in kernel],
                         ['random: crng init done', 'second message',
                          'cut by a message', 'last words'])
        self.assertEqual([(l.lineno, l.text) for l in user],
                         [(1, '    ok 5 ns.foo'), (4, '    ok 6 ns.b'),
                          (6, 'nsid-guest: do')])

    def test_done_marker_must_be_user_space_and_exact(self):
        for text in ('[    3.0] nsid-guest: done\n', 'nsid-guest: done!\n',
                     'nsid-guest: kmemleak scan\n'):
            with self.subTest(text=text):
                self.assertIn(report.NOT_DONE_ERROR,
                              report.analyze(text).errors)
        self.assertNotIn(report.NOT_DONE_ERROR,
                         report.analyze('nsid-guest: done\r\n').errors)


class KtapParserTest(unittest.TestCase):
    KTAP_EXAMPLE = '''
        KTAP version 1
        1..2
          KTAP version 1
          1..2
            KTAP version 1
            1..2
            not ok 1 test_1
            ok 2 test_2
          not ok 1 test_3
          ok 2 test_4 # SKIP
        not ok 1 example_test_1
        ok 2 example_test_2
        '''

    def test_nesting(self):
        docs = ktap(self.KTAP_EXAMPLE)
        self.assertEqual(len(docs), 1)
        root = docs[0]
        self.assertEqual(root.plan, 2)
        self.assertEqual([t.name for t in root.children],
                         ['example_test_1', 'example_test_2'])
        first = root.children[0]
        self.assertEqual((first.status, first.plan), ('FAIL', 2))
        self.assertEqual([t.name for t in first.children], ['test_3', 'test_4'])
        self.assertEqual([t.name for t in first.children[0].children],
                         ['test_1', 'test_2'])
        self.assertEqual(verdicts(self.KTAP_EXAMPLE), [
            'FAIL  kunit: example_test_1.test_3.test_1',
            'PASS  kunit: example_test_1.test_3.test_2',
            'SKIP  kunit: example_test_1.test_4',
            'PASS  kunit: example_test_2',
        ])

    def test_kunit_suite_and_params(self):
        self.assertEqual(verdicts('''
            KTAP version 1
            1..1
                KTAP version 1
                # Subtest: example
                # module: kunit_example_test
                1..2
                # example_simple_test: initializing
                ok 1 example_simple_test
                    KTAP version 1
                    # Subtest: example_params_test
                    ok 1 example value 3 # SKIP unsupported param value 3
                random unrelated kernel message
                    not ok 2 example value 2
                # example_params_test: pass:0 fail:1 skip:1 total:2
                not ok 2 example_params_test
            # example: pass:1 fail:1 skip:0 total:2
            not ok 1 example
            '''), [
            'PASS  kunit: example.example_simple_test',
            'SKIP  kunit: example.example_params_test.example value 3 '
            '(unsupported param value 3)',
            'FAIL  kunit: example.example_params_test.example value 2',
        ])
        suite = ktap('''
            KTAP version 1
            1..1
                KTAP version 1
                # Subtest: example
                1..1
                ok 1 example_simple_test
            ok 1 example
            ''')[0].children[0]
        self.assertEqual((suite.subtest_name, suite.name, suite.plan),
                         ('example', 'example', 1))

    def test_kselftest_document(self):
        text = '''
            KTAP version 1
            1..5
            # Subtest: ns:prog (root)
                TAP version 13
                1..3
                # Starting 3 tests from 1 test cases.
                #  RUN           ns.a ...
                #            OK  ns.a
                ok 1 ns.a
                #      SKIP      not here
                ok 2 ns.b # SKIP not here
                # prog.c:12:c:Expected 0 (0) == ret (-1)
                not ok 3 ns.c
                # Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0
            not ok 1 ns:prog (root) # exit=1
            # Subtest: ns:crashes
                TAP version 13
                1..2
                ok 1 x.y
            not ok 2 ns:crashes # signal 11
            # Subtest: ns:skipped
                TAP version 13
                1..0 # SKIP needs CONFIG_FOO
            ok 3 ns:skipped
            # Subtest: ns:exit4
                TAP version 13
                1..0 # SKIP needs CONFIG_BAR
            ok 4 ns:exit4 # SKIP
            # Subtest: ns:diag
                TAP version 13
                1..1
                ok 1 check return code # rcode=0
            ok 5 ns:diag
            '''
        self.assertEqual(verdicts(text, 'kselftest'), [
            'PASS  kselftest: ns:prog (root).ns.a',
            'SKIP  kselftest: ns:prog (root).ns.b (not here)',
            'FAIL  kselftest: ns:prog (root).ns.c',
            'PASS  kselftest: ns:crashes.x.y',
            'MISS  kselftest: ns:crashes: 1 of 2 planned tests missing',
            'FAIL  kselftest: ns:crashes (signal 11)',
            'SKIP  kselftest: ns:skipped (needs CONFIG_FOO)',
            'SKIP  kselftest: ns:exit4 (needs CONFIG_BAR)',
            'PASS  kselftest: ns:diag.check return code',
        ])
        prog = ktap(text)[0].children[0]
        self.assertEqual((prog.subtest_name, prog.plan, prog.number),
                         ('ns:prog (root)', 3, 1))

    def test_suite_failing_on_its_own(self):
        self.assertEqual(verdicts('''
            KTAP version 1
            1..1
                KTAP version 1
                # Subtest: suite
                1..1
                ok 1 case
            not ok 1 suite
            '''), ['PASS  kunit: suite.case', 'FAIL  kunit: suite'])

    def test_results_without_plan(self):
        docs = ktap('''
            KTAP version 1
            ok 1 a
            not ok 2 b # TIMEOUT 30 seconds
            ok 3 c # TODO not yet
            ''')
        self.assertIsNone(docs[0].plan)
        self.assertEqual(verdicts('''
            KTAP version 1
            ok 1 a
            not ok 2 b # TIMEOUT 30 seconds
            ok 3 c # TODO not yet
            '''), ['PASS  kunit: a', 'FAIL  kunit: b (TIMEOUT 30 seconds)',
                   'SKIP  kunit: c (TODO not yet)'])

    def test_nested_without_version_or_plan(self):
        """Old KUnit / TAP 14 style: tabs, '# Subtest:' first, '- ' names."""
        text = ('TAP version 14\n1..2\n'
                '\t# Subtest: sysctl_test\n\t1..2\n'
                '\tok 1 - sysctl_test_a\n\tok 2 - sysctl_test_b\n'
                'kunit sysctl_test: all tests passed\n'
                'ok 1 - sysctl_test\n'
                '\t# Subtest: example\n\t1..1\n'
                '\tnot ok 1 - example_simple_test\n'
                'not ok 2 - example\n')
        self.assertEqual(verdicts(text), [
            'PASS  kunit: sysctl_test.sysctl_test_a',
            'PASS  kunit: sysctl_test.sysctl_test_b',
            'FAIL  kunit: example.example_simple_test',
        ])

    def test_truncated_everywhere(self):
        full = textwrap.dedent('''\
            KTAP version 1
            1..2
                KTAP version 1
                # Subtest: suite_a
                1..3
                ok 1 case_1
                ok 2 case_2
                ok 3 case_3
            ok 1 suite_a
                KTAP version 1
                # Subtest: suite_b
                1..1
                ok 1 case_1
            ok 2 suite_b
            ''').splitlines()
        for cut in range(len(full) + 1):
            with self.subTest(lines=cut):
                text = '\n'.join(full[:cut])
                rep = report.analyze(text + '\nnsid-guest: done\n')
                lines = rep.lines()
                self.assertTrue(lines[-1].endswith(' skipped'))
                if cut == len(full):
                    self.assertEqual(rep.exit_status, 0, lines)
                    self.assertEqual(rep.summary, '4 passed, 0 failed, 0 skipped')
                elif cut >= 2:
                    self.assertEqual(rep.exit_status, 1, lines)
                    self.assertGreater(rep.failed, 0, lines)
                    # Each planned test passed or counts as failed (a suite
                    # whose own plan is not out yet counts as one).
                    self.assertGreaterEqual(rep.passed + rep.failed,
                                            4 if cut >= 5 else 2)

    def test_truncated_inside_suite(self):
        self.assertEqual(verdicts('''
            KTAP version 1
            1..2
                KTAP version 1
                # Subtest: suite_a
                1..3
                ok 1 case_1
                not ok 2 case_2
            '''), [
            'PASS  kunit: suite_a.case_1',
            'FAIL  kunit: suite_a.case_2',
            'MISS  kunit: suite_a: 1 of 3 planned tests missing',
            'MISS  kunit: (top level): 1 of 2 planned tests missing',
        ])
        self.assertEqual(verdicts('''
            KTAP version 1
            1..1
            # Subtest: prog
                TAP version 13
                1..5
                # Starting 5 tests from 1 test cases.
                #  RUN           f.a ...
            ''', 'kselftest'), [
            'MISS  kselftest: prog: 5 of 5 planned tests missing',
            'FAIL  kselftest: prog (no result)',
        ])

    def test_subtest_without_result_then_next(self):
        """A program that died without a result line, then the next one."""
        self.assertEqual(verdicts('''
            KTAP version 1
            1..2
            # Subtest: first
                TAP version 13
                1..1
                ok 1 a
            # Subtest: second
                TAP version 13
                1..1
                ok 1 b
            ok 2 second
            ''', 'kselftest'), [
            'PASS  kselftest: first.a',
            'FAIL  kselftest: first (no result)',
            'PASS  kselftest: second.b',
        ])

    def test_several_documents(self):
        docs = ktap('''
            KTAP version 1
            1..1
            ok 1 a
            some kernel message
            KTAP version 1
            1..1
            ok 1 b
            ''')
        self.assertEqual([[t.name for t in d.children] for d in docs],
                         [['a'], ['b']])

    def test_module_suite_without_header(self):
        """A suite from a module prints no top-level header."""
        self.assertEqual(verdicts(
            '    KTAP version 1\n    # Subtest: mod_suite\n    1..1\n'
            '    ok 1 case\nok 1 mod_suite\n'), ['PASS  kunit: mod_suite.case'])

    def test_ktap_lines_outside_documents_are_ignored(self):
        self.assertEqual(ktap('ok 1 stray\n1..3\n'), [])


KERNEL_WARNING = '''\
[    2.500000] ------------[ cut here ]------------
[    2.500001] WARNING: CPU: 0 PID: 57 at fs/nsfs.c:318 ns_ioctl+0x2e4/0x350
[    2.500002] Modules linked in:
[    2.500003] CPU: 0 UID: 0 PID: 57 Comm: t Tainted: G                 N 6.12.117 #1
[    2.500004] RIP: 0010:ns_ioctl+0x2e4/0x350
[    2.500005] Call Trace:
[    2.500006]  <TASK>
[    2.500007]  ? __warn+0x89/0x130
[    2.500008]  ? report_bug+0x17e/0x1b0
[    2.500009]  __x64_sys_ioctl+0x94/0xd0
[    2.500010]  </TASK>
[    2.500011] ---[ end trace 0000000000000000 ]---
'''


def splats(text):
    return [s.text for s in report.find_splats(*report.split_console(text))]


class SplatTest(unittest.TestCase):
    def test_one_line_per_report(self):
        self.assertEqual(splats(KERNEL_WARNING), [
            'WARNING: CPU: 0 PID: 57 at fs/nsfs.c:318 ns_ioctl+0x2e4/0x350'])

    def test_same_warning_again_reported_once(self):
        again = KERNEL_WARNING.replace('CPU: 0 PID: 57', 'CPU: 1 PID: 60')
        self.assertEqual(len(splats(KERNEL_WARNING + again)), 1)

    def test_distinct_reports(self):
        other = KERNEL_WARNING.replace('nsfs.c:318', 'nsfs.c:400')
        self.assertEqual(len(splats(KERNEL_WARNING + other)), 2)

    def test_secondary_lines_belong_to_the_header(self):
        text = ('[1.0] ------------[ cut here ]------------\n'
                '[1.0] refcount_t: underflow; use-after-free.\n'
                '[1.0] WARNING: CPU: 0 PID: 1 at lib/refcount.c:28 '
                'refcount_warn_saturate+0x1/0x2\n'
                '[1.0] ---[ end trace 0000000000000000 ]---\n'
                '[2.0] Oops: general protection fault, probably for '
                'non-canonical address 0xdffffc0000000002: 0000 [#1] SMP KASAN\n'
                '[2.0] KASAN: null-ptr-deref in range '
                '[0x0000000000000010-0x0000000000000017]\n'
                '[2.0] CPU: 0 UID: 0 PID: 1 Comm: init\n')
        self.assertEqual(splats(text), [
            'refcount_t: underflow; use-after-free.',
            'Oops: general protection fault, probably for non-canonical '
            'address 0xdffffc0000000002: 0000 [#1] SMP KASAN'])

    def test_all_kinds(self):
        headers = [
            'BUG: sleeping function called from invalid context at x.c:1',
            'UBSAN: array-index-out-of-bounds in fs/nsfs.c:12:3',
            'BUG: KFENCE: use-after-free read in ns_get+0x1/0x2',
            'KFENCE: out-of-bounds',
            'WARNING: possible recursive locking detected',
            'WARNING: inconsistent lock state',
            'WARNING: suspicious RCU usage',
            'ODEBUG: free active (active state 0) object: 00000000 '
            'object type: timer_list hint: f+0x0/0x10',
            'list_add corruption. prev->next should be next (ffffffff), '
            'but was 0000000000000000. (prev=ffff8880).',
            'list_del corruption, ffff888003a1b2c0->next is LIST_POISON1',
            'INFO: task nsfs_ioctl_test:57 blocked for more than 122 seconds.',
            'Unable to handle kernel paging request at virtual address 0',
            'kernel BUG at mm/slub.c:123!',
            'general protection fault, probably for non-canonical address',
            'Kernel panic - not syncing: hung_task: blocked tasks',
            'kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)',
            'unreferenced object 0xffff888003a1b2c0 (size 64):',
        ]
        text = ''.join(f'[{i}.0] ------------[ cut here ]------------\n'
                       f'[{i}.5] {h}\n' for i, h in enumerate(headers))
        self.assertEqual(splats(text), headers)

    def test_not_splats(self):
        text = '\n'.join([
            '[0.0] Command line: console=ttyS0 oops=panic panic_on_warn=1',
            '[0.0] Kernel command line: console=ttyS0 oops=panic',
            '[0.1] RETBleed: WARNING: Spectre v2 mitigation leaves CPU '
            'vulnerable to RETBleed attacks, data leaks possible!',
            '[0.2] ODEBUG: selftest passed',
            '[0.3] kmemleak: Kernel memory leak detector initialized '
            '(mem pool available: 15820)',
            '[0.4] kasan: KernelAddressSanitizer initialized',
            '[0.5] page dumped because: kasan: bad access detected',
            '[0.6]  report_bug+0x17e/0x1b0',
            '[0.7]     # example: BUG: not a splat in a KUnit diagnostic',
            '[0.8]     # lockdep_test: possible recursive locking is expected',
            'BUG: user space printed this, not the kernel',
            '    # nsfs_ioctl_test.c:12:x:WARNING: a test message',
        ])
        self.assertEqual(splats(text), [])

    def test_kmemleak_in_user_space(self):
        text = ('nsid-guest: kmemleak scan\n'
                'unreferenced object 0xffff888003a1b2c0 (size 64):\n'
                '  comm "t", pid 71, jiffies 4294668112\n'
                'unreferenced object 0xffff888003a1b580 (size 64):\n'
                '  comm "t", pid 72, jiffies 4294668113\n'
                'unreferenced object 0xffff888003a1b600 (size 128):\n')
        self.assertEqual(splats(text), [
            'unreferenced object 0xffff888003a1b2c0 (size 64):',
            'unreferenced object 0xffff888003a1b600 (size 128):'])


class ReportTest(unittest.TestCase):
    DONE = 'nsid-guest: done\n'

    def test_only_skips_is_not_a_pass(self):
        rep = report.analyze('KTAP version 1\n1..1\nok 1 a # SKIP no\n' + self.DONE)
        self.assertEqual(rep.summary, '0 passed, 0 failed, 1 skipped')
        self.assertEqual(rep.errors, ['no tests ran'])
        self.assertEqual(rep.exit_status, 1)

    def test_empty_log(self):
        rep = report.analyze('', 'x.log', True, True)
        self.assertEqual(rep.lines(), [
            'console log: x.log', f'ERROR {report.NOT_DONE_ERROR}',
            'ERROR no KUnit results', 'ERROR no kselftest results',
            'ERROR no tests ran', '0 passed, 0 failed, 0 skipped'])
        self.assertEqual(rep.exit_status, 1)

    def test_streams_are_kept_apart(self):
        text = ('[0.1] KTAP version 1\n'
                '[0.1] 1..1\n'
                'KTAP version 1\n'
                '1..1\n'
                '[0.2] ok 1 kernel_test\n'
                'ok 1 user_test\n' + self.DONE)
        rep = report.analyze(text, 'x.log', True, True)
        self.assertEqual(rep.lines()[1:], [
            'PASS  kunit: kernel_test', 'PASS  kselftest: user_test',
            '2 passed, 0 failed, 0 skipped'])
        self.assertEqual(rep.exit_status, 0)


if __name__ == '__main__':
    unittest.main(verbosity=2)
