#!/usr/bin/env python3
"""Turn the guest's serial console log into a test report.

Usage: report.py [--expect-kunit] [--expect-kselftest] CONSOLE_LOG

The console log interleaves two streams, told apart line by line:

* kernel messages, each starting with a printk timestamp "[    1.234567] ".
  KUnit prints its KTAP document here while the kernel boots;
* user-space lines (no timestamp) printed by the guest's init: one KTAP
  document for the kselftests (each program's own TAP output indented by
  four spaces under a "# Subtest:" line, followed by a result line for the
  program), "nsid-guest: ..." lines ending with "nsid-guest: done", and
  kmemleak reports copied from debugfs.  The host may append
  "nsid-host: timeout ..." when it had to kill the guest.

The work is split like kunit_tool's: split_console() separates the streams,
classify_line() types one line, KtapParser builds a tree of TestResult from
the typed lines by structure (indentation, version lines, plans, result
lines), find_splats() scans the kernel messages for oopses and friends, and
Report turns all of it into the printed lines:

    console log: PATH
    PASS  kunit: <suite>.<case>[.<param>]
    FAIL  kselftest: <program>.<test> (<reason>)
    SKIP  kselftest: <program>.<test> (<reason>)
    MISS  kselftest: <program>: N of M planned tests missing
    SPLAT <kernel message>
    ERROR <problem>
    N passed, N failed, N skipped

Exit status: 0 when nothing failed, nothing is missing, there is no splat and
no ERROR and at least one test passed; 1 otherwise; 2 on usage errors.
"""

import argparse
import re
import sys
from dataclasses import dataclass, field
from typing import Optional

PASS = 'PASS'
FAIL = 'FAIL'
SKIP = 'SKIP'
MISS = 'MISS'

KUNIT = 'kunit'
KSELFTEST = 'kselftest'

DONE_MARKER = 'nsid-guest: done'
NOT_DONE_ERROR = ('guest did not finish (no "nsid-guest: done"; '
                  'it hung, panicked or died)')

# ---------------------------------------------------------------------------
# The two console streams

# printk time stamp, optionally followed by the CONFIG_PRINTK_CALLER field.
TIMESTAMP_RE = re.compile(r'^\[\s*\d+\.\d+\](?:\[\s*[CT]\d+\])? ?')
# The same, exactly as printk writes it, inside a line.
EMBEDDED_TIMESTAMP_RE = re.compile(r'(?<=.)\[\s*\d+\.\d{6}\](?:\[\s*[CT]\d+\])? ')
ANSI_ESCAPE_RE = re.compile(r'\x1b(?:\[[0-9;?=]*[ -/]*[@-~]|[@-Z\\-_])')
HOST_TIMEOUT_RE = re.compile(r'^nsid-host: timeout\b')


@dataclass
class ConsoleLine:
    """One line of one stream: kernel lines have their time stamp removed."""
    lineno: int
    text: str


def split_console(text: str) -> tuple[list[ConsoleLine], list[ConsoleLine]]:
    """Split a console capture into (kernel messages, user-space lines).

    The kernel can print a message while a user-space line is only half
    out on the serial port: "    ok 5 ns.fo[    2.100000] msg" then "o".
    The two halves of such a user-space line are joined again.
    """
    kernel, user = [], []
    cut: Optional[ConsoleLine] = None   # first half of an interrupted line
    for lineno, raw in enumerate(text.split('\n'), 1):
        line = ANSI_ESCAPE_RE.sub('', raw.replace('\x00', '')).rstrip()
        stamp = TIMESTAMP_RE.match(line)
        if not stamp and (inner := EMBEDDED_TIMESTAMP_RE.search(line)):
            head = line[:inner.start()]
            cut = (ConsoleLine(cut.lineno, cut.text + head) if cut
                   else ConsoleLine(lineno, head))
            line = line[inner.start():]
            stamp = TIMESTAMP_RE.match(line)
        if stamp:
            kernel.append(ConsoleLine(lineno, line[stamp.end():]))
        elif cut:
            user.append(ConsoleLine(cut.lineno, cut.text + line))
            cut = None
        else:
            user.append(ConsoleLine(lineno, line))
    if cut:
        user.append(cut)
    return kernel, user


