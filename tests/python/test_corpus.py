"""Every consumer newbuffer ships against every case of the invalid-view corpus.

An invalid view meets each consumer with a Python exception of the case's type whose message names
the problem; a hostile but valid view is accepted and its operations behave as the case lists.
Either way no .NET exception leaks, nothing outside the exporter's bytes is written (canaries),
and every get is released exactly once (after collection).
"""
import hashlib
import struct
import unittest

import _testbuffer
import newbuffer
import corpus
from support import collect, captured_stderr, leaked_from_newbuffer

CASES = [c for c in corpus.load() if c.for_python]
PYTHON_ERRORS = (ValueError, BufferError, TypeError, IndexError, OverflowError, NotImplementedError,
                 MemoryError, KeyError, RecursionError, struct.error)
# Exporter misbehaviour the unverified importer cannot see: it shows what the exporter answered.
IMPORTER_ACCEPTS = {'buffer_returns_invalid'}


def importer_refusal(view):
    """What the importer refuses all the same: an array that does not hold ndim entries, which a C
    Py_buffer cannot hold (a reader of its shape address reads ndim entries)."""
    for field in ('shape', 'strides', 'suboffsets'):
        if view.get(field) is not None and len(view[field]) != view['ndim']:
            return 'Py_buffer: %s has %d entries but ndim is %d' % (field, len(view[field]), view['ndim'])
    return None


def ours(x, case):
    if case.flags is None:
        return newbuffer.memoryview(x)
    return newbuffer.memoryview._from_flags(x, case.flags)


def _small_contents(nd, case):
    # Accepted views of terabytes (zero strides) are valid; copying them out is not this test's point.
    if nd.nbytes > 1 << 26:
        return nd.nbytes
    if any(op == 'tolist' and not isinstance(expected, dict) for op, _, expected in case.ops):
        # The ndarray shows the view raw (a shapeless one keeps its itemsize), but reads only its bytes.
        items = _leaves(nd.tolist())
        assert len(items) * nd.itemsize == nd.nbytes, '%d items of %d bytes in %d' % (len(items), nd.itemsize, nd.nbytes)
    return nd.tobytes()


def _leaves(value):
    return [leaf for item in value for leaf in _leaves(item)] if isinstance(value, list) else [value]


def testbuffer_ndarray(x, case):
    if case.flags is None:
        return _testbuffer.ndarray(x)
    return _testbuffer.ndarray(x, getbuf=case.flags)


# IronPython's consumers make their own requests, so they meet the cases whose answer breaks no
# particular request; struct turns a BufferError into CPython's TypeError for bytes-like arguments.
IRONPYTHON = [
    ('memoryview', lambda x: memoryview(x).tolist()),
    ('bytes', bytes),
    ('bytearray', bytearray),
    ('struct.unpack_from', lambda x: struct.unpack_from('b', x)),
    ('hashlib', lambda x: hashlib.md5(x).digest()),
]
# These two ask for bytes without PyBUF_FORMAT, so a view whose only fault is its format is valid to them.
FORMAT_BLIND = {'struct.unpack_from', 'hashlib'}
FORMAT_RULES = {'FormatMissing', 'FormatItemSize'}


