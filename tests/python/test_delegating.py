"""Style 4: __buffer__ returns any object with a buffer (PEP 688 style, generalised)."""
import array
import struct
import unittest

import newbuffer
from support import Recorder, captured_stderr, collect, int_matrix


class Delegating(newbuffer.Buffer):
    def __init__(self, target):
        self.target = target
        self.log = Recorder()

    def __buffer__(self, flags):
        self.log.flags.append(flags)
        return self.target

    def __release_buffer__(self, view):
        self.log.released.append(view)


class NoFlags(newbuffer.Buffer):
    """The earlier proposal's signature: __buffer__(self)."""

    def __init__(self, data):
        self.data = data

    def __buffer__(self):
        return self.data


class DelegatingTests(unittest.TestCase):
    def test_view_obj_is_the_original_object(self):
        d = Delegating(bytearray(b'abc'))
        with newbuffer.memoryview(d) as m:
            self.assertIs(m.obj, d)
            self.assertEqual(m.tobytes(), b'abc')

    def test_targets_of_every_kind(self):
        targets = [
            bytearray(b'\x01\x02\x03\x04'),
            b'\x01\x02\x03\x04',
            array.array('b', [1, 2, 3, 4]),
            memoryview(bytearray(b'\x01\x02\x03\x04')),
            newbuffer.memoryview(bytearray(b'\x01\x02\x03\x04')),
            Delegating(bytearray(b'\x01\x02\x03\x04')),
        ]
        for target in targets:
            with self.subTest(target=type(target).__name__):
                self.assertEqual(bytes(Delegating(target)), b'\x01\x02\x03\x04')
                self.assertEqual(newbuffer.memoryview(Delegating(target)).tolist(), [1, 2, 3, 4])

    def test_cast_target_keeps_its_shape(self):
        d = Delegating(memoryview(int_matrix(2, 3)).cast('i', [2, 3]))
        m = newbuffer.memoryview(d)
        self.assertEqual((m.format, m.shape), ('i', (2, 3)))
        self.assertEqual(m.tolist(), [[0, 1, 2], [3, 4, 5]])
        self.assertEqual(memoryview(d).tolist(), [[0, 1, 2], [3, 4, 5]])

    def test_exporter_receives_the_consumers_flags(self):
        d = Delegating(bytearray(8))
        newbuffer.memoryview(d).release()
        memoryview(d).release()
        bytes(d)
        struct.pack_into('<i', d, 0, 7)
        self.assertEqual(d.log.flags, [newbuffer.PyBUF_FULL_RO, newbuffer.PyBUF_RECORDS_RO,
                                       newbuffer.PyBUF_FULL_RO, newbuffer.PyBUF_WRITABLE])
        self.assertEqual(d.target[:4], b'\x07\x00\x00\x00')

    def test_release_buffer_gets_what_buffer_returned_once(self):
        target = bytearray(b'xy')
        d = Delegating(target)
        m = newbuffer.memoryview(d)
        m[1:]  # released with m
        other = newbuffer.memoryview(m)  # a view of its own
        m.release()
        self.assertEqual(d.log.releases, 0, 'memoryview(m) still holds the export')
        other.release()
        self.assertEqual(d.log.released, [target])

    def test_dropped_views_are_released_by_the_collector(self):
        d = Delegating(bytearray(b'xy'))
        newbuffer.memoryview(d)[::2]
        memoryview(d)
        collect()
        self.assertEqual(d.log.gets, 2)
        self.assertEqual(d.log.releases, 2)

    def test_buffer_without_flags_argument(self):
        self.assertEqual(bytes(NoFlags(b'ok')), b'ok')
        self.assertEqual(newbuffer.memoryview(NoFlags(b'ok')).tobytes(), b'ok')

    def test_returning_no_buffer_is_a_type_error(self):
        with self.assertRaisesRegex(TypeError, r"__buffer__ returned an object without a buffer \(got 'int'\)"):
            newbuffer.memoryview(Delegating(42))

    def test_returning_itself_is_a_type_error(self):
        d = Delegating(None)
        d.target = d
        with self.assertRaisesRegex(TypeError, 'returned the object itself'):
            bytes(d)

    def test_a_cycle_is_a_recursion_error_not_a_crash(self):
        a, b = Delegating(None), Delegating(None)
        a.target, b.target = b, a
        with self.assertRaises(RecursionError):
            newbuffer.memoryview(a)

    def test_exception_in_buffer_propagates_and_nothing_is_released(self):
        class Failing(newbuffer.Buffer):
            released = 0

            def __buffer__(self, flags):
                raise KeyError('nope')

            def __release_buffer__(self, view):
                Failing.released += 1

        with self.assertRaises(KeyError):
            newbuffer.memoryview(Failing())
        with self.assertRaises(KeyError):
            bytes(Failing())
        self.assertEqual(Failing.released, 0)

    def test_readonly_target_refuses_writable_request(self):
        d = Delegating(b'abcd')
        with self.assertRaisesRegex(BufferError, 'Object is not writable|not writable'):
            newbuffer.memoryview._from_flags(d, newbuffer.PyBUF_WRITABLE)
        # IronPython's struct turns the BufferError into CPython's TypeError.
        with self.assertRaisesRegex(TypeError, 'read-write bytes-like object'):
            struct.pack_into('<i', d, 0, 1)
        # Refused answers are released once, in every style.
        self.assertEqual((d.log.gets, d.log.releases), (2, 2))

    def test_ironpython_consumer_gets_the_returned_buffer_with_obj_the_exporter(self):
        data = bytearray(b'abcd')
        d = Delegating(data)
        m = memoryview(d)  # IronPython's own memoryview: it is handed IronPython's answer, obj replaced
        self.assertIs(m.obj, d)
        m[0] = ord('z')
        self.assertEqual(data, bytearray(b'zbcd'))
        with self.assertRaises(BufferError):
            data.append(1)  # still exported through d
        self.assertEqual((d.log.gets, d.log.releases), (1, 0))
        m.release()
        self.assertEqual(d.log.released, [data])
        data.append(1)

    def test_ironpython_consumer_of_a_returned_cast_memoryview(self):
        d = Delegating(memoryview(int_matrix(2, 3)).cast('i', [2, 3]))
        m = memoryview(d)
        self.assertEqual((m.format, m.shape, m.tolist()), ('i', (2, 3), [[0, 1, 2], [3, 4, 5]]))
        m.release()
        self.assertEqual((d.log.gets, d.log.releases), (1, 1))

    def test_error_in_release_buffer_is_reported_not_raised(self):
        class Noisy(newbuffer.Buffer):
            def __buffer__(self, flags):
                return b'abc'

            def __release_buffer__(self, view):
                raise RuntimeError('release failed')

        with captured_stderr() as err:
            self.assertEqual(bytes(Noisy()), b'abc')
        self.assertIn('Exception ignored in', err.getvalue())
        self.assertIn('release failed', err.getvalue())

    def test_python_subclass_of_bytearray_exports_through_its_buffer_method(self):
        class Masked(bytearray):
            def __buffer__(self, flags):
                return b'masked'

        self.assertEqual(newbuffer.memoryview(Masked(b'raw')).tobytes(), b'masked')

    def test_isinstance_buffer_for_every_exporter(self):
        class Plain:
            def __buffer__(self, flags):
                return b''

        for obj in (Delegating(b''), Plain(), b'', bytearray(), array.array('b'), memoryview(b''), newbuffer.memoryview(b'')):
            self.assertIsInstance(obj, newbuffer.Buffer)
        for obj in (1, 'text', [1, 2], None, object()):
            self.assertNotIsInstance(obj, newbuffer.Buffer)
        self.assertTrue(issubclass(Plain, newbuffer.Buffer))
        self.assertTrue(issubclass(bytes, newbuffer.Buffer))
        self.assertFalse(issubclass(int, newbuffer.Buffer))

    def test_exporter_decorator_for_a_class_without_the_base(self):
        @newbuffer.exporter
        class Plain(object):
            'docstring'

            def __buffer__(self, flags):
                return b'decorated'

        self.assertEqual(bytes(Plain()), b'decorated')
        self.assertEqual(Plain.__name__, 'Plain')
        self.assertEqual(Plain.__doc__, 'docstring')
        self.assertEqual(memoryview(Plain()).tobytes(), b'decorated')


if __name__ == '__main__':
    unittest.main()
