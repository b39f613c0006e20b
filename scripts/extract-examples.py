#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Extract the complete C programs from a reStructuredText page.

    extract-examples.py PAGE.rst OUTDIR         write OUTDIR/NAME.c
    extract-examples.py --list PAGE.rst         print the names only
    extract-examples.py --check PAGE.rst DIR    compare with DIR/NAME.c

A program is a ``.. code-block:: c`` whose text contains ``int main(``. Its
name comes from the comment line ``.. Example: NAME`` before the block (only
blank lines may come between them); a program without one is named
``example-N`` (N counts from 1 in page order). Blocks without ``main()`` are
fragments and are skipped. The text is written as it stands in the page,
minus the block's indentation, so it is byte for byte the program the page
shows.

Exit status: 0 on success, 1 if --check finds a difference or a missing
file, 2 on a usage or page error (no programs, duplicate names, a marker
with no program after it).
"""
import os
import re
import sys

MARKER = re.compile(r'^\.\. Example:\s*([A-Za-z0-9_.-]+)\s*$')
DIRECTIVE = re.compile(r'^\.\. (?:code-block|code|sourcecode)::\s*c\s*$')


def indent_of(line):
    return line[:len(line) - len(line.lstrip(' \t'))]


def block_text(lines, i):
    """The body of the directive at lines[i], and the index after it."""
    j = i + 1
    # Directive options (":linenos:" and the like) come first.
    while j < len(lines) and re.match(r'^[ \t]+:[\w-]+:', lines[j]):
        j += 1
    body = []
    while j < len(lines):
        line = lines[j]
        if line.strip() and line[0] not in ' \t':
            break
        body.append(line)
        j += 1
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    if not body:
        return '', j
    # The indentation of the block is that of its first line; every
    # non-blank line must start with it.
    prefix = indent_of(body[0])
    out = []
    for line in body:
        if not line.strip():
            out.append('')
        elif line.startswith(prefix):
            out.append(line[len(prefix):].rstrip('\n'))
        else:
            sys.exit('%d: line less indented than its code block' % (j + 1))
    return '\n'.join(out) + '\n', j


def programs(path):
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    found = []
    names = set()
    pending = None      # (name, line number) of the last marker
    unnamed = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        m = MARKER.match(line)
        if m:
            if pending:
                sys.exit('%s:%d: marker "%s" has no program after it'
                         % (path, pending[1], pending[0]))
            pending = (m.group(1), i + 1)
            i += 1
            continue
        if DIRECTIVE.match(line):
            text, nxt = block_text(lines, i)
            if 'int main(' in text:
                if pending:
                    name = pending[0]
                else:
                    unnamed += 1
                    name = 'example-%d' % unnamed
                if name in names:
                    sys.exit('%s:%d: two programs named "%s"'
                             % (path, i + 1, name))
                names.add(name)
                found.append((name, text))
            elif pending:
                sys.exit('%s:%d: marker "%s" is followed by a fragment'
                         % (path, pending[1], pending[0]))
            pending = None
            i = nxt
            continue
        if pending and line.strip():
            sys.exit('%s:%d: marker "%s" is not followed by a code block'
                     % (path, pending[1], pending[0]))
        i += 1
    if pending:
        sys.exit('%s:%d: marker "%s" has no program after it'
                 % (path, pending[1], pending[0]))
    return found


def main(argv):
    mode = 'write'
    if argv and argv[0] in ('--list', '--check'):
        mode = argv.pop(0)[2:]
    if (mode == 'list' and len(argv) != 1) or \
       (mode != 'list' and len(argv) != 2):
        sys.stderr.write(__doc__)
        return 2
    found = programs(argv[0])
    if not found:
        sys.stderr.write('%s: no programs found\n' % argv[0])
        return 2
    if mode == 'list':
        for name, _ in found:
            print(name)
        return 0
    outdir = argv[1]
    status = 0
    if mode == 'write':
        os.makedirs(outdir, exist_ok=True)
    for name, text in found:
        path = os.path.join(outdir, name + '.c')
        if mode == 'write':
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
            print(path)
            continue
        try:
            with open(path, encoding='utf-8') as f:
                same = f.read() == text
        except FileNotFoundError:
            print('missing: %s' % path)
            status = 1
            continue
        print('%s: %s' % ('same' if same else 'DIFFERS', path))
        if not same:
            status = 1
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
