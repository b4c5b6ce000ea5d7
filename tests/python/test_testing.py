"""newbuffer.testing, the toolkit for testing buffer consumers: the catalogue, the valid and hostile
views, RecordingExporter, the leak detector, and check_consumer on correct consumers and on broken
ones, each of which must be caught with the cases it gets wrong."""
import ctypes
import io
import sys
import unittest

import newbuffer
import newbuffer.testing
from newbuffer import testing

INVALID = testing.invalid_views()
VALID = testing.valid_views()
FULL_RO = newbuffer.PyBUF_FULL_RO
REQUESTS = [newbuffer.PyBUF_FULL, newbuffer.PyBUF_FULL_RO, newbuffer.PyBUF_RECORDS_RO, newbuffer.PyBUF_ND,
            newbuffer.PyBUF_SIMPLE, newbuffer.PyBUF_C_CONTIGUOUS, newbuffer.PyBUF_F_CONTIGUOUS,
            newbuffer.PyBUF_ANY_CONTIGUOUS]


def read(x):
    """The reference consumer: newbuffer's memoryview, released at once."""
    with newbuffer.memoryview(x) as m:
        return m.tobytes()


def names(cases, where=lambda c: True):
    return sorted(c.name for c in cases if where(c))


class ModuleTests(unittest.TestCase):
    def test_every_import_spelling_gives_the_one_module(self):
        import importlib
        self.assertIs(newbuffer.testing, testing)
        self.assertIs(sys.modules['newbuffer.testing'], testing)
        self.assertIs(importlib.import_module('newbuffer.testing'), testing)
        self.assertEqual(newbuffer.__path__, [])

    def test_a_missing_submodule_is_an_import_error(self):
        with self.assertRaises(ImportError):
            import newbuffer.no_such_module  # noqa: F401

    def test_one_loader_on_the_meta_path(self):
        loaders = [f for f in sys.meta_path if 'newbuffer' in repr(f)]
        self.assertEqual(len(loaders), 1)
        self.assertIn(b'"cases"', loaders[0].get_data('invalid_views.json'))

    def test_everything_public_has_a_docstring(self):
        for name in testing.__all__:
            value = getattr(testing, name)
            if callable(value):
                with self.subTest(name=name):
                    self.assertTrue((value.__doc__ or '').strip())
        self.assertIn('check_consumer', testing.__doc__)


