"""The known-failures files of scripts/conformance: reads one, judges a run against it, rewrites it.

One file per suite, tests/conformance/<suite>.known (test_buffer.known, test_memoryview.known),
listing every test that fails with newbuffer.memoryview, why, and how it fails:

    # comments: the header block is kept when the file is rewritten, other comments are not
    cpython: 3.13.0                    the CPython whose test file the list was recorded from
    seed: 3118                         the random seed it was recorded with
    passed: 53                         tests that passed then: a run passing fewer fails

    Class.test_name: cause (details)
        ExceptionType: message pattern

The pattern is a Python regular expression matched at the start of the failure's message (so a
plain prefix works when it has no regex characters); the message is the exception's text on one
line, whitespace runs collapsed. ExceptionType is the class name, qualified by its module outside
builtins (`struct.error`). A listed test that fails with another exception or message is NEW; one
that passes is FIXED; both fail the run until the list is updated (`--update-known` rewrites the
file from a run: causes kept, 'TODO' for new entries, patterns kept while they still match).
"""
import collections
import re

DIRECTIVES = ('cpython', 'seed', 'passed')
PATTERN_LENGTH = 160      # characters of a message a generated pattern keeps
_ADDRESS = re.compile(r'0x[0-9A-Fa-f]+')
_SPECIAL = set('.^$*+?{}[]\\|()')

Entry = collections.namedtuple('Entry', 'test cause exception pattern')


class KnownFileError(Exception):
    """The file does not follow the format above; the message names the line."""


def pattern_for(message):
    """A pattern matching `message` as a prefix: regex characters escaped, addresses generalized."""
    message = message[:PATTERN_LENGTH]
    parts = _ADDRESS.split(message)
    escaped = [''.join('\\' + c if c in _SPECIAL else c for c in part) for part in parts]
    return r'0x[0-9A-Fa-f]+'.join(escaped)


class KnownFile(object):
    """A parsed known-failures file; a missing file reads as an empty list with no directives."""

    def __init__(self, path):
        self.path = path
        self.header = []
        self.directives = {}
        self.entries = collections.OrderedDict()
        try:
            with open(path, encoding='utf-8') as f:
                lines = f.read().splitlines()
        except (IOError, OSError):
            return
        in_header = True
        last = None
        for number, line in enumerate(lines, 1):
            if in_header and line.startswith('#'):
                self.header.append(line)
                continue
            in_header = False
            text = line.strip()
            if not text or text.startswith('#'):
                continue
            where = '%s:%d: ' % (path, number)
            if line[0].isspace():
                if last is None or last.exception is not None:
                    raise KnownFileError(where + 'an expected exception belongs under one entry')
                exception, _, pattern = text.partition(':')
                try:
                    re.compile(pattern.strip())
                except re.error as e:
                    raise KnownFileError(where + 'bad pattern: %s' % e)
                last = last._replace(exception=exception.strip(), pattern=pattern.strip())
                self.entries[last.test] = last
                continue
            key, sep, value = text.partition(':')
            key, value = key.strip(), value.strip()
            if not sep:
                raise KnownFileError(where + "expected 'Class.test: cause' or 'directive: value'")
            if key in DIRECTIVES:
                self.directives[key] = value
                continue
            if '.' not in key:
                raise KnownFileError(where + "unknown directive '%s'" % key)
            if last is not None and last.exception is None:
                raise KnownFileError(where + "'%s' names no expected exception" % last.test)
            if key in self.entries:
                raise KnownFileError(where + "'%s' is listed twice" % key)
            last = Entry(key, value or 'TODO', None, None)
            self.entries[key] = last
        if last is not None and last.exception is None:
            raise KnownFileError("%s: '%s' names no expected exception" % (path, last.test))

    @staticmethod
    def expects(entry, exception, message):
        return entry.exception == exception and re.match(entry.pattern, message) is not None

    def judge(self, outcomes):
        """Verdicts for a run: (verdict, test, outcome, entry) in run order, then unrun entries.

        outcomes maps 'Class.test' to (kind, exception, message, where) in run order, kind one of
        PASS FAIL SKIP. Verdicts: KNOWN (fails as listed), NEW (fails, unlisted or otherwise than
        listed), FIXED (listed, passes), UNRUN (listed, skipped or absent from the run).
        """
        verdicts = []
        for test, outcome in outcomes.items():
            entry = self.entries.get(test)
            if outcome[0] == 'FAIL':
                known = entry is not None and self.expects(entry, outcome[1], outcome[2])
                verdicts.append(('KNOWN' if known else 'NEW', test, outcome, entry))
            elif entry is not None:
                verdicts.append(('FIXED' if outcome[0] == 'PASS' else 'UNRUN', test, outcome, entry))
        for test, entry in self.entries.items():
            if test not in outcomes:
                verdicts.append(('UNRUN', test, None, entry))
        return verdicts

    def rewrite(self, outcomes, cpython, seed, passed):
        """Rewrites the file to list exactly the failures in outcomes; returns (added, removed, changed)."""
        lines = list(self.header) or ['# Known failures: see tests/conformance/known.py for the format.']
        lines += ['cpython: %s' % cpython, 'seed: %s' % seed, 'passed: %d' % passed]
        added, changed, listed = [], [], set()
        for test, (kind, exception, message, _) in outcomes.items():
            if kind != 'FAIL':
                continue
            listed.add(test)
            entry = self.entries.get(test)
            if entry is None:
                added.append(test)
                cause, pattern = 'TODO', pattern_for(message)
            elif self.expects(entry, exception, message):
                cause, pattern = entry.cause, entry.pattern
            else:
                changed.append(test)
                cause, pattern = entry.cause, pattern_for(message)
            lines += ['', '%s: %s' % (test, cause), '    %s: %s' % (exception, pattern)]
        removed = [test for test in self.entries if test not in listed]
        with open(self.path, 'w', encoding='utf-8', newline='\n') as f:
            f.write('\n'.join(lines) + '\n')
        return added, removed, changed
