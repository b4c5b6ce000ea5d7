"""Fixed-seed API-surface fuzzing (apifuzz.py) and the findings it made, each pinned by a test that
failed before its fix; scripts/fuzz runs the same calls from random seeds for as long as it is given."""
import unittest

import _testbuffer
import newbuffer
import apifuzz
from support import collect

# The whole sweep, and as many random calls.
SEEDS = range(apifuzz.SWEEP_SEEDS)


def fresh_engine(code):
    """Runs code in a new IronPython engine of this process (nothing imported yet) and returns its `result`."""
    import clr
    clr.AddReference('IronPython')
    clr.AddReference('NewBuffer.IronPython')
    from IronPython.Hosting import Python
    from NewBuffer.IronPython import NewBufferModule
    engine = Python.CreateEngine()
    NewBufferModule.Load(engine)
    scope = engine.CreateScope()
    engine.Execute(code, scope)
    return scope.GetVariable('result')


OUTCOME = '''
def outcome(call):
    try:
        return 'ok: %r' % (call(),)
    except Exception as e:
        return '%s.%s: %s' % (type(e).__module__, type(e).__name__, e)
'''


class ApiFuzzTests(unittest.TestCase):
    def test_targets_cover_every_public_callable(self):
        labels = {t.label for t in apifuzz.TARGETS}
        for expected in ('newbuffer.get_buffer', 'newbuffer.register_memory', 'newbuffer.unregister_memory',
                         'newbuffer.exporter', 'newbuffer.memoryview', 'newbuffer.Py_buffer', 'newbuffer.BufferMixin',
                         '_testbuffer.ndarray', '_testbuffer.staticarray', '_testbuffer.is_contiguous',
                         '_testbuffer.cmp_contig', '_testbuffer.get_pointer', '_testbuffer.slice_indices',
                         'method memoryview._from_flags', 'method memoryview.__buffer__', 'method memoryview.__release_buffer__',
                         'method memoryview.__enter__', 'method memoryview.__exit__', 'method memoryview.__lt__',
                         'method memoryview.__hash__', 'method memoryview.__len__', 'method memoryview.__iter__',
                         'method ndarray.__getitem__', 'method ndarray.__setitem__', 'method ndarray.push',
                         'set Py_buffer.shape', 'get ndarray.suboffsets', 'method BufferMixin._get_buffer',
                         'method _BufferMeta.__instancecheck__', 'unbound memoryview.tobytes', '== memoryview', '[] ndarray'):
            self.assertIn(expected, labels)
        self.assertNotIn('newbuffer.set_unsafe_addresses', labels)

    def test_the_sweep_reaches_every_parameter(self):
        swept = {(t.label, position) for t, position, _ in apifuzz.SWEEP}
        for expected in (('newbuffer.get_buffer', 1), ('method memoryview.hex', 1), ('_testbuffer.ndarray', 6),
                         ('method Py_buffer.get_buffer', 1), ('set Py_buffer.shape', 0), ('[] memoryview', 0)):
            self.assertIn(expected, swept)
        self.assertGreaterEqual(len(SEEDS) * apifuzz.SWEEP_PER_SEED, len(apifuzz.SWEEP))

    def test_judge_tells_meaningful_errors_from_leaks(self):
        self.assertIsNone(apifuzz.judge(ValueError('memoryview: invalid slice key')))
        self.assertIsNone(apifuzz.judge(StopIteration()))
        self.assertEqual(apifuzz.judge(ValueError('')), 'empty message')
        self.assertEqual(apifuzz.judge(SystemError('anything')), 'SystemError')
        self.assertIn('Value cannot be null', apifuzz.judge(TypeError('Value cannot be null. (Parameter \'key\')')))
        self.assertIn('overflow', apifuzz.judge(OverflowError('Arithmetic operation resulted in an overflow.')))

    def test_a_seed_replays_the_same_calls(self):
        first = [line.split('\n')[0] for line in apifuzz.describe(7)]
        again = [line.split('\n')[0] for line in apifuzz.describe(7)]
        self.assertEqual(len(first), apifuzz.CALLS_PER_SEED)
        self.assertEqual(first, again)

    def test_fixed_seeds_meet_only_meaningful_python_errors(self):
        findings = []
        for seed in SEEDS:
            findings.extend(apifuzz.run_seed(seed))
        self.assertEqual(findings, [], '\n'.join(findings[:10]))


