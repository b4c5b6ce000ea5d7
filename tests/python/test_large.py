"""Views past 2 GiB: newbuffer.memoryview over a native block of 3 GiB (a C# host's
ClrExport.FromPointer) and over a sparse memory-mapped file, read and written at offsets past 2**31.
The block is allocated untouched, so only the pages the tests write cost memory; it is freed when the
class ends, after every view of it is released, and the tests are skipped, saying why, when the
machine cannot reserve it. Results that must be one object (bytes, list, str, IronPython's own
buffer) are refused past what one can hold, as CPython refuses past PY_SSIZE_T_MAX."""
import os
import tempfile
import unittest

import clr
import System
from System.Runtime.InteropServices import Marshal

clr.AddReference('NewBuffer.Runtime')
clr.AddReference('System.IO.MemoryMappedFiles')
from NewBuffer.Clr import ClrExport

import newbuffer
from newbuffer import memoryview as mv
from newbuffer import struct

SIZE = 3 << 30
TWO_GIB = 1 << 31


class LargeBlockTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        try:
            cls.pointer = Marshal.AllocHGlobal(System.IntPtr(SIZE))
        except (MemoryError, System.OutOfMemoryException) as e:
            raise unittest.SkipTest('cannot reserve a native block of %d bytes here (%s)' % (SIZE, e))
        cls.block = ClrExport.FromPointer(cls.pointer, SIZE, None)

    @classmethod
    def tearDownClass(cls):
        closed = cls.block.TryClose()
        if closed:
            Marshal.FreeHGlobal(cls.pointer)
        assert closed, 'a view of the 3 GiB block was never released (its memory is leaked, not freed under it)'

    def setUp(self):
        self.views = []

    def tearDown(self):
        # Every view made is released here, not left to the garbage collector, so the block can be freed.
        for view in reversed(self.views):
            view.release()

    def view(self):
        return self.t(mv(self.block))

    def t(self, view):
        """Tracks a view made from the block (slices and casts share its export until released)."""
        self.views.append(view)
        return view

    def test_shape_nbytes_and_len(self):
        with self.view() as m:
            self.assertEqual((m.nbytes, m.shape, m.strides, m.itemsize), (SIZE, (SIZE,), (1,), 1))
            # len() is int-sized on IronPython (sys.maxsize is 2**31-1): CPython's words past it.
            with self.assertRaisesRegex(OverflowError, r"^cannot fit 'int' into an index-sized integer$"):
                len(m)
            self.assertEqual(len(self.t(m[TWO_GIB:])), SIZE - TWO_GIB)

    def test_items_past_two_gib(self):
        with self.view() as m:
            m[TWO_GIB + 5] = 42
            m[-1] = 7
            self.assertEqual((m[TWO_GIB + 5], m[SIZE - 1], m[-(SIZE - TWO_GIB - 5)]), (42, 7, 42))
            with self.assertRaisesRegex(IndexError, r'^index out of bounds on dimension 1$'):
                m[SIZE]

    def test_slice_across_two_gib_tobytes_tolist_hex(self):
        with self.view() as m:
            data = bytes(range(1, 17))
            m[TWO_GIB - 8:TWO_GIB + 8] = data
            s = self.t(m[TWO_GIB - 8:TWO_GIB + 8])
            self.assertEqual((s.tobytes(), bytes(s), s.tolist()), (data, data, list(data)))
            self.assertEqual(s.hex(':', 4), ':'.join(data[i:i + 4].hex() for i in range(0, 16, 4)))
            self.assertEqual(self.t(m[TWO_GIB + 7:TWO_GIB - 9:-1]).tobytes(), data[::-1])

    def test_strided_slices_a_gib_apart(self):
        with self.view() as m:
            m[0], m[1 << 30], m[TWO_GIB] = 1, 2, 3
            self.assertEqual(self.t(m[::1 << 30]).tolist(), [1, 2, 3])
            self.assertEqual(self.t(m[TWO_GIB::-(1 << 30)]).tobytes(), b'\x03\x02\x01')
            step = 1 << 20
            for k in (0, 2048, 3071):
                m[k * step] = k & 0xFF
            every = self.t(m[::step])
            self.assertEqual((len(every), every[2048], every[-1]), (3072, 0, 3071 & 0xFF))
            self.assertEqual(every.tobytes()[2048], 0)

    def test_cast_past_two_gib(self):
        with self.view() as m:
            q = self.t(m.cast('q'))
            self.assertEqual(q.shape, (SIZE // 8,))
            q[(TWO_GIB + 64) // 8] = -1234567890123
            self.assertEqual(struct.unpack('<q', self.t(m[TWO_GIB + 64:TWO_GIB + 72])), (-1234567890123,))
            m[TWO_GIB + 5] = 77
            grid = self.t(m.cast('B', [3, 1 << 30]))
            self.assertEqual((grid[2, 5], self.t(grid[2])[5], self.t(grid[2, 3:6]).tolist()[2]), (77, 77, 77))
            self.assertEqual(self.t(grid[:, 5])[2], 77)

    def test_copies_between_slices_two_gib_apart(self):
        with self.view() as m:
            m[TWO_GIB + 100:TWO_GIB + 200] = bytes(range(100))
            m[100:200] = self.t(m[TWO_GIB + 100:TWO_GIB + 200])
            self.assertEqual(self.t(m[100:200]).tobytes(), bytes(range(100)))
            src = self.t(m[TWO_GIB + 1000:TWO_GIB + 1000 + 64 * 4096:4096])
            src[:] = bytes(range(1, 65))
            m[1000:1000 + 64 * 4096:4096] = src
            self.assertEqual(self.t(m[1000:1000 + 64 * 4096:4096]).tobytes(), bytes(range(1, 65)))
            at = TWO_GIB + 300
            m[at:at + 20] = bytes(range(20))
            m[at:at + 20:2] = self.t(m[at + 1:at + 20:2])          # overlapping
            self.assertEqual(self.t(m[at:at + 20]).tolist(), [1, 1, 3, 3, 5, 5, 7, 7, 9, 9, 11, 11, 13, 13, 15, 15, 17, 17, 19, 19])

    def test_compare_count_index_past_two_gib(self):
        with self.view() as m:
            m[TWO_GIB + 400:TWO_GIB + 410] = b'abcabcabca'
            m[500:510] = b'abcabcabca'
            s = self.t(m[TWO_GIB + 400:TWO_GIB + 410])
            self.assertTrue(s == self.t(m[500:510]))
            self.assertEqual((s.count(ord('a')), s.index(ord('c')), ord('b') in s), (4, 2, True))
            m[509] = 0
            self.assertFalse(s == self.t(m[500:510]))
            self.assertEqual(m.index(ord('c'), TWO_GIB + 400, TWO_GIB + 410), TWO_GIB + 402)

    def test_whole_view_results_too_large_are_memory_errors(self):
        with self.view() as m:
            with self.assertRaisesRegex(MemoryError, r'^buffer: cannot copy 3221225472 bytes into one array$'):
                m.tobytes()
            with self.assertRaises(MemoryError):
                m.tolist()
            with self.assertRaises(MemoryError):
                m.hex()
            with self.assertRaises(MemoryError):
                self.t(m[:(1 << 30) + 1]).hex()   # 2**31+2 characters: longer than a str can be

    def test_ironpython_consumers_get_the_views_that_fit(self):
        with self.view() as m:
            with self.assertRaisesRegex(BufferError, r"^memoryview: the view is too large for IronPython's buffer interface"):
                memoryview(m)
            with self.assertRaisesRegex(BufferError, r"too large for IronPython's buffer interface"):
                memoryview(self.t(m[::1 << 30]))        # three items, but they span 2 GiB
            m[1 << 30], m[TWO_GIB] = 11, 12
            # Strided, at an offset past 2**31 in its block: IronPython gets only the bytes it spans.
            with memoryview(self.t(m[1 << 30::1 << 30])) as b:
                self.assertEqual(b.tolist(), [11, 12])
            self.assertEqual(bytes(self.t(m[TWO_GIB:TWO_GIB + 1])), b'\x0c')

    def test_struct_at_offsets_past_two_gib(self):
        with self.view() as m:
            struct.pack_into('<dq', m, TWO_GIB + 24, 2.5, -9)
            self.assertEqual(struct.unpack_from('<dq', m, TWO_GIB + 24), (2.5, -9))
            self.assertEqual(struct.unpack_from('<d', m, -(SIZE - TWO_GIB - 24)), (2.5,))
            with self.assertRaisesRegex(struct.error, r'^unpack requires a buffer of 8 bytes$'):
                struct.unpack('<d', m)

    def test_sparse_memory_mapped_file(self):
        from System.IO import FileMode
        from System.IO.MemoryMappedFiles import MemoryMappedFile
        path = os.path.join(tempfile.gettempdir(), 'newbuffer-large-%d.bin' % os.getpid())
        try:
            mapping = MemoryMappedFile.CreateFromFile(path, FileMode.CreateNew, None, SIZE)
        except (System.IO.IOException, EnvironmentError) as e:
            self.skipTest('cannot map a sparse file of %d bytes here (%s)' % (SIZE, e))
        try:
            accessor = mapping.CreateViewAccessor(0, SIZE)
            try:
                with self.t(mv(accessor)) as m:
                    self.assertGreaterEqual(m.nbytes, SIZE)
                    m[TWO_GIB + 17] = 123
                    self.assertEqual((accessor.ReadByte(TWO_GIB + 17), self.t(m[TWO_GIB + 16:TWO_GIB + 18]).tolist()), (123, [0, 123]))
            finally:
                accessor.Dispose()
        finally:
            mapping.Dispose()
            os.remove(path)


if __name__ == '__main__':
    unittest.main()
