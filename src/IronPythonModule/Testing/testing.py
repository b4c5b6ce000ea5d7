"""Tools for testing code that consumes buffers: does it refuse invalid views, read hard ones right,
and give back every export?

    from newbuffer import testing

    report = testing.check_consumer(my_consumer)          # my_consumer(exporter) -> bytes or None
    assert report.ok, report                              # str(report) is a table of what went wrong

invalid_views()   every invalid view and misbehaving exporter we know, in each export style, as
                  Cases: name, rule, make() (a fresh exporter), error (what CPython raises)
valid_views()     hard but valid views, each with the bytes a correct consumer reads (expected)
hostile_views()   random invalid views, reproducible from a seed
RecordingExporter wraps any buffer and records the flags of each request; injects failures
check_consumer()  runs a consumer on cases and reports every case it gets wrong
assert_consumer() the same inside a unittest.TestCase, one subtest per case
leaked_dotnet_exception()  tells a .NET exception that escaped from a Python exception
GuardedMemory, Ledger, SpecExporter  the guarded memory, locked counts and spec-driven exporter
                  the cases are built from, for cases of your own
"""
import gc
import io
import sys

import newbuffer
from newbuffer._testing_catalogue import (
    BUFFER, GETBUFFER, MIXIN, STYLES, Case, HostileExporter, hostile_views, invalid_views, valid_views)
from newbuffer._testing_exporters import GuardedMemory, Ledger, SpecExporter, corpus, read_spec

__all__ = ['BUFFER', 'GETBUFFER', 'MIXIN', 'STYLES', 'Case', 'Failure', 'GuardedMemory',
           'HostileExporter', 'Ledger', 'RecordingExporter', 'Report', 'SpecExporter',
           'assert_consumer', 'check_consumer', 'collect', 'corpus', 'hostile_views',
           'invalid_views', 'leaked_dotnet_exception', 'read_spec', 'valid_views']


def collect():
    """Runs the garbage collector until finalizers have run (IronPython releases dropped views there)."""
    for _ in range(3):
        gc.collect()


class RecordingExporter(newbuffer.BufferMixin):
    """Wraps any buffer: each request gets obj's own answer to the same flags, and is recorded.

    flags     the flags of every request, in order (requests that failed too)
    gets      requests that succeeded; releases: their releases (counted under a lock)
    ledger    the Ledger holding those counts (outstanding, balanced, double_releases)
    fail_get=n makes the n-th request (from 1) raise `error` instead of asking obj;
    fail_release=n makes the n-th release raise `error` after giving obj's export back (newbuffer
    reports it on stderr, as CPython reports an error in __release_buffer__). `error` is an
    exception or exception type; the default is a BufferError naming the injection.
    """

    obj = ledger = fail_get = fail_release = error = None

    def __init__(self, obj, fail_get=None, fail_release=None, error=None):
        self.obj = obj
        self.fail_get = fail_get
        self.fail_release = fail_release
        self.error = error
        self.ledger = Ledger()
        self._held = {}
        self._releases = 0

    @property
    def flags(self):
        return list(self.ledger.flags)

    @property
    def gets(self):
        return self.ledger.gets

    @property
    def releases(self):
        return self.ledger.releases

    def _get_buffer(self, view, flags):
        with self.ledger.lock:
            self.ledger.flags.append(flags)
            n = len(self.ledger.flags)
        if n == self.fail_get:
            raise _injected(self.error, 'get', n)
        inner = newbuffer.get_buffer(self.obj, flags)
        try:
            view.obj = self
            view.buf = inner.buf
            view.len = inner.len
            view.readonly = inner.readonly
            view.itemsize = inner.itemsize
            view.format = inner.format_string
            view.ndim = inner.ndim
            view.shape = inner.shape_tuple
            view.strides = inner.strides_tuple
            view.suboffsets = inner.suboffsets_tuple
        except BaseException:
            inner.release_buffer()
            raise
        token = self.ledger.got()
        self._held[token] = inner
        view.internal = token

    def _release_buffer(self, view):
        token = view.internal
        inner = self._held.pop(token, None)
        if inner is not None:
            inner.release_buffer()
        self.ledger.released(token)
        with self.ledger.lock:
            self._releases += 1
            n = self._releases
        if n == self.fail_release:
            raise _injected(self.error, 'release', n)


def _injected(error, where, n):
    if error is None:
        return BufferError('RecordingExporter: failure injected at %s %d' % (where, n))
    return error


# -- telling a .NET exception from a Python one ------------------------------------------------

_RUNTIME = ('IronPython', 'Microsoft.Scripting', 'Microsoft.Dynamic')
_LIBRARIES = ('System', 'mscorlib', 'netstandard')
_canonical = {}