class FindingTests(unittest.TestCase):
    """What the API fuzzer found, one test each."""

    def test_arrays_of_the_wrong_length_are_refused_where_views_are_acquired(self):
        # is_contiguous and cmp_contig read views unverified and indexed strides[1] of a 1-entry
        # array (IndexError "Index was outside the bounds of the array.").
        for field, entries in (('strides', (1,)), ('strides', (4, 1, 1)), ('shape', (8,)), ('suboffsets', (-1,))):
            with self.subTest(field=field, entries=entries):
                x = apifuzz.ShortArrays(field, entries)
                message = '%s has %d entries but ndim is 2' % (field, len(entries))
                # _testbuffer replaces whatever the request raised, as CPython's does.
                with self.assertRaisesRegex(TypeError, '^is_contiguous: object does not implement the buffer protocol$'):
                    _testbuffer.is_contiguous(x, 'C')
                with self.assertRaisesRegex(TypeError, '^cmp_contig: first argument does not implement the buffer protocol$'):
                    _testbuffer.cmp_contig(x, b'')
                with self.assertRaisesRegex(TypeError, '^cmp_contig: second argument does not implement the buffer protocol$'):
                    _testbuffer.cmp_contig(b'', x)
                # The unverified importer refuses them too: a C reader of its shape address reads ndim entries.
                with self.assertRaisesRegex(ValueError, '^Py_buffer: ' + message + '$'):
                    newbuffer.get_buffer(x, newbuffer.PyBUF_FULL_RO)
                for consume in (newbuffer.memoryview, _testbuffer.ndarray):
                    with self.assertRaisesRegex(ValueError, ': ' + message + '$'):
                        consume(x)

    def test_flags_beyond_a_c_int(self):
        # Each raised .NET's "Arithmetic operation resulted in an overflow." or "Value was either
        # too large or too small for an Int32."; the messages are CPython's (pygame parses flags
        # with PyArg "i", memoryview._from_flags and hex with Argument Clinic's int, __buffer__
        # with typeobject.c's wrap_buffer).
        cases = [
            (lambda v: newbuffer.get_buffer(b'ab', v), {
                2 ** 31: 'signed integer is greater than maximum', -2 ** 31 - 1: 'signed integer is less than minimum',
                2 ** 63: 'Python int too large to convert to C long', -2 ** 70: 'Python int too large to convert to C long'}),
            (lambda v: newbuffer.Py_buffer().get_buffer(b'ab', v), {
                2 ** 31: 'signed integer is greater than maximum', 2 ** 64: 'Python int too large to convert to C long'}),
            (lambda v: newbuffer.memoryview._from_flags(b'ab', v), {
                2 ** 31: 'Python int too large to convert to C int', -2 ** 31 - 1: 'Python int too large to convert to C int',
                2 ** 64: 'Python int too large to convert to C int'}),
            (lambda v: newbuffer.memoryview(b'ab').__buffer__(v), {
                2 ** 31: 'buffer flags too large', 2 ** 63: "cannot fit 'int' into an index-sized integer",
                -2 ** 70: "cannot fit 'int' into an index-sized integer"}),
            (lambda v: newbuffer.memoryview(b'ab').hex(':', v), {
                2 ** 31: 'Python int too large to convert to C int', 2 ** 63: 'Python int too large to convert to C int',
                -2 ** 70: 'Python int too large to convert to C int'}),
        ]
        for call, messages in cases:
            for value, message in sorted(messages.items()):
                with self.subTest(value=value, message=message):
                    with self.assertRaises(OverflowError) as raised:
                        call(value)
                    self.assertEqual(str(raised.exception), message)

    def test_flags_that_are_not_integers(self):
        for call in (lambda v: newbuffer.get_buffer(b'ab', v), lambda v: newbuffer.memoryview._from_flags(b'ab', v),
                     lambda v: newbuffer.memoryview(b'ab').__buffer__(v), lambda v: newbuffer.memoryview(b'ab').hex(':', v)):
            for value, name in ((None, 'NoneType'), (1.5, 'float'), ('4', 'str')):
                with self.subTest(value=value):
                    with self.assertRaises(TypeError) as raised:
                        call(value)
                    self.assertEqual(str(raised.exception), "'%s' object cannot be interpreted as an integer" % name)
            with self.assertRaisesRegex(ValueError, '^hostile __index__$'):
                call(apifuzz.BadIndex())

    def test_flags_in_range_still_work(self):
        self.assertEqual(newbuffer.get_buffer(b'ab').len, 2)
        self.assertEqual(newbuffer.get_buffer(b'ab', newbuffer.PyBUF_FULL_RO).ndim, 1)
        self.assertEqual(newbuffer.memoryview._from_flags(b'ab', newbuffer.PyBUF_FULL_RO).tobytes(), b'ab')
        self.assertEqual(newbuffer.memoryview(b'ab').__buffer__(newbuffer.PyBUF_SIMPLE).tobytes(), b'ab')
        self.assertEqual(newbuffer.memoryview(b'abcd').hex(':', 2), '6162:6364')
        self.assertEqual(newbuffer.memoryview(b'abcd').hex(':'), '61:62:63:64')
        # The magnitude of -2**31 is no C int: Math.Abs raised OverflowError "Negating the minimum value
        # of a twos complement number is invalid.".
        self.assertEqual(newbuffer.memoryview(b'abcd').hex(':', -2 ** 31), '61626364')
        self.assertEqual(newbuffer.memoryview(b'abcd').hex(':', 2 ** 31 - 1), '61626364')
        # Below INT_MIN wrap_buffer truncates to a C int, as CPython does: -2**31-1 becomes 0x7fffffff.
        with self.assertRaisesRegex(BufferError, 'not writable'):
            newbuffer.memoryview(b'ab').__buffer__(-2 ** 31 - 1)

    def test_struct_error_before_struct_is_imported(self):
        # struct.error is created when _struct is first imported; looking it up before raised
        # KeyError "The given key 'structerror' was not present in the dictionary".
        result = fresh_engine(OUTCOME + '''
import newbuffer, _testbuffer
result = outcome(lambda: _testbuffer.ndarray([2 ** 40], shape=[1], format='l'))
import struct
result = (result, struct.error.__module__)
''')
        self.assertEqual(tuple(result), ("struct.error: 'l' format requires -2147483648 <= number <= 2147483647", 'struct'))

    def test_testbuffer_alone_sizes_native_formats_as_struct_does(self):
        # The format table learnt IronPython's 4-byte native 'l' only when newbuffer was imported.
        import clr
        clr.AddReference('NewBuffer.Runtime')
        from NewBuffer.Format import FormatTable, NativeAbi
        saved = FormatTable.Abi
        FormatTable.Abi = NativeAbi.Platform  # as in a process that never imported newbuffer
        try:
            result = fresh_engine('''
import _testbuffer, struct
result = (_testbuffer.ndarray([0], shape=[1], format='l').itemsize, struct.calcsize('l'))
''')
        finally:
            FormatTable.Abi = saved
        self.assertEqual(result[0], result[1])

    def test_testbuffer_alone_asks_any_object_for_a_buffer(self):
        # Finding whether an object is a BufferMixin raised KeyError "The given key
        # 'newbuffer.BufferMixin' was not present" until newbuffer was imported.
        result = fresh_engine(OUTCOME + '''
import _testbuffer
class Plain:
    pass
result = outcome(lambda: _testbuffer.ndarray(Plain()))
''')
        self.assertEqual(result, 'builtins.TypeError: shape is a required argument when constructing from list, tuple or scalar')

    def test_register_and_unregister_none(self):
        # Both raised TypeError "Value cannot be null. (Parameter 'key')".
        with self.assertRaisesRegex(TypeError, r"^register_memory\(\) needs an object with a native buffer .*not 'NoneType'$"):
            newbuffer.register_memory(None)
        self.assertIs(newbuffer.unregister_memory(None), False)

    def test_ndarray_subscript_with_none_as_its_last_argument(self):
        # IronPython passes a single None for the params array as null: SystemError "Object
        # reference not set to an instance of an object." and TypeError "Value cannot be null.".
        nd = _testbuffer.ndarray(list(range(6)), shape=[2, 3], flags=_testbuffer.ND_WRITABLE)
        with self.assertRaisesRegex(TypeError, '^cannot index memory using "int"$'):
            nd.__getitem__(1, 2, None)
        with self.assertRaisesRegex(TypeError, "^a bytes-like object is required, not 'NoneType'$"):
            nd.__setitem__(1, 2, 3, None)
        self.assertEqual(nd[1].tolist(), [3, 4, 5])

    def test_ndarray_iteration_checks_its_receiver(self):
        # IronPython's __iter__ and __contains__ for an IEnumerable took None as the receiver:
        # SystemError "Object reference not set to an instance of an object."
        with self.assertRaisesRegex(TypeError, '^expected ndarray, got NoneType$'):
            _testbuffer.ndarray.__contains__(None, 1)
        with self.assertRaisesRegex(TypeError, '^expected ndarray, got NoneType$'):
            _testbuffer.ndarray.__iter__(None)
        nd = _testbuffer.ndarray(list(range(6)), shape=[2, 3])
        self.assertEqual([row.tolist() for row in nd], [[0, 1, 2], [3, 4, 5]])
        flat = _testbuffer.ndarray(list(range(6)), shape=[6])
        self.assertEqual((3 in flat, 7 in flat, list(flat)), (True, False, [0, 1, 2, 3, 4, 5]))

    def test_a_py_buffer_lent_to_get_buffer_cannot_be_filled_again(self):
        # get_buffer on the wrapper lent to _get_buffer acquired an export it never released, and
        # left the consumer's view unfilled ("memoryview: itemsize must be positive, not 0").
        class Inner(newbuffer.BufferMixin):
            gets = releases = 0

            def _get_buffer(self, view, flags):
                view.obj, view.buf, view.len = self, bytearray(3), 3
                Inner.gets += 1

            def _release_buffer(self, view):
                Inner.releases += 1

        class Outer(newbuffer.BufferMixin):
            def _get_buffer(self, view, flags):
                view.get_buffer(Inner(), flags)

        with self.assertRaisesRegex(ValueError, '^get_buffer\\(\\) cannot fill the Py_buffer lent to _get_buffer; '):
            newbuffer.memoryview(Outer())
        collect()
        self.assertEqual((Inner.gets, Inner.releases), (0, 0))

if __name__ == '__main__':
    unittest.main()
