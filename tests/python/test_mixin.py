"""Style 2: BufferMixin._get_buffer(view, flags) fills a Py_buffer (pygame's newbuffer)."""
import ctypes
import struct
import unittest

import newbuffer
from newbuffer import BufferMixin, Py_buffer
from support import Recorder, captured_stderr, collect


class Grid(BufferMixin):
    """A 2-D grid of doubles described field by field, with Python values."""

    def __init__(self, rows, cols, fortran=False, readonly=False):
        self.rows, self.cols = rows, cols
        self.data = bytearray(struct.pack('%dd' % (rows * cols), *[float(i) for i in range(rows * cols)]))
        self.fortran = fortran
        self.readonly = readonly
        self.log = Recorder()

    def _get_buffer(self, view, flags):
        self.log.flags.append(flags)
        if self.readonly and flags & newbuffer.PyBUF_WRITABLE:
            raise BufferError('Grid is read-only')
        view.obj = self
        view.buf = self.data
        view.len = len(self.data)
        view.readonly = self.readonly
        view.itemsize = 8
        view.format = 'd' if flags & newbuffer.PyBUF_FORMAT else None
        view.ndim = 2
        view.shape = (self.rows, self.cols)
        view.strides = (8, 8 * self.rows) if self.fortran else (8 * self.cols, 8)

    def _release_buffer(self, view):
        self.log.released.append(view.len)


class CtypesExporter(BufferMixin):
    """pygame's way: every pointer field is a ctypes address."""

    def __init__(self):
        self.memory = (ctypes.c_int * 6)(*range(6))
        self.fmt = ctypes.create_string_buffer(b'i')
        self.shape_array = (ctypes.c_ssize_t * 2)(2, 3)
        self.strides_array = (ctypes.c_ssize_t * 2)(12, 4)
        self.releases = 0

    def _get_buffer(self, view, flags):
        view.obj = self
        view.buf = ctypes.addressof(self.memory)
        view.len = 24
        view.readonly = False
        view.itemsize = 4
        view.format = ctypes.addressof(self.fmt)
        view.ndim = 2
        view.shape = ctypes.addressof(self.shape_array)
        view.strides = ctypes.addressof(self.strides_array)

    def _release_buffer(self, view):
        self.releases += 1