# ---------------------------------------------------------------------------
# Line classifier

VERSION = 'version'
PLAN = 'plan'
RESULT = 'result'
SUBTEST = 'subtest'
OTHER = 'other'        # diagnostics and unknown lines: no structure

VERSION_RE = re.compile(r'^(?:KTAP version 1|TAP version 1[34])$')
PLAN_RE = re.compile(r'^1\.\.(\d+)(?:\s*#\s*(.*))?$')
RESULT_RE = re.compile(
    r'^(ok|not ok)\s+(\d+)(?=\s|$)(?:\s+-(?=\s|$))?\s*([^#]*?)\s*(?:#\s*(.*))?$')
SUBTEST_RE = re.compile(r'^#\s*Subtest:\s*(.*?)\s*$')
DIRECTIVE_RE = re.compile(r'^(SKIP|TODO|XFAIL|XPASS|TIMEOUT|ERROR)\b[\s:]*(.*)$',
                          re.IGNORECASE)


@dataclass
class KtapLine:
    """A line typed by classify_line().  `indent` counts columns."""
    lineno: int
    indent: int
    kind: str
    text: str
    ok: bool = False
    number: int = 0
    description: str = ''
    directive: str = ''     # text after '#' on a result or plan line
    count: int = 0          # the N of a plan "1..N"


def classify_line(text: str, lineno: int = 0) -> KtapLine:
    """Type one (timestamp-free) line as KTAP syntax or OTHER."""
    body = text.lstrip(' \t')
    indent = len(text[:len(text) - len(body)].expandtabs(8))
    body = body.rstrip()
    line = KtapLine(lineno, indent, OTHER, body)
    if VERSION_RE.match(body):
        line.kind = VERSION
    elif m := PLAN_RE.match(body):
        line.kind = PLAN
        line.count = int(m.group(1))
        line.directive = (m.group(2) or '').strip()
    elif m := RESULT_RE.match(body):
        line.kind = RESULT
        line.ok = m.group(1) == 'ok'
        line.number = int(m.group(2))
        line.description = m.group(3)
        line.directive = (m.group(4) or '').strip()
    elif m := SUBTEST_RE.match(body):
        line.kind = SUBTEST
        line.description = m.group(1)
    return line


def result_verdict(ok: bool, directive: str) -> tuple[str, str]:
    """(status, reason) of a result line from its ok/not ok and directive."""
    m = DIRECTIVE_RE.match(directive)
    if m:
        word, rest = m.group(1).upper(), m.group(2).strip()
        if word == SKIP:
            return SKIP, rest
        if word == 'TODO':
            return SKIP, ('TODO ' + rest).strip()
        if word in ('XPASS', 'TIMEOUT', 'ERROR'):
            return FAIL, (word + ' ' + rest).strip()
        # XFAIL: the expected failure happened.
    return (PASS if ok else FAIL), directive


# ---------------------------------------------------------------------------
# KTAP parser

@dataclass
class TestResult:
    """A node of the result tree.  A document's root has no result line."""
    name: str = ''
    number: int = 0
    status: Optional[str] = None    # PASS/FAIL/SKIP, None: no result line
    reason: str = ''
    plan: Optional[int] = None
    plan_directive: str = ''
    subtest_name: str = ''
    children: list['TestResult'] = field(default_factory=list)
    lineno: int = 0

    @property
    def display_name(self) -> str:
        return self.name or self.subtest_name or f'#{self.number}'

    @property
    def missing(self) -> int:
        """How many planned subtests never reported."""
        if self.plan is None:
            return 0
        return max(0, self.plan - len(self.children))

    def add_child(self, child: 'TestResult') -> None:
        if not child.number:
            child.number = len(self.children) + 1
        self.children.append(child)

    def set_result(self, line: KtapLine, pending_name: str) -> None:
        self.number = line.number
        self.name = line.description or self.subtest_name or pending_name
        self.status, self.reason = result_verdict(line.ok, line.directive)
        self.lineno = line.lineno