def _canonical_type(cls):
    """The .NET exception type IronPython raises for the Python exception class `cls`."""
    if cls not in _canonical:
        found = None
        for base in cls.__mro__:
            try:
                found = base().clsException.GetType()
                break
            except Exception:
                continue
        _canonical[cls] = found
    return _canonical[cls]


def _stock_message(exception_type):
    import System
    try:
        return System.Activator.CreateInstance(exception_type).Message
    except Exception:
        return None


def leaked_dotnet_exception(error, assemblies=None):
    """The full name of the .NET exception behind `error` if it escaped .NET code, else None.

    IronPython turns .NET exceptions into Python ones (ArgumentNullException -> TypeError,
    IndexOutOfRangeException -> IndexError) and raises some Python errors as those same .NET types,
    so the Python type alone cannot tell a refusal from a leak. These can:
    - a .NET type other than the one IronPython uses for that Python exception (TypeError is
      TypeErrorException; ArgumentNullException shown as TypeError escaped from somewhere);
    - the throw site: thrown by the .NET libraries on behalf of code outside IronPython's runtime,
      or in such code with the type's stock message ("Index was outside the bounds of the
      array."). Deliberate raises carry their own words.
    With `assemblies` (name prefixes, e.g. ('NewBuffer',)) only exceptions whose first frame
    outside the .NET libraries lies in those assemblies count. Outside IronPython, always None.
    """
    exception = getattr(error, 'clsException', None)
    if exception is None:
        return None
    exception_type = exception.GetType()
    if (exception_type.Namespace or '').startswith('IronPython'):
        return None
    import System
    inside_libraries, site = False, None
    for frame in System.Diagnostics.StackTrace(exception, False).GetFrames() or []:
        method = frame.GetMethod()
        owner = method.DeclaringType if method is not None else None
        name = owner.Assembly.GetName().Name if owner is not None else ''
        if name.startswith(_LIBRARIES):
            inside_libraries = True
            continue
        site = name
        break
    if site is None:
        return None
    foreign = _canonical_type(type(error)) != exception_type
    if assemblies is not None:
        if not site.startswith(tuple(assemblies)):
            return None
    elif site == '' or site.startswith(_RUNTIME):
        # Python code or IronPython itself: its raises are Python exceptions unless the type betrays them.
        return exception_type.FullName if foreign else None
    if foreign or inside_libraries or exception.Message == _stock_message(exception_type):
        return exception_type.FullName
    return None


# -- checking a consumer -----------------------------------------------------------------------

class Failure(object):
    """What a consumer got wrong on one case: `name` (the case's), `problem`, `detail`.

    Problems: 'accepted' (went on with an invalid view), 'wrong-error' (raised another type than
    a correct consumer), 'refused' (raised on a view that is valid for its requests), 'leaked' (a
    .NET exception escaped), 'wrong-bytes' (read other bytes than expected), 'not-released' (an
    export still held once it returned and the collector ran), 'released-twice', 'wrote-outside'
    (a write landed beside the exporter's memory).
    """

    name = problem = detail = None

    def __init__(self, name, problem, detail):
        self.name = name
        self.problem = problem
        self.detail = detail

    def __repr__(self):
        return '<Failure %s: %s: %s>' % (self.name, self.problem, self.detail)


class Report(object):
    """What check_consumer found: `ok`, `failures` (Failure objects), `cases` (how many ran), `stderr`
    (what was written there while the cases ran: newbuffer reports errors in release methods there).
    str(report) is a table of the failures."""

    cases = failures = stderr = None

    def __init__(self, cases, failures, stderr):
        self.cases = cases
        self.failures = failures
        self.stderr = stderr

    @property
    def ok(self):
        return not self.failures

    def failed(self, problem=None):
        """Names of the cases that failed (with `problem`, when given), in order, once each."""
        names = [f.name for f in self.failures if problem is None or f.problem == problem]
        return sorted(set(names), key=names.index)

    def __str__(self):
        head = 'check_consumer: %d cases, %d failed' % (self.cases, len(self.failed()))
        if self.ok:
            return head
        width = min(max(len(f.name) for f in self.failures), 60)
        rows = ['%-*s  %-14s %s' % (width, f.name, f.problem, ' '.join(f.detail.split())) for f in self.failures]
        return '\n'.join([head, '%-*s  %-14s %s' % (width, 'case', 'problem', 'detail')] + rows)

    __repr__ = __str__


class _Run(object):
    """One case run: the exporter, and what the consumer did with it."""

    def __init__(self, case, exporter):
        self.case = case
        self.exporter = exporter
        self.raised = None
        self.message = None
        self.leak = None
        self.read = None


