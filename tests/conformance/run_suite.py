"""Runs one of CPython's test files (test_buffer.py) under IronPython with newbuffer standing in.

    run_suite.py TEST_FILE [--resources LIST] [--per-test SECONDS] [--deadline SECONDS]

The file is loaded from the CPython installation as it is; this runner only arranges what it
imports: our `test.support` shims (tests/conformance/shims) on sys.path, our `_testbuffer`, and
newbuffer.memoryview as the builtin `memoryview`. Every result is printed as it happens, one line
per test prefixed with '@@ ' so scripts/conformance can parse it among whatever the tests print:

    @@ PLAN n                          before the first test
    @@ PASS|FAIL|SKIP test_id :: reason
    @@ CLASS name passed failed skipped
    @@ TOTAL passed failed skipped

Errors count as failures, skips never as passes. A watchdog bounds the run: a test running longer
than --per-test seconds, or the run passing --deadline, fails that test and every test not yet run
with the reason "time limit", prints the summary and exits (a hung test cannot be interrupted in
IronPython, so the process ends). Exit status: 0 when the suite ran (whatever the results), 4 when
the file cannot be loaded (e.g. syntax this IronPython does not know), 3 after a time limit.
"""
import argparse
import builtins
import collections
import os
import sys
import threading
import time
import traceback
import types
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def emit(line):
    sys.__stdout__.write('@@ ' + line + '\n')
    sys.__stdout__.flush()


def one_line(text, limit=300):
    text = ' '.join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + '...'


class Results(unittest.TestResult):
    """Records one outcome per test, per class, and prints each as it comes."""

    def __init__(self, test_file):
        super().__init__()
        self.test_file = os.path.abspath(test_file)
        self.classes = collections.OrderedDict()
        self.done = set()
        self.current = None
        self.started = None

    def _count(self, test, kind, reason=''):
        if test.id() in self.done:
            return
        self.done.add(test.id())
        counts = self.classes.setdefault(type(test).__name__, [0, 0, 0])
        counts[('PASS', 'FAIL', 'SKIP').index(kind)] += 1
        emit('%s %s%s' % (kind, test.id(), ' :: ' + reason if reason else ''))

    def _reason(self, err):
        kind, value, tb = err
        where = ''
        for filename, lineno, _, _ in traceback.extract_tb(tb):
            if os.path.abspath(filename) == self.test_file:
                where = ' (%s:%d)' % (os.path.basename(filename), lineno)
        return one_line('%s: %s%s' % (kind.__name__, value, where))

    def startTest(self, test):
        super().startTest(test)
        self.current, self.started = test, time.time()

    def stopTest(self, test):
        super().stopTest(test)
        if test.id() not in self.done:
            self._count(test, 'PASS')
        self.current = None

    def addError(self, test, err):
        super().addError(test, err)
        self._count(test, 'FAIL', self._reason(err))

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._count(test, 'FAIL', self._reason(err))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._count(test, 'SKIP', one_line(reason))

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._count(test, 'FAIL', 'unexpected success')

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._count(test, 'FAIL', self._reason(err))

    def summary(self):
        total = [0, 0, 0]
        for name, counts in self.classes.items():
            emit('CLASS %s %d %d %d' % (name, counts[0], counts[1], counts[2]))
            total = [a + b for a, b in zip(total, counts)]
        emit('TOTAL %d %d %d' % tuple(total))


def flatten(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from flatten(item)
        else:
            yield item


def watchdog(results, tests, per_test, deadline, lock):
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
                if pending.id() not in results.done:
                    results._count(pending, 'FAIL', reason + ('' if pending is test else ' (not run)'))
            results.summary()
            os._exit(3)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('test_file')
    parser.add_argument('--resources', default='all',
                        help="'all' (a plain unittest run), 'none' (regrtest's default) or a comma list")
    parser.add_argument('--per-test', type=int, default=300)
    parser.add_argument('--deadline', type=int, default=1200)
    args = parser.parse_args()

    sys.path.insert(0, os.path.join(HERE, 'shims'))
    import newbuffer
    from test import support
    if args.resources != 'all':
        support.use_resources = [] if args.resources == 'none' else args.resources.split(',')
    builtins.memoryview = newbuffer.memoryview

    name = os.path.splitext(os.path.basename(args.test_file))[0]
    module = types.ModuleType('test.' + name)
    module.__file__ = args.test_file
    sys.modules[module.__name__] = module
    try:
        with open(args.test_file, encoding='utf-8') as source:
            code = compile(source.read(), args.test_file, 'exec')
        exec(code, module.__dict__)
    except Exception as e:
        emit('UNLOADABLE %s' % one_line('%s: %s' % (type(e).__name__, e)))
        return 4

    tests = list(flatten(unittest.defaultTestLoader.loadTestsFromModule(module)))
    results = Results(args.test_file)
    emit('PLAN %d' % len(tests))
    lock = threading.Lock()
    guard = threading.Thread(target=watchdog, args=(results, tests, args.per_test, args.deadline, lock))
    guard.daemon = True
    guard.start()
    for test in tests:
        test(results)
    with lock:
        results.summary()
        sys.__stdout__.flush()
        os._exit(0)


if __name__ == '__main__':
    sys.exit(main())
