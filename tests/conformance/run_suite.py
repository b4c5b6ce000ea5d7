"""Runs one of CPython's test files (test_buffer.py, test_memoryview.py, test_struct.py) under IronPython.

    run_suite.py TEST_FILE --seed N [--memoryview newbuffer|builtin] [--constant-refcount] [--install]
                 [--known FILE [--update-known]] [--resources LIST] [--per-test S] [--deadline S]

The file is loaded from the CPython installation as it is; this runner only arranges what it
imports: our `test.support` shims (tests/conformance/shims) on sys.path, our `_testbuffer`, and
newbuffer.memoryview as the builtin `memoryview` (--memoryview builtin leaves IronPython's own and
does not import newbuffer). --constant-refcount replaces sys.getrefcount, which IronPython lacks,
with a function returning a constant, so a refcount assertion neither fails nor stops the rest of
its test (scripts/conformance asks for it for test_memoryview.py only). --install calls
newbuffer.install() first, so the file's `import struct` gets newbuffer.struct (test_struct.py).

Repeatable runs: `random` is seeded with --seed before the file loads, and again before each test
with a seed derived from --seed and the test's id (so a test draws the same values whichever tests
ran before it). Two things IronPython would otherwise vary per process are fixed too: random.seed
repeats only for seeds below 2**31 (larger ones go through a per-process hash), and dicts iterate
in the order of string hashes, which .NET randomizes per process; test_buffer.py picks formats with
choice(tuple(fmtdict[mode])) and loops over them, so each top-level `NAME = {'key': ...}` in the
loaded file is made an OrderedDict in its display's order right after it runs (ordered_displays),
and then iterates in insertion order as CPython's dicts do.

Every result is printed as it happens, one line per test prefixed with '@@ ' so
scripts/conformance can parse it among whatever the tests print:

    @@ SEED n                          before the file loads
    @@ PLAN n                          before the first test
    @@ PASS|FAIL|SKIP test_id :: reason
    @@ CLASS name passed failed skipped
    @@ TOTAL passed failed skipped
and with --known (tests/conformance/known.py reads the file and describes its format):
    @@ KNOWN|NEW|FIXED|UNRUN Class.test :: reason :: cause or expectation
    @@ EXPECT passed n                 the file's threshold (absent when the file has none)
    @@ RECORDED cpython V seed n       what the file was recorded with
    @@ UPDATED file added n removed n changed n    after --update-known rewrote the file (then
    @@ ADDED|REMOVED|CHANGED Class.test            each change; the verdicts above are then
                                                   against the rewritten file)

Errors count as failures, skips never as passes. A watchdog bounds the run: a test running longer
than --per-test seconds, or the run passing --deadline, fails that test and every test not yet run
with the reason "time limit", prints the summary and exits (a hung test cannot be interrupted in
IronPython, so the process ends; the known file is then never rewritten). Exit status: 0 when the
suite ran (whatever the results), 4 when the file cannot be loaded (e.g. syntax this IronPython
does not know), 5 when the known file cannot be read, 3 after a time limit.
"""
import argparse
import ast
import builtins
import collections
import io
import os
import random
import sys
import threading
import time
import tokenize
import traceback
import types
import unittest

import known as known_failures

HERE = os.path.dirname(os.path.abspath(__file__))


def emit(line):
    sys.__stdout__.write('@@ ' + line + '\n')
    sys.__stdout__.flush()


def one_line(text, limit=300):
    text = ' '.join(str(text).split())
    return text if limit is None or len(text) <= limit else text[:limit - 3] + '...'


def exception_name(kind):
    module = getattr(kind, '__module__', 'builtins')
    return kind.__name__ if module in ('builtins', 'exceptions') else '%s.%s' % (module, kind.__name__)


def test_seed(seed, test_id):
    """The seed of one test: --seed mixed with an FNV-1a hash of its id, below 2**31."""
    h = 2166136261
    for byte in test_id.encode('utf-8'):
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return (seed ^ h) & 0x7FFFFFFF


ORDER_HELPER = '_conformance_in_display_order'


def in_display_order(mapping, keys):
    """`mapping` as an OrderedDict whose keys come in `keys`' order (a display's source order)."""
    ordered = collections.OrderedDict((key, mapping[key]) for key in keys if key in mapping)
    ordered.update(mapping)
    return ordered