class CatalogueTests(unittest.TestCase):
    def test_at_least_60_kinds_with_unique_names(self):
        self.assertGreaterEqual(len({c.kind for c in INVALID}), 60)
        self.assertEqual(len({c.name for c in INVALID + VALID}), len(INVALID + VALID))

    def test_every_verifier_rule_has_a_kind(self):
        import clr
        clr.AddReference('NewBuffer.Runtime')
        import System
        from NewBuffer.Validation import ViewRule
        rules = set(System.Enum.GetNames(clr.GetClrType(ViewRule)))
        self.assertEqual(sorted(rules - {c.rule for c in INVALID}), [])

    def test_a_kind_comes_in_each_style_it_can_be_exported_in(self):
        styles = {}
        for c in INVALID:
            styles.setdefault(c.kind, set()).add(c.style)
        self.assertEqual(styles['len disagrees with shape'], {testing.MIXIN, testing.BUFFER})
        self.assertEqual(styles['read-only answer to a writable request'], set(testing.STYLES))
        self.assertEqual(styles['get raises'], set(testing.STYLES))
        self.assertEqual(styles['_get_buffer returns a value'], {testing.MIXIN})
        for c in VALID:
            styles.setdefault(c.kind, set()).add(c.style)
        self.assertEqual(styles['Fortran order'], set(testing.STYLES))

    def test_make_returns_a_fresh_exporter_each_time(self):
        for c in INVALID[:3] + VALID[:3]:
            a, b = c.make(), c.make()
            self.assertIsNot(a, b)
            self.assertIsNot(a.ledger, b.ledger)
            a.close()
            b.close()

    def test_newbuffer_raises_each_cases_error_for_some_request_and_says_why(self):
        for c in INVALID:
            with self.subTest(case=c.name):
                if c.error is None:
                    self.assertEqual((c.refusal(newbuffer.PyBUF_FULL), c.refusal(FULL_RO)), (None, None))
                    continue
                said = []
                for flags in [f for f in REQUESTS if c.refusal(f) is c.error]:
                    x = c.make()
                    try:
                        with self.assertRaises(c.error) as caught:
                            newbuffer.memoryview._from_flags(x, flags)
                        said.append(str(caught.exception))
                    finally:
                        x.close()
                self.assertTrue(said, 'no request is refused with %s' % c.error.__name__)
                if c.message:
                    self.assertTrue(any(c.message in text for text in said), said)

    def test_expected_bytes_are_what_newbuffer_reads(self):
        report = testing.check_consumer(read, VALID)
        self.assertTrue(report.ok, report)

    def test_expected_bytes_by_hand(self):
        import struct
        ints = struct.unpack('6i', bytes(range(1, 25)))
        by_kind = {c.kind: c.expected for c in VALID}
        self.assertEqual(by_kind['negative strides'], struct.pack('6i', *reversed(ints)))
        self.assertEqual(by_kind['Fortran order'], struct.pack('6i', *[ints[i] for i in (0, 2, 4, 1, 3, 5)]))
        self.assertEqual(by_kind['PIL-style suboffsets'], bytes(range(0x81, 0x8D)) + bytes(range(0xA1, 0xAD)))
        self.assertEqual(by_kind['empty view'], b'')
        self.assertEqual(by_kind['0-dimensional view'], bytes(range(1, 9)))

    def test_valid_views_cover_every_struct_format(self):
        kinds = {c.kind for c in VALID}
        for f in '?cbBhHiIlLqQnNefdP':
            self.assertIn("format '%s'" % f, kinds)


def normalized(x):
    """A hostile exporter's fields and bytes, with addresses made relative to its memory."""
    fields = {}
    for name, value in x.fields.items():
        if value is x.memory.region:
            value = 'region'
        elif name == 'buf' and isinstance(value, int) and value != 0x1000:
            value = ('offset', value - x.memory.address)
        fields[name] = value
    return fields, bytes(x.memory.region)


class HostileViewTests(unittest.TestCase):
    def test_reproducible_by_seed(self):
        first = [(c.name, normalized(c.make())) for c in testing.hostile_views(7, 25)]
        again = [(c.name, normalized(c.make())) for c in testing.hostile_views(7, 25)]
        self.assertEqual(first, again)
        self.assertEqual([name for name, _ in first], ['hostile %d [BufferMixin]' % s for s in range(7, 32)])
        other = [normalized(c.make()) for c in testing.hostile_views(1000, 25)]
        self.assertNotEqual([v for _, v in first], other)

    def test_one_case_again_from_its_seed(self):
        case = list(testing.hostile_views(40, 10))[6]
        self.assertEqual(case.seed, 46)
        again = next(testing.hostile_views(case.seed, 1))
        self.assertEqual((again.name, normalized(again.make())), (case.name, normalized(case.make())))

    def test_every_hostile_view_is_refused_with_its_error(self):
        for c in testing.hostile_views(0, 100):
            with self.subTest(case=c.name):
                x = c.make()
                try:
                    self.assertRaises(c.error, newbuffer.memoryview._from_flags, x, FULL_RO)
                finally:
                    x.close()

    def test_a_correct_consumer_passes_them(self):
        for consumer in (read, bytes):
            report = testing.check_consumer(consumer, testing.hostile_views(0, 150))
            self.assertTrue(report.ok, report)


