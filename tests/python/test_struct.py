"""newbuffer.struct: CPython 3.13's struct module on newbuffer's codec (messages checked against CPython 3.13)."""
import array
import ctypes
import unittest

import newbuffer
from newbuffer import struct

import _testbuffer


class NativeSizeTests(unittest.TestCase):
    """One native ABI for struct, memoryview and _testbuffer: 'l' as ctypes.c_long, 'n' as c_ssize_t, 'P' as c_void_p."""

    def test_sizes_follow_ctypes(self):
        self.assertEqual(struct.calcsize('l'), ctypes.sizeof(ctypes.c_long))
        self.assertEqual(struct.calcsize('L'), ctypes.sizeof(ctypes.c_ulong))
        self.assertEqual(struct.calcsize('n'), ctypes.sizeof(ctypes.c_ssize_t))
        self.assertEqual(struct.calcsize('N'), ctypes.sizeof(ctypes.c_size_t))
        self.assertEqual(struct.calcsize('P'), ctypes.sizeof(ctypes.c_void_p))

    def test_array_l_matches(self):
        self.assertEqual(struct.calcsize('l'), array.array('l').itemsize)

    def test_memoryview_and_testbuffer_agree(self):
        for code in 'lLnNP':
            with self.subTest(code=code):
                size = struct.calcsize(code)
                self.assertEqual(newbuffer.memoryview(bytearray(size * 2)).cast(code).itemsize, size)
                self.assertEqual(_testbuffer.ndarray(list(range(2)), shape=[2], format=code).itemsize, size)


class FunctionTests(unittest.TestCase):
    def test_half_float(self):
        self.assertEqual(struct.pack('<e', 1.5), b'\x00>')
        self.assertEqual(struct.unpack('<e', b'\x00>'), (1.5,))

    def test_repeated_bool(self):
        self.assertEqual(struct.pack('2?', 1, 0), b'\x01\x00')
        self.assertEqual(struct.unpack('3?', b'\x00\x02\x01'), (False, True, True))

    def test_bool_uses_python_truth(self):
        class Falsy:
            def __bool__(self):
                return False

        class Exploding:
            def __bool__(self):
                raise OSError

        self.assertEqual(struct.pack('?', Falsy()), b'\x00')
        self.assertRaises(OSError, struct.pack, '?', Exploding())

    def test_index_and_float_conversions(self):
        class Index:
            def __index__(self):
                return 7

        class Float:
            def __float__(self):
                return 2.5

        self.assertEqual(struct.pack('<h', Index()), b'\x07\x00')
        self.assertEqual(struct.pack('<d', Float()), struct.pack('<d', 2.5))
        self.assertEqual(struct.pack('<d', Index()), struct.pack('<d', 7.0))

    def test_bytes_codes(self):
        self.assertEqual(struct.pack('3s', bytearray(b'a')), b'a\x00\x00')
        self.assertEqual(struct.pack('3p', b'abc'), b'\x02ab')
        self.assertEqual(struct.unpack('c', b'x'), (b'x',))

    def test_pack_into_and_unpack_from(self):
        buffer = bytearray(8)
        struct.pack_into('<i', buffer, 2, 7)
        self.assertEqual(buffer, bytearray(b'\x00\x00\x07\x00\x00\x00\x00\x00'))
        struct.pack_into('<h', buffer, -2, -1)
        self.assertEqual(buffer[-2:], bytearray(b'\xff\xff'))
        self.assertEqual(struct.unpack_from('<i', buffer, 2), (7,))
        self.assertEqual(struct.unpack_from('<h', buffer=bytes(buffer), offset=-2), (-1,))
        self.assertEqual(struct.unpack_from('<i', memoryview(buffer)), (0x70000,))

    def test_any_exporter(self):
        class Exporter(newbuffer.Buffer):
            def __init__(self):
                self.data = bytearray(b'\x01\x00\x02\x00')

            def __buffer__(self, flags):
                return memoryview(self.data)

        exporter = Exporter()
        self.assertEqual(struct.unpack('<2h', exporter), (1, 2))
        struct.pack_into('<h', exporter, 0, 9)
        self.assertEqual(exporter.data[0], 9)
        self.assertEqual(struct.unpack('<2i', array.array('i', [3, 4])), (3, 4))

    def test_iter_unpack(self):
        it = struct.iter_unpack('<h', b'\x01\x00\x02\x00')
        self.assertEqual(it.__length_hint__(), 2)
        self.assertEqual(next(it), (1,))
        self.assertEqual(it.__length_hint__(), 1)
        self.assertEqual(list(it), [(2,)])
        self.assertEqual(it.__length_hint__(), 0)
        self.assertRaises(StopIteration, next, it)
        with self.assertRaisesRegex(TypeError, "cannot create '_struct.unpack_iterator' instances"):
            type(it)()

    def test_cache(self):
        self.assertEqual(struct.calcsize('<i'), 4)
        self.assertEqual(struct.calcsize(b'<i'), 4)
        struct._clearcache()
        self.assertEqual(struct.calcsize('<q'), 8)

    def test_error_is_struct_error(self):
        import struct as ironpython_struct
        self.assertIs(struct.error, ironpython_struct.error)
        self.assertEqual(sorted(struct.__all__),
                         ['Struct', 'calcsize', 'error', 'iter_unpack', 'pack', 'pack_into', 'unpack', 'unpack_from'])


