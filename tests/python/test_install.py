"""newbuffer.install(): explicit and idempotent; `import newbuffer` alone changes nothing global."""
import collections.abc
import inspect
import sys
import unittest

import newbuffer

# Recorded at import, before any test here calls install() (each test file runs in its own engine).
BEFORE_STRUCT = sys.modules.get('struct')
BEFORE_FLAGS = hasattr(inspect, 'BufferFlags')
BEFORE_BUFFER = hasattr(collections.abc, 'Buffer')


class WithoutInstallTests(unittest.TestCase):
    def test_import_changes_nothing(self):
        self.assertIsNot(BEFORE_STRUCT, newbuffer.struct)
        self.assertFalse(BEFORE_FLAGS)
        self.assertFalse(BEFORE_BUFFER)


class InstallTests(unittest.TestCase):
    def setUp(self):
        newbuffer.install()

    def test_struct_modules(self):
        import struct
        import _struct
        self.assertIs(struct, newbuffer.struct)
        self.assertIs(_struct, newbuffer.struct)
        self.assertEqual(struct.pack('<e', 1.5), b'\x00>')

    def test_idempotent(self):
        newbuffer.install()
        newbuffer.install()
        self.assertIs(sys.modules['struct'], newbuffer.struct)
        self.assertIs(collections.abc.Buffer, newbuffer.Buffer)
        self.assertEqual(collections.abc.__all__.count('Buffer'), 1)

    def test_buffer_flags(self):
        self.assertIs(inspect.BufferFlags, newbuffer.BufferFlags)
        self.assertEqual(inspect.BufferFlags.FULL_RO, 284)
        self.assertEqual(inspect.BufferFlags.WRITABLE | inspect.BufferFlags.FORMAT, 5)

    def test_buffer_abc(self):
        import array
        import ctypes
        Buffer = collections.abc.Buffer
        for obj in (b'', bytearray(), memoryview(b''), newbuffer.memoryview(b''), array.array('i'), ctypes.c_int()):
            with self.subTest(obj=type(obj).__name__):
                self.assertIsInstance(obj, Buffer)
        for obj in ('', 1, [], None):
            with self.subTest(obj=type(obj).__name__):
                self.assertNotIsInstance(obj, Buffer)

        class Exporter:
            def __buffer__(self, flags):
                return memoryview(b'x')

        self.assertIsInstance(Exporter(), Buffer)
        self.assertTrue(issubclass(Exporter, Buffer))
        self.assertTrue(issubclass(bytes, Buffer))
        self.assertFalse(issubclass(str, Buffer))


if __name__ == '__main__':
    unittest.main()
