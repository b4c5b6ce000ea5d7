"""Style 3: __getbuffer__(self, flags) returns a memoryview; __releasebuffer__(self, view) gets it back."""
import struct
import unittest

import newbuffer
from support import Recorder, captured_stderr, collect, int_matrix


class Matrix(newbuffer.Buffer):
    """A 2-D int matrix exporting a cast of its storage."""

    def __init__(self, rows, cols, readonly=False, builtin=False):
        self.data = int_matrix(rows, cols)
        self.shape = [rows, cols]
        self.readonly = readonly
        self.builtin = builtin
        self.log = Recorder()

    def __getbuffer__(self, flags):
        self.log.flags.append(flags)
        view = (memoryview if self.builtin else newbuffer.memoryview)(self.data)
        if self.readonly:
            view = view.toreadonly() if not self.builtin else memoryview(bytes(self.data))
        return view.cast('i', self.shape)

    def __releasebuffer__(self, view):
        self.log.released.append(view)


class Tagged(newbuffer.memoryview):
    """A memoryview subclass carrying state, as an exporter may hand back."""

    def __init__(self, obj, tag):
        self.tag = tag


class GetBufferTests(unittest.TestCase):
    def test_consumers_see_the_cast_view(self):
        for builtin in (False, True):
            with self.subTest(builtin=builtin):
                m = Matrix(2, 3, builtin=builtin)
                self.assertEqual(newbuffer.memoryview(m).tolist(), [[0, 1, 2], [3, 4, 5]])
                self.assertEqual(memoryview(m).tolist(), [[0, 1, 2], [3, 4, 5]])
                self.assertEqual(struct.unpack_from('6i', m), (0, 1, 2, 3, 4, 5))
                self.assertEqual(bytes(m), bytes(m.data))

    def test_obj_is_exporter_and_internal_is_the_memoryview(self):
        m = Matrix(2, 2)
        view = newbuffer.get_buffer(m, newbuffer.PyBUF_RECORDS_RO)
        self.assertIs(view.obj, m)
        self.assertIsInstance(view.internal, newbuffer.memoryview)
        self.assertEqual(view.internal.shape, (2, 2))
        returned = view.internal
        view.release_buffer()
        self.assertEqual(len(m.log.released), 1)
        self.assertIs(m.log.released[0], returned)

    def test_release_once_per_request(self):
        m = Matrix(2, 2)
        for _ in range(3):
            with newbuffer.memoryview(m) as v:
                v[0, 0]
        bytes(m)
        memoryview(m)
        collect()
        self.assertEqual((m.log.gets, m.log.releases), (5, 5))

    def test_flags_reach_the_exporter(self):
        m = Matrix(1, 1)
        newbuffer.memoryview._from_flags(m, newbuffer.PyBUF_STRIDED).release()
        self.assertEqual(m.log.flags, [newbuffer.PyBUF_STRIDED])

    def test_readonly_view_answering_writable_request_is_released_once(self):
        # As BufferMixin's refused answers: __getbuffer__ did its work, so __releasebuffer__ gets it back.
        m = Matrix(1, 2, readonly=True)
        with self.assertRaisesRegex(BufferError, 'memoryview: underlying buffer is not writable'):
            newbuffer.memoryview._from_flags(m, newbuffer.PyBUF_WRITABLE)
        self.assertEqual(m.log.releases, 1)

    def test_simple_request_of_a_cast_view_fails_like_cpython(self):
        m = Matrix(2, 2)
        with self.assertRaisesRegex(BufferError, 'cannot cast to unsigned bytes if the format flag is present'):
            newbuffer.memoryview._from_flags(m, newbuffer.PyBUF_FORMAT)

    def test_ironpython_consumer_of_a_returned_ironpython_memoryview(self):
        data = bytearray(b'abcd')
        returned = []

        class Theirs(newbuffer.Buffer):
            def __getbuffer__(self, flags):
                returned.append(memoryview(data))
                return returned[-1]

            def __releasebuffer__(self, view):
                self.released = view

        t = Theirs()
        m = memoryview(t)
        self.assertIs(m.obj, t)
        self.assertEqual(m.tobytes(), b'abcd')
        m.release()
        self.assertIs(t.released, returned[0])

    def test_non_memoryview_return_is_a_type_error(self):
        class Bad(newbuffer.Buffer):
            def __getbuffer__(self, flags):
                return bytearray(4)

        with self.assertRaisesRegex(TypeError, r"__getbuffer__ returned non-memoryview object \(got 'bytearray'\)"):
            newbuffer.memoryview(Bad())
        with self.assertRaises(TypeError):
            bytes(Bad())

    def test_memoryview_subclass_carrying_state(self):
        class Stateful(newbuffer.Buffer):
            released = []

            def __getbuffer__(self, flags):
                return Tagged(bytearray(b'tagged'), tag=42)

            def __releasebuffer__(self, view):
                Stateful.released.append(view.tag)

        self.assertEqual(bytes(Stateful()), b'tagged')
        self.assertEqual(Stateful.released, [42])

    def test_error_in_releasebuffer_is_reported(self):
        class Noisy(newbuffer.Buffer):
            def __getbuffer__(self, flags):
                return newbuffer.memoryview(b'x')

            def __releasebuffer__(self, view):
                raise ValueError('boom')

        with captured_stderr() as err:
            self.assertEqual(bytes(Noisy()), b'x')
        self.assertIn('boom', err.getvalue())

    def test_getbuffer_wins_over_buffer(self):
        class Both(newbuffer.Buffer):
            def __getbuffer__(self, flags):
                return newbuffer.memoryview(b'getbuffer')

            def __buffer__(self, flags):
                return b'buffer'

        self.assertEqual(bytes(Both()), b'getbuffer')


if __name__ == '__main__':
    unittest.main()