def _as_bytes(result):
    if isinstance(result, (bytes, bytearray)):
        return bytes(result)
    if hasattr(result, 'tobytes'):
        return result.tobytes()
    return None


def _short(data):
    text = repr(data)
    return text if len(text) <= 40 else text[:37] + '...'


def _run(consumer, case):
    exporter = case.make()
    run = _Run(case, exporter)
    try:
        result = consumer(exporter)
    except Exception as e:
        # Only what the judgement needs: a kept traceback would keep the consumer's views alive.
        run.raised, run.message, run.leak = type(e), str(e), leaked_dotnet_exception(e)
    else:
        run.read = _as_bytes(result) if case.expected is not None else None
    return run


def _judge(run):
    case, name, ledger = run.case, run.case.name, run.exporter.ledger
    requests = sorted(set(ledger.flags))

    def refusals():
        """The errors newbuffer raises for the consumer's own requests (the faults that concern it)."""
        return [r for r in (case.refusal(flags) for flags in requests) if r is not None]

    problems = []
    if run.leak is not None:
        problems.append(('leaked', '%s escaped as %s: %s' % (run.leak, run.raised.__name__, run.message)))
    elif run.raised is not None:
        allowed = refusals()
        said = '%s: %s' % (run.raised.__name__, run.message)
        if case.error is not None and (allowed or not requests):
            if not issubclass(run.raised, tuple([case.error] + allowed)):
                problems.append(('wrong-error', 'raised %s; a correct consumer raises %s' % (said, case.error.__name__)))
        elif not issubclass(run.raised, tuple(allowed)):
            why = 'a valid view' if case.error is None else 'a view whose fault does not concern its requests'
            problems.append(('refused', 'raised %s on %s (flags %s)' % (said, why, ', '.join(map(str, requests)) or 'none')))
    elif case.error is not None and (not requests or refusals()):
        problems.append(('accepted', 'returned normally; a correct consumer raises %s' % case.error.__name__))
    elif case.expected is not None and run.read is not None and run.read != case.expected:
        problems.append(('wrong-bytes', 'read %s, expected %s' % (_short(run.read), _short(case.expected))))
    if ledger.double_releases:
        problems.append(('released-twice', '%d release(s) of an export already released' % ledger.double_releases))
    elif ledger.outstanding > 0:
        problems.append(('not-released', '%d of %d export(s) still held after the consumer returned' % (ledger.outstanding, ledger.gets)))
    if not run.exporter.intact():
        problems.append(('wrote-outside', 'a canary beside the exporter\'s memory changed'))
    return [Failure(name, problem, detail) for problem, detail in problems]


SETTLE_ROUNDS = 10


def check_consumer(consumer, cases=None, valid=False):
    """Runs consumer(exporter) on each case and returns a Report of everything it got wrong.

    cases: Cases to run (default: invalid_views()); valid=True adds valid_views(). The consumer
    takes an exporter and consumes its buffer as it does in real use; to have what it read compared
    with a valid view's bytes, it returns them (bytes, bytearray or a memoryview; anything else is
    not compared). A consumer is judged by the requests it made: a view whose fault does not
    concern its flags (a read-only answer when it did not ask for a writable one) must be read, and
    a valid view it cannot take under its flags may be refused with the error newbuffer's memoryview
    raises for those flags. After the last case the collector runs (IronPython releases views a
    consumer dropped in finalizers), then every export must have been released exactly once.
    """
    cases = list(invalid_views() if cases is None else cases) + (valid_views() if valid else [])
    runs = []
    old_stderr, captured = sys.stderr, io.StringIO()
    sys.stderr = captured
    try:
        for case in cases:
            runs.append(_run(consumer, case))
        for _ in range(SETTLE_ROUNDS):
            collect()
            if all(r.exporter.ledger.outstanding <= 0 for r in runs):
                break
        failures = []
        for run in runs:
            failures.extend(_judge(run))
    finally:
        sys.stderr = old_stderr
        for run in runs:
            run.exporter.close()
    return Report(len(cases), failures, captured.getvalue())


def assert_consumer(test, consumer, cases=None, valid=False):
    """check_consumer inside a unittest.TestCase: one subtest per case, failing with what went wrong.

    Returns the Report."""
    report = check_consumer(consumer, cases, valid)
    by_case = {}
    for f in report.failures:
        by_case.setdefault(f.name, []).append('%s: %s' % (f.problem, f.detail))
    for name in report.failed():
        with test.subTest(case=name):
            test.fail('; '.join(by_case[name]))
    return report
