""".NET memory as buffers (NewBuffer.Clr): arrays of every primitive type, any rank, Memory<T>,
ReadOnlyMemory<T>, ArraySegment<T>, memory-mapped views and native blocks, zero-copy through
newbuffer.memoryview, with the format, shape and values .NET holds, and writes landing in .NET memory."""
import unittest

import clr
import System
from System import Array

clr.AddReference('System.IO.MemoryMappedFiles')
import newbuffer
from newbuffer import memoryview as mv
from newbuffer import struct  # native sizes as newbuffer's memoryview has them ('n' is 8 bytes, as ctypes says)

ROWS = [
    # .NET type, format, values (as Python reads them back)
    (System.SByte, 'b', [-128, 5, 127]),
    (System.Byte, 'B', [0, 255]),
    (System.Int16, 'h', [-32768, 32767]),
    (System.UInt16, 'H', [0, 65535]),
    (System.Int32, 'i', [-2 ** 31, 7, 2 ** 31 - 1]),
    (System.UInt32, 'I', [0, 2 ** 32 - 1]),
    (System.Int64, 'q', [-2 ** 63, 2 ** 63 - 1]),
    (System.UInt64, 'Q', [0, 2 ** 64 - 1]),
    (System.Single, 'f', [1.5, -0.25]),
    (System.Double, 'd', [2.5, -1e300]),
    (System.Boolean, '?', [True, False]),
    (System.IntPtr, 'n', [-5, 2 ** 40]),
    (System.UIntPtr, 'N', [7, 2 ** 40]),
]


def dotnet_array(t, values):
    if t is System.IntPtr:
        return Array[t]([System.IntPtr(v) for v in values])
    if t is System.UIntPtr:
        return Array[t]([System.UIntPtr(System.UInt64(v)) for v in values])
    return Array[t](values)


class ArrayTests(unittest.TestCase):
    def test_every_primitive_type_round_trips(self):
        for t, fmt, values in ROWS:
            with self.subTest(type=t.__name__):
                a = dotnet_array(t, values)
                m = mv(a)
                self.assertEqual((m.format, m.itemsize, m.shape, m.strides, m.readonly),
                                 (fmt, struct.calcsize(fmt), (len(values),), (struct.calcsize(fmt),), False))
                self.assertEqual(m.tolist(), values)
                self.assertEqual(m.tobytes(), struct.pack('%d%s' % (len(values), fmt), *values))
                m[0] = values[-1]
                self.assertEqual(mv(a)[0], values[-1])

    def test_char_is_a_utf16_code_unit(self):
        a = Array[System.Char]('hé')
        m = mv(a)
        self.assertEqual((m.format, m.itemsize, m.tolist()), ('H', 2, [104, 233]))
        m[0] = ord('H')
        self.assertEqual(a[0], 'H')

    def test_multi_dimensional_arrays_are_row_major(self):
        a = Array.CreateInstance(System.Int32, 2, 3, 4)
        for i in range(2):
            for j in range(3):
                for k in range(4):
                    a[i, j, k] = 100 * i + 10 * j + k
        m = mv(a)
        self.assertEqual((m.shape, m.strides, m.c_contiguous), ((2, 3, 4), (48, 16, 4), True))
        self.assertEqual(m.tolist()[1][2], [120, 121, 122, 123])
        m[1, 0, 3] = -1
        self.assertEqual(a[1, 0, 3], -1)
        self.assertEqual(m.cast('B').cast('i', (4, 6))[3].tolist(), [112, 113, 120, 121, 122, 123])
        self.assertEqual(mv(a)[1, ::2, -1].tolist(), [-1, 123])

    def test_jagged_arrays_and_arrays_of_objects_are_refused_saying_why(self):
        jagged = Array[Array[System.Int32]]([Array[System.Int32]([1])])
        with self.assertRaisesRegex(TypeError, r'^memoryview: a jagged array \(Int32\[\]\[\]\) is not one block of memory'):
            mv(jagged)
        with self.assertRaisesRegex(TypeError, '^memoryview: String\\[\\]: elements of type String have no struct format'):
            mv(Array[str](['a']))

    def test_empty_arrays(self):
        self.assertEqual(mv(Array[System.Double]([])).tolist(), [])
        self.assertEqual(mv(Array.CreateInstance(System.Int16, 0, 3)).shape, (0, 3))

    def test_ironpythons_consumers_read_them_through_our_memoryview(self):
        a = Array[System.Int16]([1, 2])
        self.assertEqual(bytes(mv(a)), b'\x01\x00\x02\x00')
        target = bytearray(4)
        target[:] = mv(a)
        self.assertEqual(target, b'\x01\x00\x02\x00')


class MemoryTests(unittest.TestCase):
    def test_memory_slices_are_views_of_the_array(self):
        a = Array[System.Int32]([5, 6, 7, 8])
        m = mv(System.Memory[System.Int32](a, 1, 2))
        self.assertEqual((m.format, m.tolist()), ('i', [6, 7]))
        m[1] = 70
        self.assertEqual(a[2], 70)

    def test_read_only_memory_is_read_only(self):
        a = Array[System.Double]([1.0])
        m = mv(System.ReadOnlyMemory[System.Double](a))
        self.assertTrue(m.readonly)
        with self.assertRaisesRegex(TypeError, '^cannot modify read-only memory$'):
            m[0] = 2.0
        with self.assertRaisesRegex(BufferError, r'^ReadOnlyMemory<Double>: underlying buffer is not writable$'):
            newbuffer.get_buffer(System.ReadOnlyMemory[System.Double](a), newbuffer.PyBUF_WRITABLE)

    def test_array_segment(self):
        a = Array[System.UInt16]([1, 2, 3])
        self.assertEqual(mv(System.ArraySegment[System.UInt16](a, 1, 2)).tolist(), [2, 3])

    def test_memory_mapped_view_accessor_sized_by_capacity(self):
        from System.IO.MemoryMappedFiles import MemoryMappedFile, MemoryMappedFileAccess
        mapping = MemoryMappedFile.CreateNew(None, 4096)
        try:
            accessor = mapping.CreateViewAccessor(10, 20)
            m = mv(accessor)
            self.assertEqual((m.format, len(m), m.readonly), ('B', accessor.Capacity, False))
            m[0] = 42
            self.assertEqual(accessor.ReadByte(0), 42)
            m.release()
            accessor.Dispose()
            with self.assertRaisesRegex(BufferError, r'^MemoryMappedViewAccessor: no memory to export \(it was disposed\)$'):
                mv(accessor)
            reader = mapping.CreateViewAccessor(10, 20, MemoryMappedFileAccess.Read)
            self.assertTrue(mv(reader).readonly)
            self.assertEqual(mv(reader)[0], 42)
            reader.Dispose()
        finally:
            mapping.Dispose()


if __name__ == '__main__':
    unittest.main()
