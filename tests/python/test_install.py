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
# Also a failed lookup IronPython's binder caches: install() must forget it.
BEFORE_METHODS = [hasattr(t, name) for t in (bytes, bytearray, memoryview) for name in ('__buffer__', '__release_buffer__')]
BEFORE_MEMORYVIEW = memoryview


def _exports():
    class Own(bytearray):
        def __buffer__(self, flags):
            return newbuffer.memoryview(b'own')

    class Plain(bytearray):
        pass

    return (newbuffer.memoryview(Own(b'x')).tobytes(), newbuffer.memoryview(Plain(b'x')).tobytes(),
            hasattr(Plain(b'x'), '__buffer__'))


BEFORE_EXPORTS = _exports()
# IronPython shares builtin types between the runtimes of a process: when another engine here
# already installed, new subclasses may see its methods.
INSTALLED_ELSEWHERE = newbuffer._pep688_in_process()


class WithoutInstallTests(unittest.TestCase):
    def test_import_changes_nothing(self):
        self.assertIsNot(BEFORE_STRUCT, newbuffer.struct)
        self.assertFalse(BEFORE_FLAGS)
        self.assertFalse(BEFORE_BUFFER)
        self.assertEqual(BEFORE_METHODS, [False] * 6)
        self.assertIsNot(BEFORE_MEMORYVIEW, newbuffer.memoryview)

    def test_exporters_unchanged(self):
        # What a program that never calls install() sees (recorded at import): a bytearray
        # subclass with __buffer__ exports through it, one without exports natively, and
        # bytearray has no __buffer__ of its own. Another runtime of this process that installed (the
        # NUnit harness runs every file in one process) may have made it visible here; run alone
        # (scripts/ipy tests/python/test_install.py) the last check always runs.
        self.assertEqual(BEFORE_EXPORTS[:2], (b'own', b'x'))
        if not INSTALLED_ELSEWHERE:
            self.assertFalse(BEFORE_EXPORTS[2])


class InstallTests(unittest.TestCase):
    def setUp(self):
        newbuffer.install()

    def test_builtin_methods_are_a_fact_of_the_process(self):
        self.assertTrue(newbuffer._pep688_in_process())

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

    def test_builtin_methods(self):
        for obj in (b'x', bytearray(b'x'), BEFORE_MEMORYVIEW(b'x')):
            with self.subTest(type=type(obj).__name__):
                view = obj.__buffer__(0)
                self.assertEqual(view.tobytes(), b'x')
                obj.__release_buffer__(view)

    def test_memoryview_option(self):
        import builtins
        try:
            newbuffer.install(memoryview=True)
            self.assertIs(builtins.memoryview, newbuffer.memoryview)
            newbuffer.install()
            self.assertIs(builtins.memoryview, newbuffer.memoryview)   # False leaves it as it is
        finally:
            builtins.memoryview = BEFORE_MEMORYVIEW

    def test_strict_option(self):
        class Returns:
            def __init__(self, value):
                self.value = value

            def __buffer__(self, flags):
                return self.value

        class NoFlags:
            def __buffer__(self):
                return newbuffer.memoryview(b'n')

        try:
            newbuffer.install(strict=True)
            self.assertRaisesRegex(TypeError, '__buffer__ returned non-memoryview object', newbuffer.memoryview, Returns(b'b'))
            self.assertRaises(TypeError, newbuffer.memoryview, NoFlags())
            self.assertEqual(newbuffer.memoryview(Returns(BEFORE_MEMORYVIEW(b'i'))).tobytes(), b'i')
            self.assertEqual(newbuffer.memoryview(Returns(newbuffer.memoryview(b'o'))).tobytes(), b'o')
        finally:
            newbuffer.install()
        self.assertEqual(newbuffer.memoryview(Returns(b'b')).tobytes(), b'b')
        self.assertEqual(newbuffer.memoryview(NoFlags()).tobytes(), b'n')

    def test_plain_class_consumers(self):
        # PEP 688's idiom without a base class: newbuffer's consumers (its memoryview, struct after
        # install()) take it; IronPython's own cannot (README, "Which IronPython consumers accept
        # our exporters"), and say so as before.
        import struct

        class Plain:
            def __buffer__(self, flags):
                return newbuffer.memoryview(b'\x01\x00')

        self.assertEqual(newbuffer.memoryview(Plain()).tobytes(), b'\x01\x00')
        self.assertEqual(struct.unpack('<h', Plain()), (1,))
        self.assertRaisesRegex(TypeError, "'Plain' object is not iterable", bytes, Plain())
        self.assertRaisesRegex(TypeError, "'Plain' object is not iterable", bytearray().extend, Plain())
        self.assertEqual(bytes(newbuffer.exporter(Plain)()), b'\x01\x00')

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