class MixinTests(unittest.TestCase):
    def test_consumers_read_the_grid(self):
        g = Grid(2, 3)
        self.assertEqual(newbuffer.memoryview(g).tolist(), [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
        self.assertEqual(memoryview(g).tolist(), [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
        self.assertEqual(struct.unpack_from('6d', g), (0.0, 1.0, 2.0, 3.0, 4.0, 5.0))
        collect()
        self.assertEqual(g.log.gets, g.log.releases)

    def test_fortran_grid_is_strided(self):
        g = Grid(2, 3, fortran=True)
        m = newbuffer.memoryview(g)
        self.assertEqual((m.c_contiguous, m.f_contiguous), (False, True))
        self.assertEqual(m.tolist(), [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]])
        self.assertEqual(m.tobytes('F'), bytes(g.data))
        self.assertEqual(bytes(g), m.tobytes())
        with self.assertRaisesRegex(BufferError, 'underlying buffer is not C-contiguous'):
            struct.unpack_from('6d', g)

    def test_writes_reach_the_exporter_memory(self):
        g = Grid(1, 2)
        m = newbuffer.memoryview(g)
        m[0, 1] = 9.5
        self.assertEqual(struct.unpack('2d', g.data), (0.0, 9.5))

    def test_readonly_answer_to_writable_request_is_refused_and_released(self):
        class Liar(Grid):
            def _get_buffer(self, view, flags):
                Grid._get_buffer(self, view, flags)
                view.readonly = True

        g = Liar(1, 1)
        with self.assertRaisesRegex(BufferError, 'underlying buffer is not writable'):
            newbuffer.memoryview._from_flags(g, newbuffer.PyBUF_FULL)
        self.assertEqual((g.log.gets, g.log.releases), (1, 1))

    def test_invalid_view_is_a_value_error_naming_the_rule_and_is_released(self):
        class Wrong(Grid):
            def _get_buffer(self, view, flags):
                Grid._get_buffer(self, view, flags)
                view.len = 40

        g = Wrong(2, 3)
        for consume in (newbuffer.memoryview, memoryview, bytes):
            with self.assertRaisesRegex(ValueError, r'len is 40, but product\(shape\) \* itemsize is 48$'):
                consume(g)
        self.assertEqual(g.log.gets, g.log.releases)

    def test_view_reaching_outside_memory_is_refused(self):
        class Overrun(Grid):
            def _get_buffer(self, view, flags):
                Grid._get_buffer(self, view, flags)
                view.strides = (48, 8)

        with self.assertRaisesRegex(ValueError, 'reaches bytes 0 to 72 of a memory block of 48 bytes'):
            newbuffer.memoryview(Overrun(2, 3))

    def test_default_get_buffer_is_abstract(self):
        with self.assertRaisesRegex(NotImplementedError, 'abstract method'):
            bytes(BufferMixin())

    def test_non_none_return_is_a_value_error_and_released(self):
        class Returns(Grid):
            def _get_buffer(self, view, flags):
                Grid._get_buffer(self, view, flags)
                return 1

        g = Returns(1, 1)
        with self.assertRaisesRegex(ValueError, '_get_buffer method return value was not None'):
            newbuffer.memoryview(g)
        self.assertEqual((g.log.gets, g.log.releases), (1, 1))

    def test_raising_halfway_releases_nothing_and_keeps_no_reference(self):
        class Halfway(Grid):
            def _get_buffer(self, view, flags):
                view.obj = self
                view.len = 8
                raise KeyError('halfway')

        g = Halfway(1, 1)
        with self.assertRaises(KeyError):
            newbuffer.memoryview(g)
        self.assertEqual(g.log.releases, 0)

    def test_view_is_detached_after_the_call(self):
        kept = []

        class Keeper(Grid):
            def _get_buffer(self, view, flags):
                Grid._get_buffer(self, view, flags)
                kept.append(view)

        bytes(Keeper(1, 1))
        with self.assertRaisesRegex(AttributeError, 'property len is undefined for an unallocated view'):
            kept[0].len
        self.assertFalse(kept[0])

    def test_view_is_read_only_during_release(self):
        errors = []

        class Mutator(Grid):
            def _release_buffer(self, view):
                try:
                    view.len = 0
                except AttributeError as e:
                    errors.append(str(e))

        bytes(Mutator(1, 1))
        self.assertEqual(errors, ['property len is read-only'])

    def test_setter_type_errors_use_pygame_messages(self):
        messages = []

        class Typo(BufferMixin):
            def _get_buffer(self, view, flags):
                for name, value in (('len', 'x'), ('itemsize', 1.5), ('ndim', None), ('shape', 'abc')):
                    try:
                        setattr(view, name, value)
                    except TypeError as e:
                        messages.append(str(e))
                raise BufferError('done')

        with self.assertRaises(BufferError):
            bytes(Typo())
        self.assertEqual(messages, ["property len must be a Python integer, not 'str'",
                                    "property itemsize must be a Python integer, not 'float'",
                                    "property ndim must be a Python integer, not 'NoneType'",
                                    "property shape must be a Python integer, not 'str'"])

    def test_error_in_release_is_reported_not_raised(self):
        class Noisy(Grid):
            def _release_buffer(self, view):
                raise RuntimeError('cannot release')

        with captured_stderr() as err:
            bytes(Noisy(1, 1))
        self.assertIn('cannot release', err.getvalue())

    def test_ctypes_addresses_like_pygame(self):
        e = CtypesExporter()
        m = newbuffer.memoryview(e)
        self.assertEqual((m.format, m.shape, m.strides), ('i', (2, 3), (12, 4)))
        self.assertEqual(m.tolist(), [[0, 1, 2], [3, 4, 5]])
        m[1, 2] = 50
        self.assertEqual(e.memory[5], 50)
        m.release()
        self.assertEqual(e.releases, 1)

    def test_unknown_address_is_refused(self):
        class Wild(BufferMixin):
            def _get_buffer(self, view, flags):
                view.obj = self
                view.buf = 0x1000
                view.len = 1
                view.itemsize = 1
                view.ndim = 1

        with self.assertRaisesRegex(ValueError, r'Py_buffer.buf: address 0x1000 is not inside memory newbuffer knows'):
            bytes(Wild())

    def test_registered_memory_is_accepted(self):
        data = bytearray(b'registered')
        address = newbuffer.register_memory(data)
        try:
            class Addressed(BufferMixin):
                def _get_buffer(self, view, flags):
                    view.obj = self
                    view.buf = address + 3
                    view.len = 4
                    view.itemsize = 1
                    view.ndim = 1

            self.assertEqual(bytes(Addressed()), b'iste')
        finally:
            self.assertTrue(newbuffer.unregister_memory(data))


    def test_unsafe_addresses_must_be_switched_on(self):
        hidden = [ctypes.create_string_buffer(b'hidden')]

        class Unreachable(BufferMixin):
            def _get_buffer(self, view, flags):
                view.obj = self
                view.buf = ctypes.addressof(hidden[0])
                view.len = 6
                view.itemsize = 1
                view.ndim = 1

        with self.assertRaisesRegex(ValueError, 'is not inside memory newbuffer knows'):
            bytes(Unreachable())
        newbuffer.set_unsafe_addresses(True)
        try:
            self.assertEqual(bytes(Unreachable()), b'hidden')
        finally:
            newbuffer.set_unsafe_addresses(False)

    def test_ctypes_memory_in_container_attributes_is_found(self):
        class Held(BufferMixin):
            def __init__(self, holder, where):
                self.holder = holder
                self.where = where

            def _get_buffer(self, view, flags):
                view.obj = self
                view.buf = ctypes.addressof(self.where) + 1
                view.len = 3
                view.itemsize = 1
                view.ndim = 1
                view.readonly = False

        for wrap in (lambda a: [0, a], lambda a: (a,), lambda a: {'a': a}):
            array = (ctypes.c_char * 5)(*b'abcde')
            e = Held(wrap(array), array)
            self.assertEqual(bytes(e), b'bcd')
            m = newbuffer.memoryview(e)
            m[0] = ord('X')
            m.release()
            self.assertEqual(array.raw, b'aXcde')

    def test_container_search_is_one_level_and_survives_cycles(self):
        deep = (ctypes.c_char * 4)(*b'deep')
        cyclic = [0]
        cyclic.append(cyclic)
        cyclic_dict = {}
        cyclic_dict['me'] = cyclic_dict

        class Nested(BufferMixin):
            def __init__(self):
                self.cyclic = cyclic
                self.cyclic_dict = cyclic_dict
                self.nested = [[deep]]

            def _get_buffer(self, view, flags):
                view.obj = self
                view.buf = ctypes.addressof(deep)
                view.len = 4
                view.itemsize = 1
                view.ndim = 1

        with self.assertRaisesRegex(ValueError, 'is not inside memory newbuffer knows'):
            bytes(Nested())

    def test_c_char_p_bounds_the_string_it_points_to(self):
        class Text(BufferMixin):
            def __init__(self, text, start, length):
                self.text = ctypes.c_char_p(text)
                self.start = start
                self.length = length

            def _get_buffer(self, view, flags):
                view.obj = self
                view.buf = ctypes.cast(self.text, ctypes.c_void_p).value + self.start
                view.len = self.length
                view.itemsize = 1
                view.ndim = 1

        self.assertEqual(bytes(Text(b'hello', 0, 5)), b'hello')
        self.assertEqual(bytes(Text(b'hello', 1, 3)), b'ell')
        self.assertEqual(bytes(Text(b'ab\x00cd', 0, 3)), b'ab\x00')
        with self.assertRaisesRegex(ValueError, 'of a memory block of 3 bytes'):
            bytes(Text(b'ab\x00cd', 0, 4))
        with self.assertRaisesRegex(ValueError, 'is not inside memory newbuffer knows'):
            bytes(Text(b'hello', 40, 1))
        class InDict(BufferMixin):
            def __init__(self):
                self.held = {'p': ctypes.c_char_p(b'held')}

            def _get_buffer(self, view, flags):
                view.obj = self
                view.buf = ctypes.cast(self.held['p'], ctypes.c_void_p).value
                view.len = 4
                view.itemsize = 1
                view.ndim = 1

        self.assertEqual(bytes(InDict()), b'held')

    def test_ndim_left_at_zero_says_so_and_is_released(self):
        class Flat(BufferMixin):
            def __init__(self, length):
                self.memory = (ctypes.c_char * 8)()
                self.length = length
                self.gets = self.releases = 0

            def _get_buffer(self, view, flags):
                self.gets += 1
                view.obj = self
                view.buf = ctypes.addressof(self.memory)
                view.len = self.length
                view.itemsize = 1

            def _release_buffer(self, view):
                self.releases += 1

        e = Flat(8)
        for consume in (newbuffer.memoryview, bytes):
            with self.assertRaisesRegex(ValueError, r'len is 8, but product\(shape\) \* itemsize is 1 \(ndim was left at 0'):
                consume(e)
        self.assertEqual((e.gets, e.releases), (2, 2))
        scalar = newbuffer.memoryview(Flat(1))
        self.assertEqual((scalar.ndim, scalar.tobytes()), (0, b'\x00'))
        scalar.release()

    def test_suboffsets_and_internal_fields(self):
        rows = [bytearray(b'ab'), bytearray(b'cd')]
        pointers = bytearray(struct.pack('2P', *[newbuffer.register_memory(r) for r in rows]))

        class Indirect(BufferMixin):
            def _get_buffer(self, view, flags):
                view.obj = self
                view.buf = pointers
                view.len = 4
                view.itemsize = 1
                view.format = 'B'
                view.ndim = 2
                view.shape = [2, 2]
                view.strides = [struct.calcsize('P'), 1]
                view.suboffsets = [0, -1]
                view.internal = 'kept for release'

            def _release_buffer(self, view):
                Indirect.seen = (view.internal, view.suboffsets_tuple)

        v = newbuffer.get_buffer(Indirect(), newbuffer.PyBUF_FULL_RO)
        self.assertEqual((v.suboffsets_tuple, v.internal), ((0, -1), 'kept for release'))
        self.assertEqual(list((ctypes.c_ssize_t * 2).from_address(v.suboffsets)), [0, -1])
        v.release_buffer()
        self.assertEqual(Indirect.seen, ('kept for release', (0, -1)))
        self.assertEqual(newbuffer.memoryview(Indirect()).tolist(), [[97, 98], [99, 100]])
        for r in rows:
            newbuffer.unregister_memory(r)


class PyBufferImporterTests(unittest.TestCase):
    def test_fresh_struct_is_unallocated(self):
        v = Py_buffer()
        self.assertFalse(v)
        with self.assertRaisesRegex(AttributeError, 'property obj is undefined for an unallocated view'):
            v.obj

    def test_get_buffer_shows_exactly_what_the_exporter_answered(self):
        g = Grid(2, 3, fortran=True)
        v = Py_buffer()
        v.get_buffer(g, newbuffer.PyBUF_RECORDS_RO)
        self.assertTrue(v)
        self.assertIs(v.obj, g)
        self.assertEqual((v.len, v.itemsize, v.ndim, v.readonly), (48, 8, 2, False))
        self.assertEqual((v.format_string, v.shape_tuple, v.strides_tuple, v.suboffsets_tuple), ('d', (2, 3), (8, 16), None))
        self.assertEqual(ctypes.string_at(v.format), b'd')
        self.assertEqual(list((ctypes.c_ssize_t * 2).from_address(v.shape)), [2, 3])
        self.assertEqual(ctypes.string_at(v.buf, 16), bytes(g.data[:16]))
        self.assertEqual(g.log.flags, [newbuffer.PyBUF_RECORDS_RO])
        v.release_buffer()
        self.assertFalse(v)
        self.assertEqual(g.log.releases, 1)
        v.release_buffer()
        self.assertEqual(g.log.releases, 1)

    def test_invalid_views_are_shown_as_made(self):
        class Broken(Grid):
            def _get_buffer(self, view, flags):
                Grid._get_buffer(self, view, flags)
                view.len = 3
                view.itemsize = -1

        v = newbuffer.get_buffer(Broken(1, 1), newbuffer.PyBUF_FULL_RO)
        self.assertEqual((v.len, v.itemsize, v.shape_tuple), (3, -1, (1, 1)))
        v.release_buffer()

    def test_arrays_must_hold_ndim_entries(self):
        # As in the C struct, whose arrays a reader reads ndim entries deep.
        class Broken(Grid):
            def _get_buffer(self, view, flags):
                Grid._get_buffer(self, view, flags)
                view.ndim = 70

        x = Broken(1, 1)
        with self.assertRaisesRegex(ValueError, '^Py_buffer: shape has 2 entries but ndim is 70$'):
            newbuffer.get_buffer(x, newbuffer.PyBUF_FULL_RO)
        self.assertEqual(len(x.log.released), 1)

    def test_fields_are_read_only_once_filled(self):
        v = newbuffer.get_buffer(b'abc')
        with self.assertRaisesRegex(AttributeError, 'property len is read-only'):
            v.len = 1
        with self.assertRaisesRegex(ValueError, 'The Py_buffer struct is already filled in'):
            v.get_buffer(b'abc')
        v.release_buffer()

    def test_native_exporters(self):
        for obj, flags, expected in ((b'abc', newbuffer.PyBUF_SIMPLE, (3, 1, None)),
                                     (bytearray(4), newbuffer.PyBUF_WRITABLE, (4, 1, None)),
                                     (newbuffer.memoryview(b'ab'), newbuffer.PyBUF_FULL_RO, (2, 1, 'B'))):
            with self.subTest(obj=obj):
                v = newbuffer.get_buffer(obj, flags)
                self.assertEqual((v.len, v.itemsize, v.format_string), expected)
                v.release_buffer()

    def test_bad_flags_for_exporter_raise_buffer_error(self):
        with self.assertRaises(BufferError):
            newbuffer.get_buffer(b'readonly', newbuffer.PyBUF_WRITABLE)

    def test_constructor_arguments_like_pygame(self):
        with self.assertRaisesRegex(ValueError, 'argument filled cannot be True for a NULL buffer_address'):
            Py_buffer(filled=True)
        with self.assertRaisesRegex(ValueError, 'argument preserve cannot be True for a NULL buffer_address'):
            Py_buffer(preserve=True)


if __name__ == '__main__':
    unittest.main()