def ordered_displays(source):
    """The source with each top-level `NAME = {'key': value, ...}` followed, on its last line, by
    `; NAME = _conformance_in_display_order(NAME, keys)`: the dict then iterates in the display's
    order, as in CPython, and every line keeps its number (so tracebacks name the true line).
    Displays whose keys are not all plain string literals are left alone.
    """
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t[0] not in (tokenize.NL, tokenize.COMMENT)]
    inserts = []
    depth, statement_start = 0, True
    for i, token in enumerate(tokens):
        kind, text = token[0], token[1]
        if (statement_start and depth == 0 and kind == tokenize.NAME and token[2][1] == 0
                and i + 2 < len(tokens) and tokens[i + 1][1] == '=' and tokens[i + 2][1] == '{'):
            keys, end = display_keys(tokens, i + 2)
            if keys and end + 1 < len(tokens) and tokens[end + 1][0] == tokenize.NEWLINE:
                inserts.append((tokens[end][3], '; %s = %s(%s, %r)' % (text, ORDER_HELPER, text, tuple(keys))))
        if kind == tokenize.OP and text in '([{':
            depth += 1
        elif kind == tokenize.OP and text in ')]}':
            depth -= 1
        statement_start = kind in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
    lines = source.splitlines(True)
    for (row, col), text in reversed(inserts):
        lines[row - 1] = lines[row - 1][:col] + text + lines[row - 1][col:]
    return ''.join(lines)


def display_keys(tokens, start):
    """The string keys of the dict display opening at tokens[start] and the index of its '}'; keys
    is None when one is anything but a single string literal."""
    keys, depth, expect_key = [], 0, True
    for i in range(start, len(tokens)):
        kind, text = tokens[i][0], tokens[i][1]
        if kind == tokenize.OP and text in '([{':
            depth += 1
            if depth == 1:
                continue
        elif kind == tokenize.OP and text in ')]}':
            depth -= 1
            if depth == 0:
                return keys, i
        if depth != 1:
            continue
        if expect_key:
            if kind != tokenize.STRING or tokens[i + 1][1] != ':':
                return None, i
            keys.append(ast.literal_eval(text))
            expect_key = False
        elif kind == tokenize.OP and text == ',':
            expect_key = True
    return None, len(tokens)


class Results(unittest.TestResult):
    """Records one outcome per test, per class, and prints each as it comes."""

    def __init__(self, test_file, module_name):
        super().__init__()
        self.test_file = os.path.abspath(test_file)
        self.prefix = module_name + '.'
        self.classes = collections.OrderedDict()
        self.outcomes = collections.OrderedDict()   # Class.test -> (kind, exception, message, where)
        self.current = None
        self.started = None

    def key(self, test):
        test_id = test.id()
        return test_id[len(self.prefix):] if test_id.startswith(self.prefix) else test_id

    def done(self, test):
        return self.key(test) in self.outcomes

    def _count(self, test, kind, exception='', message='', where=''):
        if self.done(test):
            return
        self.outcomes[self.key(test)] = (kind, exception, message, where)
        counts = self.classes.setdefault(type(test).__name__, [0, 0, 0])
        counts[('PASS', 'FAIL', 'SKIP').index(kind)] += 1
        reason = describe(exception, message, where)
        emit('%s %s%s' % (kind, test.id(), ' :: ' + reason if reason else ''))

    def _fail(self, test, err):
        kind, value, tb = err
        where = ''
        for filename, lineno, _, _ in traceback.extract_tb(tb):
            if os.path.abspath(filename) == self.test_file:
                where = '%s:%d' % (os.path.basename(filename), lineno)
        self._count(test, 'FAIL', exception_name(kind), one_line(value, None), where)

    def startTest(self, test):
        super().startTest(test)
        self.current, self.started = test, time.time()

    def stopTest(self, test):
        super().stopTest(test)
        if not self.done(test):
            self._count(test, 'PASS')
        self.current = None

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, err)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._count(test, 'SKIP', message=one_line(reason))

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._count(test, 'FAIL', 'UnexpectedSuccess', 'unexpected success')

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._fail(test, err)

    def summary(self):
        total = [0, 0, 0]
        for name, counts in self.classes.items():
            emit('CLASS %s %d %d %d' % (name, counts[0], counts[1], counts[2]))
            total = [a + b for a, b in zip(total, counts)]
        emit('TOTAL %d %d %d' % tuple(total))
        return total


def describe(exception, message, where):
    """One line: 'Type: message (file:line)', the message cut to 300 characters."""
    text = '%s: %s' % (exception, message) if exception else message
    return one_line(text) + (' (%s)' % where if where else '')


def judge(known, results):
    """Prints each verdict on the run against the known file (see the module docstring)."""
    if 'passed' in known.directives:
        emit('EXPECT passed %s' % known.directives['passed'])
    emit('RECORDED cpython %s seed %s' % (known.directives.get('cpython', '?'),
                                          known.directives.get('seed', '?')))
    for verdict, test, outcome, entry in known.judge(results.outcomes):
        reason = describe(*outcome[1:]) if outcome and outcome[0] == 'FAIL' else \
            (outcome[0].lower() if outcome else 'not in this run')
        if entry is None:
            note = 'not listed'
        elif verdict == 'NEW':
            note = 'listed (%s) as %s: %s' % (entry.cause, entry.exception, entry.pattern)
        else:
            note = entry.cause
        emit('%s %s :: %s :: %s' % (verdict, test, reason, note))