class KtapParser:
    """Recursive-descent parser over the KTAP lines of one stream.

    A document is the run of KTAP lines at one indentation: an optional
    version line, an optional "# Subtest:" name, an optional plan, and result
    lines.  A KTAP line indented deeper opens a nested document: the subtest
    of the next result line at this level.  A KTAP line indented less, or a
    second version line, ends the document.  Unknown and diagnostic lines
    carry no structure and are dropped before parsing, so unrelated messages
    can appear anywhere.
    """

    def __init__(self, lines: list[KtapLine]):
        self._lines = [line for line in lines if line.kind != OTHER]
        self._pos = 0

    @classmethod
    def from_text(cls, text: str) -> 'KtapParser':
        return cls([classify_line(t, n)
                    for n, t in enumerate(text.split('\n'), 1)])

    def parse(self) -> list[TestResult]:
        """Every document found, each starting at a version line."""
        documents = []
        while self._pos < len(self._lines):
            line = self._lines[self._pos]
            if line.kind != VERSION:
                self._pos += 1      # KTAP-like line outside any document
                continue
            doc = self._parse_document(line.indent, root=line.indent == 0)
            end = self._peek()
            if (line.indent > 0 and end is not None and end.kind == RESULT
                    and end.indent < line.indent):
                # A nested document printed without its parent's header
                # (e.g. a KUnit suite in a module): its result line follows.
                parent = TestResult(lineno=doc.lineno)
                doc.set_result(end, '')
                parent.add_child(doc)
                self._pos += 1
                doc = parent
            documents.append(doc)
        return documents

    def _peek(self) -> Optional[KtapLine]:
        if self._pos < len(self._lines):
            return self._lines[self._pos]
        return None

    def _parse_document(self, indent: int, root: bool) -> TestResult:
        doc = TestResult(lineno=self._lines[self._pos].lineno)
        has_version = False
        has_content = False             # a plan or a result at this level
        pending_name = ''               # "# Subtest:" naming the next child
        child: Optional[TestResult] = None  # nested document awaiting result
        while (line := self._peek()) is not None:
            if line.indent < indent:
                break
            if line.indent > indent:
                if child is not None:   # previous subtest never got a result
                    doc.add_child(child)
                child = self._parse_document(line.indent, root=False)
                if pending_name and not child.subtest_name:
                    child.subtest_name = pending_name
                pending_name = ''
                continue
            if line.kind == VERSION:
                if has_version or has_content or child is not None:
                    break               # the next document starts here
                has_version = True
            elif line.kind == SUBTEST:
                if child is not None:
                    doc.add_child(child)
                    child = None
                if (not root and not has_content and not doc.subtest_name
                        and not doc.children):
                    doc.subtest_name = line.description
                else:
                    pending_name = line.description
            elif line.kind == PLAN:
                if doc.plan is None:
                    doc.plan = line.count
                    doc.plan_directive = line.directive
                has_content = True
            elif line.kind == RESULT:
                test = child if child is not None else TestResult()
                child = None
                test.set_result(line, pending_name)
                pending_name = ''
                doc.add_child(test)
                has_content = True
            self._pos += 1
        if child is not None:
            doc.add_child(child)
        return doc


def parse_ktap(lines: list[ConsoleLine]) -> list[TestResult]:
    """Parse the KTAP documents found in one stream."""
    return KtapParser([classify_line(l.text, l.lineno) for l in lines]).parse()


# ---------------------------------------------------------------------------
# Kernel splats

SPLAT_RES = [re.compile(p) for p in (
    r'^BUG:',
    r'^WARNING:',
    r'^KASAN:',
    r'^UBSAN:',
    r'^KFENCE:',
    r'^kernel BUG at ',
    r'\bOops\b',
    r'^Kernel panic\b',
    r'general protection fault',
    r'possible circular locking dependency',
    r'possible recursive locking',
    r'inconsistent lock state',
    r'suspicious RCU usage',
    r'^refcount_t:',
    r'^ODEBUG: (?!selftest passed)',
    r'^list_(?:add|del) corruption',
    r'^INFO: task .* blocked for more than',
    r'Unable to handle kernel',
)]
KMEMLEAK_RES = [re.compile(p) for p in (
    r'^unreferenced object 0x',
    r'^kmemleak: \d+ new suspected memory leaks?',
)]
# Lines that separate one report from the next.
REPORT_BOUNDARY_RE = re.compile(
    r'^(?:-+\[ (?:cut here|end trace|end Kernel panic)|={20,}$)')