class RecordingExporterTests(unittest.TestCase):
    def test_records_the_flags_of_each_request_and_counts_gets_and_releases(self):
        r = testing.RecordingExporter(bytearray(range(8)))
        read(r)
        newbuffer.memoryview._from_flags(r, newbuffer.PyBUF_FULL).release()
        self.assertEqual(bytes(memoryview(r)), bytes(range(8)))   # IronPython's requests (RECORDS_RO)
        testing.collect()
        self.assertEqual(r.flags[:2], [FULL_RO, newbuffer.PyBUF_FULL])
        self.assertEqual(set(r.flags[2:]), {newbuffer.PyBUF_RECORDS_RO})
        self.assertEqual((r.gets, r.releases), (len(r.flags), len(r.flags)))
        self.assertTrue(r.ledger.balanced)

    def test_answers_with_what_the_wrapped_buffer_answers(self):
        fortran = next(c for c in VALID if c.name == 'Fortran order [BufferMixin]')
        inner = fortran.make()
        r = testing.RecordingExporter(inner)
        with newbuffer.memoryview(r) as m:
            self.assertEqual((m.shape, m.strides, m.format), ((2, 3), (4, 8), 'i'))
            self.assertEqual(m.tobytes(), fortran.expected)
        self.assertTrue(inner.ledger.balanced and r.ledger.balanced)
        inner.close()

    def test_a_refusal_of_the_wrapped_buffer_passes_through(self):
        r = testing.RecordingExporter(b'abc')
        with self.assertRaises(BufferError):
            newbuffer.memoryview._from_flags(r, newbuffer.PyBUF_FULL)
        self.assertEqual((r.flags, r.gets, r.releases), ([newbuffer.PyBUF_FULL], 0, 0))

    def test_injects_a_failure_at_the_nth_get(self):
        data = bytearray(4)
        r = testing.RecordingExporter(data, fail_get=2)
        read(r)
        with self.assertRaises(BufferError) as caught:
            read(r)
        self.assertIn('injected at get 2', str(caught.exception))
        read(r)
        self.assertEqual((len(r.flags), r.gets, r.releases), (3, 2, 2))
        data.extend(b'x')  # nothing of the bytearray is still exported

    def test_injects_a_failure_at_the_nth_release_after_giving_the_export_back(self):
        data = bytearray(4)
        r = testing.RecordingExporter(data, fail_release=1, error=KeyError('boom'))
        old, sys.stderr = sys.stderr, io.StringIO()
        try:
            read(r)
            read(r)
            reported = sys.stderr.getvalue()
        finally:
            sys.stderr = old
        self.assertIn('boom', reported)
        self.assertEqual(reported.count('boom'), 1)
        self.assertEqual((r.gets, r.releases), (2, 2))
        data.extend(b'x')

    def test_wraps_a_catalogue_case(self):
        case = next(c for c in INVALID if c.name == 'len disagrees with shape [BufferMixin]')
        inner = case.make()
        r = testing.RecordingExporter(inner)
        self.assertRaises(ValueError, read, r)
        self.assertEqual((r.gets, r.releases, inner.ledger.gets, inner.ledger.releases), (1, 1, 1, 1))
        inner.close()


class LeakDetectorTests(unittest.TestCase):
    def leak(self, action, assemblies=None):
        try:
            action()
        except Exception as e:
            return testing.leaked_dotnet_exception(e, assemblies)
        self.fail('no exception')

    def test_a_dotnet_exception_from_newbuffers_core(self):
        import clr
        clr.AddReference('NewBuffer.Runtime')
        from NewBuffer.Protocol import BufferFlags, BufferView
        self.assertEqual(self.leak(lambda: BufferView.Acquire(None, BufferFlags.Simple), ['NewBuffer']), 'System.ArgumentNullException')
        self.assertEqual(self.leak(lambda: BufferView.Acquire(None, BufferFlags.Simple)), 'System.ArgumentNullException')

    def test_a_dotnet_exception_from_a_library_python_code_called(self):
        import System
        self.assertEqual(self.leak(lambda: System.Text.Encoding.UTF8.GetString(None)), 'System.ArgumentNullException')
        self.assertIsNone(self.leak(lambda: System.Text.Encoding.UTF8.GetString(None), ['NewBuffer']))

    def test_python_exceptions_that_ironpython_raises_as_dotnet_types(self):
        import System

        def raise_index_error():
            raise IndexError('mine')
        self.assertIsNone(self.leak(lambda: newbuffer.memoryview(b'ab')[5], ['NewBuffer']))
        self.assertIsNone(self.leak(lambda: newbuffer.memoryview(b'ab')[5]))
        self.assertIsNone(self.leak(lambda: [][0]))
        self.assertIsNone(self.leak(raise_index_error))
        self.assertIsNone(self.leak(lambda: {}['x']))
        self.assertIsNone(self.leak(lambda: 1 / 0))
        self.assertIsNone(self.leak(lambda: System.Array[System.Byte]([1])[5]))