class StructTests(unittest.TestCase):
    def test_attributes(self):
        s = struct.Struct('=i2H')
        self.assertEqual(s.format, '=i2H')
        self.assertEqual(s.size, 8)
        self.assertEqual(repr(s), "Struct('=i2H')")
        self.assertEqual(struct.Struct(b'=i2H').format, '=i2H')
        self.assertEqual(struct.Struct(format='h').size, 2)

    def test_methods(self):
        s = struct.Struct('<hh')
        self.assertEqual(s.pack(1, 2), b'\x01\x00\x02\x00')
        self.assertEqual(s.unpack(b'\x01\x00\x02\x00'), (1, 2))
        buffer = bytearray(6)
        s.pack_into(buffer, 2, 3, 4)
        self.assertEqual(s.unpack_from(buffer, 2), (3, 4))
        self.assertEqual(list(s.iter_unpack(bytes(8))), [(0, 0), (0, 0)])

    def test_subclass_calls_init(self):
        class MyStruct(struct.Struct):
            def __init__(self):
                super().__init__('>h')

        self.assertEqual(MyStruct().pack(12345), b'\x30\x39')


class ErrorTests(unittest.TestCase):
    def check(self, error, message, func, *args, **kwargs):
        with self.assertRaises(error) as caught:
            func(*args, **kwargs)
        self.assertEqual(str(caught.exception), message)

    def test_format_argument(self):
        self.check(TypeError, "Struct() missing required argument 'format' (pos 1)", struct.Struct)
        self.check(TypeError, 'Struct() argument 1 must be a str or bytes object, not int', struct.Struct, 5)
        self.check(TypeError, 'Struct() argument 1 must be a str or bytes object, not int', struct.calcsize, 3)
        self.check(struct.error, 'bad char in struct format', struct.Struct, b'\xff')
        self.check(struct.error, 'bad char in struct format', struct.calcsize, 'e!')
        self.check(TypeError, 'missing format argument', struct.pack)
        self.assertRaises(UnicodeEncodeError, struct.Struct, '\u20ac')

    def test_values(self):
        self.check(struct.error, 'char format requires a bytes object of length 1', struct.pack, 'c', bytearray(b'a'))
        self.check(struct.error, "argument for 's' must be a bytes object", struct.pack, '3s', 'abc')
        self.check(struct.error, 'required argument is not an integer', struct.pack, 'i', 1.5)
        self.check(struct.error, 'required argument is not a float', struct.pack, 'd', '1')
        self.check(struct.error, "'n' format requires -9223372036854775808 <= number <= 9223372036854775807", struct.pack, 'n', 2 ** 64)
        self.check(struct.error, "'i' format requires -2147483648 <= number <= 2147483647", struct.pack, 'i', 2 ** 70)
        self.check(OverflowError, 'float too large to pack with e format', struct.pack, 'e', 1e10)
        self.check(OverflowError, 'float too large to pack with f format', struct.pack, '<f', 1e300)
        self.check(struct.error, 'pack expected 1 items for packing (got 0)', struct.pack, 'i')

    def test_buffers(self):
        self.check(TypeError, 'argument must be read-write bytes-like object, not bytes', struct.pack_into, 'i', b'1234', 0, 1)
        self.check(TypeError, 'argument must be read-write bytes-like object, not int', struct.pack_into, 'i', 5, 0, 1)
        self.check(TypeError, "a bytes-like object is required, not 'int'", struct.unpack_from, 'i', 5)
        self.check(TypeError, "a bytes-like object is required, not 'str'", struct.unpack, 'i', 'abcd')
        self.check(BufferError, 'memoryview: underlying buffer is not C-contiguous',
                   struct.unpack_from, 'i', newbuffer.memoryview(bytearray(8))[::2])
        self.check(struct.error, 'unpack requires a buffer of 4 bytes', struct.unpack, 'i', b'123')

    def test_pack_into_arguments(self):
        self.check(struct.error, 'pack_into expected buffer argument', struct.Struct('i').pack_into)
        self.check(struct.error, 'pack_into expected offset argument', struct.pack_into, 'i', bytearray(4))
        self.check(struct.error, 'pack_into expected 1 items for packing (got 0)', struct.pack_into, 'i', bytearray(4), 0)
        self.check(struct.error, 'pack_into expected 1 items for packing (got 2)', struct.pack_into, 'i', bytearray(4), 0, 1, 2)
        self.check(TypeError, "'str' object cannot be interpreted as an integer", struct.pack_into, 'i', bytearray(4), 'a', 1)

    def test_offsets(self):
        data = b'12345678'
        self.check(struct.error, 'offset -9 out of range for 8-byte buffer', struct.unpack_from, 'i', data, offset=-9)
        self.check(struct.error, 'not enough data to unpack 4 bytes at offset -2', struct.unpack_from, 'i', data, -2)
        self.check(struct.error, 'unpack_from requires a buffer of at least 10 bytes for unpacking 4 bytes at offset 6 '
                   '(actual buffer size is 8)', struct.unpack_from, 'i', data, 6)
        self.check(struct.error, 'offset -9 out of range for 8-byte buffer', struct.pack_into, 'i', bytearray(8), -9, 1)
        self.check(struct.error, 'no space to pack 4 bytes at offset -2', struct.pack_into, 'i', bytearray(8), -2, 1)
        self.check(struct.error, 'pack_into requires a buffer of at least 20 bytes for packing 4 bytes at offset 16 '
                   '(actual buffer size is 8)', struct.pack_into, 'i', bytearray(8), 16, 1)

    def test_size_limit_is_sys_maxsize(self):
        import sys
        self.assertEqual(struct.calcsize('%dx' % sys.maxsize), sys.maxsize)
        self.check(struct.error, 'total struct size too long', struct.calcsize, '%db' % (sys.maxsize + 1))
        self.check(struct.error, 'total struct size too long', struct.calcsize, '%db%dH' % (sys.maxsize // 2, sys.maxsize // 2))

    def test_iter_unpack_errors(self):
        self.check(struct.error, 'iterative unpacking requires a buffer of a multiple of 4 bytes', struct.iter_unpack, 'i', b'123')
        self.check(struct.error, 'cannot iteratively unpack with a struct of length 0', struct.iter_unpack, '', b'123')

    def test_failed_pack_into_writes_nothing(self):
        buffer = bytearray(4)
        self.assertRaises(struct.error, struct.pack_into, '<hh', buffer, 0, 1, 2 ** 20)
        self.assertEqual(buffer, bytearray(4))


if __name__ == '__main__':
    unittest.main()