# Lines never taken as a header: stack frames, KTAP diagnostics (KUnit
# tests talk about what they check) and the echoed command line.
NOT_A_HEADER_RE = re.compile(r'^(?:\? )?[\w.$]+\+0x[0-9a-f]+/0x[0-9a-f]+'
                             r'|^# |^(?:Kernel )?[Cc]ommand line:')
# Matches within this many kernel lines after a header belong to the same
# report (the "Oops:" after "BUG: kernel NULL pointer dereference", the
# "WARNING: CPU:" after "refcount_t: underflow", "KASAN: null-ptr-deref"
# after "general protection fault", ...).
SPLAT_WINDOW = 10


def splat_key(message: str) -> str:
    """What makes two splat headers the same splat: not addresses, CPU, PID."""
    key = re.sub(r'0x[0-9a-fA-F]+|\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b', 'X', message)
    key = re.sub(r'\b(CPU|PID|UID): \d+', r'\1: N', key)
    return re.sub(r'more than \d+ seconds', 'more than N seconds', key)


def find_splats(kernel: list[ConsoleLine],
                user: list[ConsoleLine]) -> list[ConsoleLine]:
    """The header line of each distinct splat, in console order."""
    found = []
    header_at = None
    for i, line in enumerate(kernel):
        message = line.text.strip()
        if REPORT_BOUNDARY_RE.match(message):
            header_at = None
            continue
        if NOT_A_HEADER_RE.match(message):
            continue
        if any(r.search(message) for r in KMEMLEAK_RES):
            found.append(ConsoleLine(line.lineno, message))
        elif any(r.search(message) for r in SPLAT_RES):
            if header_at is None or i - header_at > SPLAT_WINDOW:
                found.append(ConsoleLine(line.lineno, message))
            header_at = i
    for line in user:               # init copies kmemleak reports
        message = line.text.strip()
        if any(r.search(message) for r in KMEMLEAK_RES):
            found.append(ConsoleLine(line.lineno, message))
    found.sort(key=lambda l: l.lineno)
    distinct, seen = [], set()
    for line in found:
        key = splat_key(line.text)
        if key not in seen:
            seen.add(key)
            distinct.append(line)
    return distinct


# ---------------------------------------------------------------------------
# Report

@dataclass
class Verdict:
    """One printed test line."""
    status: str             # PASS, FAIL, SKIP or MISS
    stream: str
    name: str
    reason: str = ''
    missing: int = 0
    planned: int = 0

    def __str__(self) -> str:
        if self.status == MISS:
            return (f'{MISS}  {self.stream}: {self.name}: {self.missing} of '
                    f'{self.planned} planned tests missing')
        text = f'{self.status}  {self.stream}: {self.name}'
        if self.reason and self.status != PASS:
            text += f' ({self.reason})'
        return text


def _own_failure(test: TestResult) -> Optional[str]:
    """Why a test failed at its own level (maybe ''), None if it did not."""
    if test.status is None:
        return 'no result'
    if test.status == FAIL:
        return test.reason
    if test.missing:
        return 'incomplete'
    return None


def _walk(test: TestResult, stream: str, prefix: str,
          out: list[Verdict]) -> bool:
    """Append the verdicts for `test`; return True if anything failed."""
    name = f'{prefix}.{test.display_name}' if prefix else test.display_name
    if not test.children and (not test.missing or test.status == SKIP):
        status, reason = test.status or FAIL, test.reason
        if test.status is None:
            reason = 'no result'
        elif test.plan == 0 and test.plan_directive:
            # "1..0 # SKIP why": the program skipped itself as a whole.
            plan_status, plan_reason = result_verdict(True, test.plan_directive)
            if status == PASS:
                status, reason = plan_status, plan_reason
            elif status == SKIP and not reason:
                reason = plan_reason
        out.append(Verdict(status, stream, name, reason))
        return status == FAIL
    leaf_failed = False
    for child in test.children:
        leaf_failed |= _walk(child, stream, name, out)
    if test.missing:
        out.append(Verdict(MISS, stream, name, missing=test.missing,
                           planned=test.plan or 0))
    failure = _own_failure(test)
    if failure is not None and not leaf_failed:
        out.append(Verdict(FAIL, stream, name, failure))
    return leaf_failed or failure is not None