class CorpusTest(unittest.TestCase):
    def setUp(self):
        self.exporters = []

    def tearDown(self):
        # One collection for the whole test: views IronPython's consumers dropped are released by
        # their finalizers; then every exporter must balance and keep its canaries.
        with captured_stderr() as err:
            collect()
        try:
            self.assertEqual(err.getvalue(), '')
            for name, x in self.exporters:
                with self.subTest(case=name):
                    self.assertTrue(x.intact(), 'something wrote outside the exporter\'s bytes')
                    self.assertEqual((x.ledger.gets, x.ledger.double_releases), (x.ledger.releases, 0), 'gets vs releases')
        finally:
            for _, x in self.exporters:
                x.close()

    def run_case(self, case, consume, expect_error=True, accept=None):
        """Runs one consumer on a fresh exporter and checks the outcome (tearDown checks the rest)."""
        x = case.exporter()
        self.exporters.append((case.name, x))
        try:
            result = consume(x)
        except Exception as e:
            self.assertIsNone(leaked_from_newbuffer(e), 'a .NET exception leaked: %s' % e)
            self.assertIsInstance(e, PYTHON_ERRORS)
            if accept is not None:
                accept(e)
            elif case.error is None or not expect_error:
                raise
            else:
                self.assertEqual(type(e).__name__, case.error, str(e))
                self.assertIn(case.message, str(e))
        else:
            if expect_error and case.error is not None:
                self.fail('accepted: %r' % (result,))

    def test_newbuffer_memoryview(self):
        for case in CASES:
            with self.subTest(case=case.name):
                self.run_case(case, lambda x: run_ops(self, case, ours(x, case)))

    def test_testbuffer_ndarray(self):
        for case in CASES:
            with self.subTest(case=case.name):
                self.run_case(case, lambda x: _small_contents(testbuffer_ndarray(x, case), case))

    def test_py_buffer_importer(self):
        # The importer fills a Py_buffer with exactly what the exporter made, unverified (pygame's
        # semantics): exporter failures raise, invalid fields are shown as they are, arrays of the
        # wrong length are refused.
        for case in CASES:
            with self.subTest(case=case.name):
                flags = case.flags if case.flags is not None else newbuffer.PyBUF_FULL_RO
                import_it = lambda x: read_importer(self, case, newbuffer.get_buffer(x, flags))
                refusal = importer_refusal(case.view) if case.behavior is None else None
                if refusal is not None:
                    x = case.exporter()
                    self.exporters.append((case.name, x))
                    with self.assertRaises(ValueError) as refused:
                        newbuffer.get_buffer(x, flags)
                    self.assertEqual(str(refused.exception), refusal)
                    continue
                expect_error = (case.behavior is not None and case.behavior not in IMPORTER_ACCEPTS) or case.view.get('buf') == 'unknown'
                self.run_case(case, import_it, expect_error=expect_error)

    def test_ironpython_consumers(self):
        for case in CASES:
            if case.flags is not None:
                continue
            for name, consume in IRONPYTHON:
                with self.subTest(case=case.name, consumer=name):
                    format_only = case.rule in FORMAT_RULES and name in FORMAT_BLIND
                    self.run_case(case, consume, expect_error=not format_only, accept=ironpython_outcome(self, case, name))

    def test_ironpython_consumers_read_what_newbuffer_reads(self):
        for case in CASES:
            if not case.ironpython_accepts:
                continue
            with self.subTest(case=case.name):
                x = case.exporter()
                self.exporters.append((case.name, x))
                with newbuffer.memoryview(x) as ours:
                    expected, items = ours.tobytes(), ours.tolist()
                self.assertEqual(bytes(x), expected)
                self.assertEqual(memoryview(x).tobytes(), expected)
                self.assertEqual(memoryview(x).tolist(), items)

    def test_ironpython_writers_meet_readonly_answers(self):
        case = next(c for c in CASES if c.name == 'read-only answer to a writable request')
        self.run_case(case, lambda x: struct.pack_into('b', x, 0, 1),
                      accept=lambda e: self.assertIn('read-write bytes-like object', str(e)))


def ironpython_outcome(test, case, consumer):
    """What an IronPython consumer may answer: accepted cases may still be beyond what it handles."""
    def check(e):
        test.assertNotIn('invalid buffer exported', str(e), 'the bridge handed IronPython a buffer it cannot read')
        if consumer in case.ironpython_accepts:
            raise AssertionError('IronPython\'s %s refused a view it must accept: %s: %s' % (consumer, type(e).__name__, e))
        if case.accepted:
            # IronPython's memoryview knows fewer formats, and its buffer interface has 32-bit sizes.
            test.assertIsInstance(e, (ValueError, BufferError, MemoryError, NotImplementedError, TypeError, struct.error))
            test.assertTrue(str(e))
            return
        test.assertEqual(type(e).__name__, case.error, str(e))
        test.assertIn(case.message, str(e))
    return check


def run_ops(test, case, m):
    """The operations an accepted case lists, on newbuffer's memoryview."""
    try:
        for op, argument, expected in case.ops:
            try:
                if op == 'tobytes':
                    result = m.tobytes(argument)
                elif op == 'tolist':
                    result = m.tolist()
                elif op == 'getitem':
                    result = m[tuple(argument)]
                elif op == 'setitem':
                    m[tuple(argument[0])] = argument[1]
                    result = None
                else:
                    raise AssertionError('unknown operation ' + op)
            except PYTHON_ERRORS as e:
                test.assertIsInstance(expected, dict, '%s(%r) raised %s: %s' % (op, argument, type(e).__name__, e))
                test.assertEqual(type(e).__name__, expected['error'], str(e))
                test.assertIn(expected['message'], str(e))
                continue
            test.assertNotIsInstance(expected, dict, '%s(%r) should have raised' % (op, argument))
            if expected != 'ok' and op in ('getitem', 'tolist'):
                test.assertEqual(result, expected)
    finally:
        m.release()


def read_importer(test, case, view):
    """Reads every field of an imported Py_buffer back, then releases it."""
    try:
        if case.behavior is not None:
            return
        v = case.view
        test.assertEqual((view.len, view.itemsize, view.ndim, view.readonly), (v['len'], v['itemsize'], v['ndim'], v['readonly']))
        test.assertEqual(view.format_string, v['format'])
        test.assertEqual(view.shape_tuple, None if v['shape'] is None else tuple(v['shape']))
        test.assertEqual(view.strides_tuple, None if v['strides'] is None else tuple(v['strides']))
        test.assertEqual(view.suboffsets_tuple, None if v['suboffsets'] is None else tuple(v['suboffsets']))
        for field in ('buf', 'format', 'shape', 'strides', 'suboffsets'):
            getattr(view, field)
    finally:
        view.release_buffer()


if __name__ == '__main__':
    unittest.main()
