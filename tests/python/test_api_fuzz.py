"""What the API-surface fuzzer (apifuzz.py) found, each pinned by a test that failed before its fix;
scripts/fuzz runs the fuzzer from random seeds for as long as it is given."""
import unittest

import _testbuffer
import newbuffer
import apifuzz


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

if __name__ == '__main__':
    unittest.main()