def document_verdicts(doc: TestResult, stream: str) -> list[Verdict]:
    """Verdicts for the tests of one KTAP document (its root is no test)."""
    out: list[Verdict] = []
    for child in doc.children:
        _walk(child, stream, '', out)
    if doc.missing:
        out.append(Verdict(MISS, stream, '(top level)', missing=doc.missing,
                           planned=doc.plan or 0))
    return out


@dataclass
class Report:
    log_path: str = ''
    verdicts: list[Verdict] = field(default_factory=list)
    splats: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    kunit_documents: list[TestResult] = field(default_factory=list)
    kselftest_documents: list[TestResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for v in self.verdicts if v.status == status)

    @property
    def passed(self) -> int:
        return self.count(PASS)

    @property
    def failed(self) -> int:
        return self.count(FAIL) + sum(v.missing for v in self.verdicts)

    @property
    def skipped(self) -> int:
        return self.count(SKIP)

    @property
    def summary(self) -> str:
        return f'{self.passed} passed, {self.failed} failed, {self.skipped} skipped'

    @property
    def exit_status(self) -> int:
        ok = (self.failed == 0 and not self.splats and not self.errors
              and self.passed > 0)
        return 0 if ok else 1

    def lines(self) -> list[str]:
        out = [f'console log: {self.log_path}']
        out += [str(v) for v in self.verdicts]
        out += [f'SPLAT {s}' for s in self.splats]
        out += [f'ERROR {e}' for e in self.errors]
        out.append(self.summary)
        return out


def analyze(text: str, log_path: str = '', expect_kunit: bool = False,
            expect_kselftest: bool = False) -> Report:
    """Build the report for the console log contents `text`."""
    kernel, user = split_console(text)
    report = Report(log_path)
    report.kunit_documents = parse_ktap(kernel)
    report.kselftest_documents = parse_ktap(user)
    documents = sorted([(d.lineno, KUNIT, d) for d in report.kunit_documents] +
                       [(d.lineno, KSELFTEST, d)
                        for d in report.kselftest_documents],
                       key=lambda t: t[0])
    for _, stream, doc in documents:
        report.verdicts += document_verdicts(doc, stream)
    report.splats = [s.text for s in find_splats(kernel, user)]

    if not any(l.text == DONE_MARKER for l in user):
        report.errors.append(NOT_DONE_ERROR)
    report.errors += [l.text for l in user if HOST_TIMEOUT_RE.match(l.text)]
    if expect_kunit and not report.kunit_documents:
        report.errors.append('no KUnit results')
    if expect_kselftest and not report.kselftest_documents:
        report.errors.append('no kselftest results')
    if report.passed == 0 and report.failed == 0:
        report.errors.append('no tests ran')
    return report


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog='report.py',
        description='Report the KUnit and kselftest results and kernel '
                    'splats found in a guest console log.')
    parser.add_argument('--expect-kunit', action='store_true',
                        help='fail when the log holds no KUnit results')
    parser.add_argument('--expect-kselftest', action='store_true',
                        help='fail when the log holds no kselftest results')
    parser.add_argument('--splats-only', action='store_true',
                        help='print only the SPLAT lines; exit 1 if any '
                             '(make run)')
    parser.add_argument('console_log', metavar='CONSOLE_LOG')
    args = parser.parse_args(argv)
    try:
        with open(args.console_log, 'rb') as f:
            text = f.read().decode('utf-8', errors='replace')
    except OSError as e:
        print(f'report.py: {args.console_log}: {e.strerror}', file=sys.stderr)
        return 2
    report = analyze(text, args.console_log, args.expect_kunit,
                     args.expect_kselftest)
    if args.splats_only:
        for splat in report.splats:
            print(f'SPLAT {splat}')
        return 1 if report.splats else 0
    print('\n'.join(report.lines()))
    return report.exit_status


if __name__ == '__main__':
    sys.exit(main())