# Consumers under test. Each takes an exporter and returns the bytes it read.
def swallows_errors(x):
    try:
        with newbuffer.memoryview._from_flags(x, newbuffer.PyBUF_FULL) as m:
            return m.tobytes()
    except Exception:
        return None


KEPT = []


def release_kept():
    old, sys.stderr = sys.stderr, io.StringIO()   # the 'release raises' cases report there
    try:
        for kept in KEPT:
            (kept.release_buffer if isinstance(kept, newbuffer.Py_buffer) else kept.release)()
    finally:
        sys.stderr = old
    del KEPT[:]


def never_releases(x):
    m = newbuffer.memoryview(x)
    KEPT.append(m)
    return m.tobytes()


def leaks_dotnet_exceptions(x):
    import System
    raw = newbuffer.get_buffer(x, FULL_RO)  # unverified: len may be anything
    try:
        System.Array.CreateInstance(System.Byte, raw.len)
    finally:
        raw.release_buffer()
    return read(x)


def ignores_strides(x):
    with newbuffer.memoryview(x):  # a clean error for an invalid view...
        raw = newbuffer.get_buffer(x, FULL_RO)
        try:
            # ...then len bytes from buf, as if every view were C-contiguous (the case's guard bytes
            # lie beyond its memory, so this reads only the test's own bytearray).
            return ctypes.string_at(raw.buf, raw.len) if raw.len else b''
        finally:
            raw.release_buffer()


def wraps_errors(x):
    try:
        return read(x)
    except Exception as e:
        raise RuntimeError('could not read: %s' % e)


