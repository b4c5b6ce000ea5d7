"""Subclasses of IronPython's buffer types as PEP 688 exporters (issue #15, parts 3 and 6).

After newbuffer.install(): super().__buffer__(flags) reaches the builtin's __buffer__, an overriding
__release_buffer__ is called back once, and newbuffer.exporter on a bytearray (array, ctypes)
subclass makes IronPython's own consumers (bytes(), its memoryview) use the overrides too.
"""
import array
import ctypes
import unittest

import newbuffer

# IronPython's own memoryview, whatever builtins.memoryview becomes.
IronPythonMemoryView = type(memoryview(b''))


class BuiltinMethodsTests(unittest.TestCase):
    def setUp(self):
        newbuffer.install()

    def test_each_builtin_type(self):
        for obj, fmt, readonly in ((b'ab', 'B', True), (bytearray(b'ab'), 'B', False), (IronPythonMemoryView(b'ab'), 'B', True),
                                   (array.array('h', [1, 2]), 'h', False), (ctypes.c_double(1.5), '<d', False)):
            with self.subTest(type=type(obj).__name__):
                view = obj.__buffer__(newbuffer.PyBUF_FULL_RO)
                self.assertIs(type(view), newbuffer.memoryview)
                self.assertIs(view.obj, obj)
                self.assertEqual(view.format, fmt)
                self.assertEqual(view.readonly, readonly)
                obj.__release_buffer__(view)
                self.assertRaises(ValueError, view.tobytes)

    def test_flags_are_the_request(self):
        ba = bytearray(b'abcd')
        simple = ba.__buffer__(newbuffer.PyBUF_SIMPLE)
        self.assertFalse(simple.readonly)
        self.assertRaises(BufferError, ba.append, 1)
        ba.__release_buffer__(simple)
        ba.append(1)
        self.assertRaisesRegex(BufferError, 'not writable', b'x'.__buffer__, newbuffer.PyBUF_WRITABLE)

    def test_flag_errors(self):
        ba = bytearray(b'a')
        self.assertRaisesRegex(OverflowError, 'buffer flags too large', ba.__buffer__, 2 ** 31)
        self.assertRaisesRegex(OverflowError, "cannot fit 'int' into an index-sized integer", ba.__buffer__, 2 ** 63)
        self.assertRaisesRegex(TypeError, "'str' object cannot be interpreted as an integer", ba.__buffer__, 'x')

    def test_release_errors(self):
        ba = bytearray(b'a')
        self.assertRaisesRegex(TypeError, 'expected a memoryview object', ba.__release_buffer__, b'x')
        self.assertRaisesRegex(ValueError, "memoryview's buffer is not this object", ba.__release_buffer__, newbuffer.memoryview(b'x'))
        self.assertRaisesRegex(ValueError, "memoryview's buffer is not this object", ba.__release_buffer__, IronPythonMemoryView(b'x'))
        view = ba.__buffer__(0)
        view.release()
        self.assertRaisesRegex(ValueError, 'already been released', ba.__release_buffer__, view)


class SubclassTests(unittest.TestCase):
    def setUp(self):
        newbuffer.install()

    def test_super_buffer(self):
        class A(bytearray):
            def __buffer__(self, flags):
                return super().__buffer__(flags)

        a = A(b'hello')
        with newbuffer.memoryview(a) as m:
            self.assertEqual(m.tobytes(), b'hello')
            self.assertRaises(BufferError, a.append, 1)
        a.append(1)    # the view super() made ended with the request

    def test_release_called_back_once(self):
        calls = []

        class B(bytearray):
            def __release_buffer__(self, view):
                calls.append(view.tobytes())
                super().__release_buffer__(view)

        b = B(b'hi')
        with newbuffer.memoryview(b) as m:
            self.assertEqual(calls, [])
            self.assertEqual(m.tobytes(), b'hi')
        self.assertEqual(calls, [b'hi'])
        b.clear()

    def test_released_view_is_restricted(self):
        seen = {}

        class C(bytearray):
            def __release_buffer__(self, view):
                for name, make in (('memoryview', lambda: newbuffer.memoryview(view)), ('cast', lambda: view.cast('b')),
                                   ('toreadonly', view.toreadonly), ('slice', lambda: view[:1])):
                    try:
                        make()
                    except ValueError as e:
                        seen[name] = str(e)
                seen['bytes'] = view.tobytes()
                seen['view'] = view

        c = C(b'abc')
        with newbuffer.memoryview(c):
            pass
        self.assertEqual(seen.pop('bytes'), b'abc')
        view = seen.pop('view')
        self.assertEqual(set(seen.values()), {'cannot create new view on restricted memoryview'})
        self.assertEqual(len(seen), 4)
        c.clear()
        self.assertRaises(ValueError, view.tobytes)

    def test_plain_subclass_exports_natively(self):
        class D(bytearray):
            pass

        with newbuffer.memoryview(D(b'xy')) as m:
            self.assertEqual(m.tobytes(), b'xy')
            self.assertIs(type(m.obj), D)

    def test_strict_refuses_non_memoryview(self):
        class E(bytearray):
            def __buffer__(self, flags):
                return b'other'

        try:
            newbuffer.install(strict=True)
            self.assertRaisesRegex(TypeError, '__buffer__ returned non-memoryview object', newbuffer.memoryview, E())
        finally:
            newbuffer.install()
        with newbuffer.memoryview(E()) as m:
            self.assertEqual(m.tobytes(), b'other')


class ExporterOnBuiltinSubclassTests(unittest.TestCase):
    def test_bytearray_subclass(self):
        released = []

        @newbuffer.exporter
        class B(bytearray):
            def __buffer__(self, flags):
                return newbuffer.memoryview(b'exported')

            def __release_buffer__(self, view):
                released.append(view)

        b = B(b'own')
        self.assertIsInstance(b, bytearray)
        self.assertEqual(bytes(b), b'exported')
        self.assertEqual(len(released), 1)
        with IronPythonMemoryView(b) as m:
            self.assertEqual(m.tobytes(), b'exported')
        self.assertEqual(len(released), 2)
        with newbuffer.memoryview(b) as m:
            self.assertEqual(m.tobytes(), b'exported')
        self.assertEqual(len(released), 3)
        self.assertEqual(b, bytearray(b'own'))
        self.assertIn(newbuffer._BufferBridge, type(b).__mro__)

    def test_without_overrides_stays_native(self):
        @newbuffer.exporter
        class A(array.array):
            pass

        a = A('i', [7])
        self.assertEqual(bytes(a), array.array('i', [7]).tobytes())
        self.assertIs(newbuffer.exporter(A), A)

    def test_bytearray_subclass_without_overrides(self):
        @newbuffer.exporter
        class F(bytearray):
            pass

        self.assertEqual(bytes(F(b'q')), b'q')
        with IronPythonMemoryView(F(b'r')) as m:
            self.assertEqual(m.tobytes(), b'r')


if __name__ == '__main__':
    unittest.main()