def watchdog(results, tests, per_test, deadline, lock, known):
    """Ends the run when a test or the whole run takes too long (threads cannot be interrupted)."""
    begin = time.time()
    while True:
        time.sleep(1)
        with lock:
            now, test = time.time(), results.current
            late = test is not None and now - results.started > per_test
            if not late and now - begin <= deadline:
                continue
            reason = 'time limit: %s' % ('%ds per test' % per_test if late else '%ds for the run' % deadline)
            for pending in tests:
                if not results.done(pending):
                    results._count(pending, 'FAIL', 'TimeLimit', reason + ('' if pending is test else ' (not run)'))
            results.summary()
            if known is not None:
                judge(known, results)
            os._exit(3)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('test_file')
    parser.add_argument('--seed', type=int, required=True, help='0 <= seed < 2**31')
    parser.add_argument('--memoryview', choices=('newbuffer', 'builtin'), default='newbuffer')
    parser.add_argument('--constant-refcount', action='store_true')
    parser.add_argument('--install', action='store_true', help='call newbuffer.install() before the file loads')
    parser.add_argument('--known', help='the known-failures file to judge the run against')
    parser.add_argument('--update-known', action='store_true', help='rewrite --known from this run')
    parser.add_argument('--cpython', default='unknown', help='the version recorded by --update-known')
    parser.add_argument('--resources', default='all',
                        help="'all' (a plain unittest run), 'none' (regrtest's default) or a comma list")
    parser.add_argument('--per-test', type=int, default=300)
    parser.add_argument('--deadline', type=int, default=1200)
    args = parser.parse_args()
    if not 0 <= args.seed < 2 ** 31:
        parser.error('--seed must be in [0, 2**31): IronPython repeats only those')

    known = None
    if args.known:
        try:
            known = known_failures.KnownFile(args.known)
        except known_failures.KnownFileError as e:
            emit('BADKNOWN %s' % one_line(e))
            return 5

    sys.path.insert(0, os.path.join(HERE, 'shims'))
    from test import support
    if args.resources != 'all':
        support.use_resources = [] if args.resources == 'none' else args.resources.split(',')
    if args.memoryview == 'newbuffer':
        import newbuffer
        builtins.memoryview = newbuffer.memoryview
    if args.install:
        # The CPython-faithful configuration: PEP 688's strict __buffer__ (builtins.memoryview is
        # chosen by --memoryview above; install() leaves it as it is).
        import newbuffer
        newbuffer.install(strict=True)
        os.environ['NEWBUFFER_INSTALL'] = '1'  # child interpreters (script_helper) start installed too
    if args.constant_refcount:
        sys.getrefcount = lambda obj: 2

    emit('SEED %d' % args.seed)
    random.seed(args.seed)
    name = os.path.splitext(os.path.basename(args.test_file))[0]
    module = types.ModuleType('test.' + name)
    module.__file__ = args.test_file
    setattr(module, ORDER_HELPER, in_display_order)
    sys.modules[module.__name__] = module
    try:
        with open(args.test_file, encoding='utf-8') as source:
            code = compile(ordered_displays(source.read()), args.test_file, 'exec')
        exec(code, module.__dict__)
    except Exception as e:
        emit('UNLOADABLE %s' % one_line('%s: %s' % (type(e).__name__, e)))
        return 4

    tests = list(flatten(unittest.defaultTestLoader.loadTestsFromModule(module)))
    results = Results(args.test_file, module.__name__)
    emit('PLAN %d' % len(tests))
    lock = threading.Lock()
    guard = threading.Thread(target=watchdog,
                             args=(results, tests, args.per_test, args.deadline, lock, known))
    guard.daemon = True
    guard.start()
    for test in tests:
        random.seed(test_seed(args.seed, test.id()))
        test(results)
    with lock:
        passed = results.summary()[0]
        if known is not None:
            if args.update_known:
                changes = known.rewrite(results.outcomes, args.cpython, args.seed, passed)
                emit('UPDATED %s added %d removed %d changed %d' % ((args.known,) + tuple(map(len, changes))))
                for verb, tests in zip(('ADDED', 'REMOVED', 'CHANGED'), changes):
                    for test in tests:
                        emit('%s %s' % (verb, test))
                known = known_failures.KnownFile(args.known)
            judge(known, results)
        sys.__stdout__.flush()
        os._exit(0)


def flatten(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from flatten(item)
        else:
            yield item


if __name__ == '__main__':
    sys.exit(main())