class CheckConsumerTests(unittest.TestCase):
    def test_correct_consumers_pass(self):
        consumers = [
            ('newbuffer.memoryview', read),
            ('_from_flags(PyBUF_FULL)', lambda x: newbuffer.memoryview._from_flags(x, newbuffer.PyBUF_FULL).tobytes()),
            ('_from_flags(PyBUF_C_CONTIGUOUS)', lambda x: newbuffer.memoryview._from_flags(x, newbuffer.PyBUF_C_CONTIGUOUS).tobytes()),
            ('_from_flags(PyBUF_ND)', lambda x: newbuffer.memoryview._from_flags(x, newbuffer.PyBUF_ND).tobytes()),
            ('views dropped unreleased', lambda x: newbuffer.memoryview(newbuffer.memoryview(x)).tobytes()),
            ('a RecordingExporter in between', lambda x: read(testing.RecordingExporter(x))),
        ]
        for name, consumer in consumers:
            with self.subTest(consumer=name):
                report = testing.check_consumer(consumer, INVALID + VALID)
                self.assertTrue(report.ok, report)
                self.assertEqual(report.cases, len(INVALID) + len(VALID))
                self.assertEqual(str(report), 'check_consumer: %d cases, 0 failed' % report.cases)

    def test_ironpythons_consumers_pass_what_their_buffer_interface_can_carry(self):
        # IronPython's buffer interface has 32-bit sizes: a view of 2**31 rows is refused even empty.
        cases = [c for c in INVALID + VALID if 'huge outer dimension' not in c.kind]
        for name, consumer in [('bytes', bytes), ('memoryview', lambda x: memoryview(x).tobytes())]:
            with self.subTest(consumer=name):
                report = testing.check_consumer(consumer, cases)
                self.assertTrue(report.ok, report)

    def test_a_consumer_that_swallows_errors_is_reported_on_every_invalid_view(self):
        report = testing.check_consumer(swallows_errors, INVALID)
        invalid_for_it = names(INVALID, lambda c: c.error is not None and c.refusal(newbuffer.PyBUF_FULL))
        self.assertEqual(sorted(report.failed('accepted')), invalid_for_it)
        self.assertEqual(report.failed(), report.failed('accepted'))
        self.assertIn('read-only answer to a writable request [__getbuffer__]', invalid_for_it)
        self.assertIn('len disagrees with shape [BufferMixin]', str(report))

    def test_a_consumer_that_never_releases_is_reported_on_every_view_it_took(self):
        try:
            report = testing.check_consumer(never_releases, INVALID + VALID)
            taken = names(INVALID + VALID, lambda c: c.refusal(FULL_RO) is None)
            self.assertEqual(sorted(report.failed('not-released')), taken)
            self.assertEqual(report.failed(), report.failed('not-released'))
            self.assertIn('Fortran order [__getbuffer__]', taken)
            self.assertIn('release raises [BufferMixin]', taken)
        finally:
            release_kept()

    def test_a_consumer_that_lets_a_dotnet_exception_out_is_reported(self):
        report = testing.check_consumer(leaks_dotnet_exceptions, INVALID + VALID)
        self.assertEqual(sorted(report.failed()), sorted(report.failed('leaked')))
        self.assertEqual(sorted(report.failed()), ['huge shape over small memory [BufferMixin]', 'huge shape over small memory [__buffer__]',
                                                   'len negative [BufferMixin]', 'len negative [__buffer__]'])
        self.assertIn('System.ArgumentOutOfRangeException', report.failures[0].detail)

    def test_a_consumer_that_ignores_strides_is_reported_on_every_view_that_is_not_c_contiguous(self):
        report = testing.check_consumer(ignores_strides, VALID)
        self.assertEqual(report.failed(), report.failed('wrong-bytes'))
        failed = set(report.failed())
        for kind in ('negative strides', 'Fortran order', 'zero stride: a row repeated', 'transposed 3-d view',
                     'gaps between items', 'PIL-style suboffsets', 'overlapping items'):
            for style in testing.STYLES:
                self.assertIn('%s [%s]' % (kind, style), failed)
        for kind in ('read-only view', 'no strides: C order', 'unaligned items', "format 'd'", '64 dimensions', 'empty view'):
            for style in testing.STYLES:
                self.assertNotIn('%s [%s]' % (kind, style), failed)

    def test_a_consumer_that_raises_the_wrong_type_is_reported(self):
        report = testing.check_consumer(wraps_errors, INVALID)
        self.assertEqual(sorted(report.failed('wrong-error')), names(INVALID, lambda c: c.error is not None and c.refusal(FULL_RO)))
        self.assertIn('RuntimeError', report.failures[0].detail)

    def test_by_default_the_catalogue_and_with_valid_the_valid_views_too(self):
        for cases, valid, count in [(None, False, len(INVALID)), (None, True, len(INVALID) + len(VALID)),
                                    (INVALID[:5], True, 5 + len(VALID))]:
            report = testing.check_consumer(read, cases, valid)
            self.assertEqual((report.cases, report.ok), (count, True))

    def test_a_consumer_that_refuses_valid_views_is_reported(self):
        def refuses(x):
            raise ValueError('I only take bytes')
        report = testing.check_consumer(refuses, VALID)
        self.assertEqual(sorted(report.failed('refused')), names(VALID))

    def test_a_write_beside_the_exporters_memory_is_reported(self):
        def writes_one_past_the_end(x):
            with newbuffer.memoryview(x) as m:
                raw = newbuffer.get_buffer(x, FULL_RO)
                ctypes.memset(raw.buf + raw.len, 0, 1)
                raw.release_buffer()
                return m.tobytes()
        cases = [c for c in VALID if c.kind == "format 'i'"]
        report = testing.check_consumer(writes_one_past_the_end, cases)
        self.assertEqual(sorted(report.failed('wrote-outside')), names(cases))

    def test_a_release_given_twice_is_reported(self):
        def releases_twice(x):
            raw = newbuffer.get_buffer(x, FULL_RO)
            x._release_buffer(raw)
            raw.release_buffer()
        cases = [c for c in VALID if c.name == "format 'B' [BufferMixin]"]
        report = testing.check_consumer(releases_twice, cases)
        self.assertEqual(report.failed('released-twice'), names(cases))

    def test_the_table_names_each_failure_on_one_line(self):
        report = testing.check_consumer(leaks_dotnet_exceptions, INVALID)
        lines = str(report).splitlines()
        self.assertEqual(lines[0], 'check_consumer: %d cases, 4 failed' % len(INVALID))
        self.assertEqual(len(lines), 2 + 4)
        self.assertTrue(lines[2].startswith('len negative [BufferMixin]'))

    def test_the_table_names_every_case_each_broken_consumer_gets_wrong(self):
        consumers = [
            (swallows_errors, INVALID, 'accepted'),
            (never_releases, VALID, 'not-released'),
            (leaks_dotnet_exceptions, INVALID, 'leaked'),
            (ignores_strides, VALID, 'wrong-bytes'),
        ]
        try:
            for consumer, cases, problem in consumers:
                with self.subTest(consumer=consumer.__name__):
                    report = testing.check_consumer(consumer, cases)
                    self.assertFalse(report.ok)
                    self.assertEqual(report.failed(), report.failed(problem))
                    rows = str(report).splitlines()[2:]
                    self.assertEqual(len(rows), len(report.failures))
                    for failure, row in zip(report.failures, rows):
                        self.assertEqual(row.split(problem)[0].strip(), failure.name)
                        self.assertIn(' '.join(failure.detail.split()), row)
                    self.assertEqual(sorted(set(r.split(problem)[0].strip() for r in rows)), sorted(report.failed()))
        finally:
            release_kept()

    def test_a_consumer_that_keeps_a_raw_request_unreleased_is_reported(self):
        def keeps_raw(x):
            raw = newbuffer.get_buffer(x, FULL_RO)
            KEPT.append(raw)
            return read(x)

        cases = [c for c in VALID if c.kind in ("format 'B'", 'Fortran order')]
        try:
            report = testing.check_consumer(keeps_raw, cases)
        finally:
            release_kept()
        self.assertEqual(sorted(report.failed('not-released')), names(cases))
        self.assertEqual(report.failed(), report.failed('not-released'))
        self.assertIn('1 of 2 export(s) still held', report.failures[0].detail)

    def test_release_errors_are_reported_in_the_reports_stderr(self):
        cases = [c for c in INVALID if c.kind == 'release raises']
        report = testing.check_consumer(read, cases)
        self.assertTrue(report.ok, report)
        self.assertEqual(report.stderr.count('Exception ignored in'), 3)
        self.assertIn('KeyError: release raised', report.stderr)


class AssertConsumerTests(unittest.TestCase):
    def run_inner(self, consumer, cases):
        class Inner(unittest.TestCase):
            def runTest(inner):
                testing.assert_consumer(inner, consumer, cases)
        result = unittest.TestResult()
        Inner().run(result)
        return result

    def test_one_failing_subtest_per_case_a_consumer_gets_wrong(self):
        cases = [c for c in INVALID if c.kind in ('len negative', 'ndim 65', 'release raises')]
        result = self.run_inner(swallows_errors, cases)
        self.assertEqual(len(result.failures), 4)
        self.assertIn('accepted', result.failures[0][1])

    def test_no_failure_for_a_correct_consumer(self):
        result = self.run_inner(read, INVALID)
        self.assertEqual((result.failures, result.errors, result.testsRun), ([], [], 1))


if __name__ == '__main__':
    unittest.main()
