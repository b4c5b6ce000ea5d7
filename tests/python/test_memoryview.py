"""newbuffer.memoryview: CPython 3.14's memoryview, plus what CPython lacks."""
import copy
import gc
import math
import pickle
import random
import struct
import unittest
import weakref

import newbuffer
from newbuffer import memoryview as mv
from newbuffer import testing
from randomviews import RandomView, Reference, has_nan, same


def ints(*values, fmt='i'):
    return bytearray(struct.pack('%d%s' % (len(values), fmt), *values))


class Attributes(unittest.TestCase):
    def test_attributes_of_a_cast_view(self):
        m = mv(ints(*range(6))).cast('i', [2, 3])
        self.assertEqual((m.format, m.itemsize, m.ndim, m.shape, m.strides, m.suboffsets, m.nbytes, m.readonly),
                         ('i', 4, 2, (2, 3), (12, 4), (), 24, False))
        self.assertEqual((m.c_contiguous, m.f_contiguous, m.contiguous), (True, False, True))
        self.assertIsInstance(m.obj, bytearray)

    def test_readonly_of_bytes(self):
        self.assertTrue(mv(b'x').readonly)
        self.assertTrue(mv(bytearray(b'x')).toreadonly().readonly)

    def test_repr(self):
        m = mv(b'abc')
        self.assertRegex(repr(m), r'^<memory at 0x[0-9a-f]+>$')
        m.release()
        self.assertRegex(repr(m), r'^<released memory at 0x[0-9a-f]+>$')

    def test_one_dimensional_contiguity_follows_cpython(self):
        m = mv(bytearray(6))
        self.assertTrue(m[::2][:1].c_contiguous)
        self.assertFalse(m[::2].c_contiguous)
        self.assertFalse(m[::2][:0].c_contiguous)

    def test_empty_view_with_gaps_is_neither_cast_nor_exported_contiguous(self):
        # CPython decides a view's flags once (init_flags) and cast and getbuf read them: the empty
        # m[::2][0:0] is not C-contiguous, though PyBuffer_IsContiguous calls every empty view so.
        e = mv(b'abcd')[::2][0:0]
        self.assertEqual((e.c_contiguous, e.f_contiguous, e.contiguous), (False, False, False))
        with self.assertRaisesRegex(TypeError, '^memoryview: casts are restricted to C-contiguous views$'):
            e.cast('B')
        for flags, message in ((newbuffer.PyBUF_C_CONTIGUOUS, 'not C-contiguous'), (newbuffer.PyBUF_F_CONTIGUOUS, 'not Fortran contiguous'),
                               (newbuffer.PyBUF_ANY_CONTIGUOUS, 'not contiguous'), (newbuffer.PyBUF_SIMPLE, 'not C-contiguous')):
            with self.assertRaisesRegex(BufferError, '^memoryview: underlying buffer is ' + message + '$'):
                e.__buffer__(flags)
        self.assertEqual(e.__buffer__(newbuffer.PyBUF_STRIDED_RO).tolist(), [])


class Lifetime(unittest.TestCase):
    def test_operations_on_released_view_raise(self):
        m = mv(bytearray(b'abc'))
        m.release()
        m.release()
        for op in (lambda: m.tobytes(), lambda: m[0], lambda: len(m), lambda: m.format, lambda: m.cast('B'),
                   lambda: m.tolist(), lambda: m.obj, lambda: m.hex(), lambda: m.toreadonly()):
            with self.assertRaisesRegex(ValueError, 'operation forbidden on released memoryview object'):
                op()

    def test_release_with_exports_is_a_buffer_error(self):
        m = mv(bytearray(b'abc'))
        inner = newbuffer.get_buffer(m, newbuffer.PyBUF_SIMPLE)
        with self.assertRaisesRegex(BufferError, 'memoryview has 1 exported buffer$'):
            m.release()
        second = memoryview(m)
        with self.assertRaisesRegex(BufferError, 'memoryview has 2 exported buffers'):
            m.release()
        second.release()
        inner.release_buffer()
        m.release()

    def test_derived_views_share_one_export(self):
        log = []

        class Exporter(newbuffer.Buffer):
            def __buffer__(self, flags):
                log.append('get')
                return bytearray(b'abcdef')

            def __release_buffer__(self, view):
                log.append('release')

        base = mv(Exporter())
        derived = [base[1:], base.cast('B', [2, 3]), base.toreadonly()]
        independent = mv(base)  # a head of its own, as CPython users release it on its own
        base.release()
        self.assertEqual(log, ['get'])
        self.assertTrue(all(repr(d).startswith('<released memory') for d in derived), 'released with their head')
        independent.release()
        self.assertEqual(log, ['get', 'release'])

    def test_context_manager_releases_the_views_derived_inside_without_collecting(self):
        data = bytearray(b'abcdef')
        x = testing.RecordingExporter(data)
        with mv(x) as m:
            self.assertEqual((bytes(m[1:]), m.cast('B')[0]), (b'bcdef', 97))  # temporaries, dropped unreleased
            kept = [m[::2], m[::2].toreadonly(), m.cast('B', [2, 3])[1], m[1:][1:].cast('c')]
            self.assertEqual(x.releases, 0)
        self.assertEqual((x.gets, x.releases), (1, 1))
        data.append(0)  # the bytearray is no longer exported: no BufferError
        for view in kept:
            self.assertTrue(repr(view).startswith('<released memory'))
            for use in (lambda: view[0], view.tobytes, lambda: view[1:], lambda: view.cast('B'), view.toreadonly,
                        lambda: mv(view), lambda: newbuffer.request(view, 0), lambda: view.shape, lambda: view.obj):
                with self.assertRaisesRegex(ValueError, '^operation forbidden on released memoryview object$'):
                    use()
            view.release()  # a no-op, as for any released view
        self.assertEqual(x.releases, 1)

    def test_a_released_derived_view_leaves_its_head_and_siblings_usable(self):
        x = testing.RecordingExporter(bytearray(b'abcdef'))
        m = mv(x)
        s = m[1:]
        t = s[1:]
        s.release()
        self.assertEqual((t.tobytes(), m.tobytes(), x.releases), (b'cdef', b'abcdef', 0))
        with self.assertRaisesRegex(ValueError, '^operation forbidden on released memoryview object$'):
            s[0]
        m.release()
        self.assertEqual(x.releases, 1)
        with self.assertRaisesRegex(ValueError, '^operation forbidden on released memoryview object$'):
            t[0]

    def test_a_buffer_exported_from_a_slice_outlives_the_heads_release(self):
        data = bytearray(b'abcdef')
        x = testing.RecordingExporter(data)
        m = mv(x)
        s = m[1:]
        consumer = memoryview(s)  # IronPython's memoryview holds an export of s
        request = newbuffer.request(s, newbuffer.PyBUF_SIMPLE)  # and so does a new request
        with self.assertRaisesRegex(BufferError, '^memoryview has 2 exported buffers$'):
            s.release()
        m.release()  # refuses only for m's own exports, as CPython's does
        with self.assertRaisesRegex(ValueError, '^operation forbidden on released memoryview object$'):
            s[0]
        s.release()  # released with its head: a no-op
        self.assertEqual((consumer.tobytes(), consumer[0], request.tobytes(), x.releases), (b'bcdef', 98, b'bcdef', 0))
        with self.assertRaises(BufferError):
            data.append(0)  # still exported
        consumer.release()
        self.assertEqual(x.releases, 0)
        request.release()
        self.assertEqual((x.gets, x.releases), (1, 1))
        data.append(0)

    def test_a_slice_whose_bounds_release_the_view_stays_usable_as_in_cpython(self):
        x = testing.RecordingExporter(bytearray(b'abcdef'))
        m = mv(x)

        class Releasing:
            def __index__(self):
                m.release()
                return 3

        s = m[:Releasing()]
        self.assertEqual((repr(m)[:9], s.tolist(), x.releases), ('<released', [97, 98, 99], 0))
        s.release()
        self.assertEqual(x.releases, 1)

    def test_context_manager_releases(self):
        with mv(b'abc') as m:
            self.assertEqual(m[0], 97)
        with self.assertRaises(ValueError):
            m[0]


class Indexing(unittest.TestCase):
    def setUp(self):
        self.m = mv(ints(*range(24))).cast('i', [2, 3, 4])

    def test_items_by_tuple(self):
        self.assertEqual(self.m[1, 2, 3], 23)
        self.assertEqual(self.m[-1, -1, -1], 23)

    def test_int_on_nd_is_a_subview(self):
        sub = self.m[1]
        self.assertEqual((sub.shape, sub.tolist()), ((3, 4), [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]]))
        self.assertEqual(self.m[1, 2].tolist(), [20, 21, 22, 23])

    def test_multidimensional_slicing(self):
        self.assertEqual(self.m[:, 1:3, ::3].tolist(), [[[4, 7], [8, 11]], [[16, 19], [20, 23]]])
        self.assertEqual(self.m[::-1, 0, ::-2].tolist(), [[15, 13], [3, 1]])
        self.assertEqual(self.m[1:1].shape, (0, 3, 4))

    def test_ellipsis_is_the_view_itself(self):
        self.assertIs(self.m[...], self.m)

    def test_zero_dim(self):
        z = mv(ints(7)).cast('i', [])
        self.assertEqual((z.ndim, z.shape, z[()], z.tolist()), (0, (), 7, 7))
        with self.assertRaisesRegex(TypeError, 'invalid indexing of 0-dim memory'):
            z[0]
        with self.assertRaisesRegex(TypeError, '0-dim memory has no length'):
            len(z)

    def test_index_errors(self):
        with self.assertRaisesRegex(IndexError, 'index out of bounds on dimension 2'):
            self.m[0, 3, 0]
        with self.assertRaisesRegex(TypeError, 'cannot index 3-dimension view with 4-element tuple'):
            self.m[0, 0, 0, 0]
        with self.assertRaisesRegex(TypeError, 'memoryview: invalid slice key'):
            self.m['a']
        with self.assertRaisesRegex(TypeError, 'memoryview: invalid slice key'):
            self.m[1.5]

    def test_assignment(self):
        m = mv(ints(*range(6))).cast('i', [2, 3])
        m[0, 0] = -5
        m[1] = mv(ints(7, 8, 9)).cast('i')
        m[:, 2] = mv(ints(30, 31)).cast('i')
        self.assertEqual(m.tolist(), [[-5, 1, 30], [7, 8, 31]])
        with self.assertRaisesRegex(ValueError, 'lvalue and rvalue have different structures'):
            m[0] = mv(ints(1, 2)).cast('i')
        with self.assertRaisesRegex(TypeError, 'cannot delete memory'):
            del m[0]

    def test_assignment_between_shapes_equal_up_to_their_first_zero(self):
        # CPython's equiv_shape stops at the first zero-length dimension: [1, 0, 7] fits [1, 0, 5],
        # for the memoryview as for _testbuffer's ndarray (both copy nothing).
        from _testbuffer import ndarray, ND_WRITABLE
        dest = mv(bytearray(35)).cast('B', [1, 5, 7])[:, 0:0, :]
        source = mv(bytearray(35)).cast('B', [1, 7, 5])[:, 0:0, :]
        self.assertEqual((dest.shape, source.shape), ((1, 0, 7), (1, 0, 5)))
        dest[:] = source
        self.assertEqual(dest, source)
        nd = ndarray([1], shape=[1, 0, 7], format='B', flags=ND_WRITABLE)
        nd[:] = ndarray([1], shape=[1, 0, 5], format='B')
        with self.assertRaisesRegex(ValueError, 'lvalue and rvalue have different structures'):
            dest[:] = mv(bytearray(35)).cast('B', [1, 5, 7])[:, 0:1, 0:0]

    def test_index_is_checked_before_the_value(self):
        m = mv(bytearray(6))
        for index in (6, -7):
            with self.assertRaisesRegex(IndexError, '^index out of bounds on dimension 1$'):
                m[index] = b'a'

    def test_more_slices_than_dimensions_is_not_implemented(self):
        m = mv(bytearray(6))
        with self.assertRaisesRegex(NotImplementedError, '^multi-dimensional slicing is not implemented$'):
            m[0:1, 0:1]
        with self.assertRaisesRegex(NotImplementedError, '^memoryview slice assignments are currently restricted to ndim = 1$'):
            m[0:1, 0:1] = b'a'
        with self.assertRaisesRegex(TypeError, '^memoryview: invalid slice key$'):
            m[0, 0:1]

    def test_assignment_errors_follow_cpython(self):
        m = mv(bytearray(2))
        with self.assertRaisesRegex(TypeError, "memoryview: invalid type for format 'B'"):
            m[0] = 'x'
        with self.assertRaisesRegex(ValueError, "memoryview: invalid value for format 'B'"):
            m[0] = 256
        with self.assertRaisesRegex(TypeError, 'cannot modify read-only memory'):
            mv(b'ab')[0] = 1
        c = mv(bytearray(b'ab')).cast('c')
        c[0] = b'z'
        self.assertEqual(c.tolist(), [b'z', b'b'])
        with self.assertRaisesRegex(ValueError, "memoryview: invalid value for format 'c'"):
            c[0] = b'zz'

    def test_assignment_converts_as_cpython(self):
        class Index:
            def __index__(self):
                return 9

        m = mv(bytearray(8)).cast('d')
        m[0] = Index()
        self.assertEqual(m[0], 9.0)
        with self.assertRaises(TypeError):
            m[0] = 2 + 3j
        b = mv(bytearray(1)).cast('?')
        b[0] = 2 + 3j
        self.assertIs(b[0], True)
        b[0] = []
        self.assertIs(b[0], False)

    def test_overlapping_slice_assignment(self):
        data = bytearray(b'abcdefgh')
        m = mv(data)
        m[2:] = m[:-2]
        self.assertEqual(bytes(data), b'ababcdef')

    def test_iteration(self):
        self.assertEqual(list(mv(b'ab')), [97, 98])
        self.assertEqual([row.tolist() for row in self.m[0]], [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])
        self.assertEqual(list(reversed(mv(b'ab'))), [98, 97])
        self.assertIn(98, mv(b'ab'))


class Methods(unittest.TestCase):
    def test_tobytes_orders(self):
        m = mv(bytearray(range(6))).cast('B', [2, 3])
        self.assertEqual(m.tobytes(), bytes(range(6)))
        self.assertEqual(m.tobytes('C'), bytes(range(6)))
        self.assertEqual(m.tobytes('F'), bytes([0, 3, 1, 4, 2, 5]))
        self.assertEqual(m.tobytes('A'), bytes(range(6)))
        self.assertEqual(m.tobytes(None), bytes(range(6)))
        with self.assertRaisesRegex(ValueError, "order must be 'C', 'F' or 'A'"):
            m.tobytes('X')

    def test_hex(self):
        m = mv(b'\xb9\x01\xef')
        self.assertEqual(m.hex(), 'b901ef')
        self.assertEqual(m.hex(':'), 'b9:01:ef')
        self.assertEqual(m.hex(b':', 2), 'b9:01ef')
        self.assertEqual(m.hex(':', -2), 'b901:ef')
        with self.assertRaisesRegex(ValueError, 'sep must be length 1'):
            m.hex('::')
        # CPython's order: the separator's len(), then its length, then its type.
        with self.assertRaisesRegex(TypeError, "object of type 'int' has no len"):
            m.hex(1)
        with self.assertRaisesRegex(ValueError, 'sep must be length 1'):
            m.hex([1, 2])
        with self.assertRaisesRegex(TypeError, 'sep must be str or bytes'):
            m.hex([1])

    def test_tolist_of_any_struct_format(self):
        data = struct.pack('<ih', 1, -2) + struct.pack('<ih', 3, 4)
        self.assertEqual(mv(data).tolist(), list(data))
        wide = mv(StructExporter(data, '<ih', 6))
        self.assertEqual(wide.tolist(), [(1, -2), (3, 4)])
        self.assertEqual(wide[1], (3, 4))

    def test_half_floats_which_ironpythons_memoryview_lacks(self):
        m = mv(bytearray(b'\x00\x3c\x00\xc0')).cast('e')
        self.assertEqual(m.tolist(), [1.0, -2.0])
        m[1] = 0.5
        self.assertEqual(m.tobytes(), b'\x00\x3c\x00\x38')

    def test_tolist_of_a_single_character_format_the_codec_lacks(self):
        with self.assertRaisesRegex(NotImplementedError, '^memoryview: format u not supported$'):
            mv(StructExporter(b'abcd', 'u', 4)).tolist()

    def test_tolist_unsupported_format(self):
        with self.assertRaisesRegex(NotImplementedError, r'memoryview: unsupported format T\{b\}'):
            mv(StructExporter(b'a', 'T{b}', 1)).tolist()

    def test_cast_rules(self):
        m = mv(bytearray(8))
        with self.assertRaisesRegex(ValueError, "destination format must be a native single character format prefixed with an optional '@'"):
            m.cast('<i')
        with self.assertRaisesRegex(TypeError, 'cannot cast between two non-byte formats'):
            m.cast('i').cast('h')
        with self.assertRaisesRegex(TypeError, 'length is not a multiple of itemsize'):
            mv(bytearray(6)).cast('i')
        with self.assertRaisesRegex(TypeError, r'product\(shape\) \* itemsize != buffer size'):
            m.cast('B', [3])
        with self.assertRaisesRegex(TypeError, 'casts are restricted to C-contiguous views'):
            m[::2].cast('B')
        with self.assertRaisesRegex(TypeError, 'shape must be a list or a tuple'):
            m.cast('B', 8)
        with self.assertRaisesRegex(TypeError, 'memoryview.cast\\(\\): elements of shape must be integers'):
            m.cast('B', [2.0, 4])
        self.assertEqual(m.cast('@d').format, '@d')  # CPython keeps the '@'

    def test_count_and_index(self):
        m = mv(bytearray(b'abaca'))
        self.assertEqual((m.count(97), m.count(122)), (3, 0))
        self.assertEqual((m.index(97), m.index(97, 1), m.index(97, -2), m.index(97, 1, 4)), (0, 2, 4, 2))
        self.assertEqual(m.index(97.0), 0)
        with self.assertRaisesRegex(ValueError, r'memoryview.index\(x\): x not found'):
            m.index(122)
        with self.assertRaisesRegex(TypeError, 'invalid lookup on 0-dim memory'):
            mv(b'a').cast('B', []).index(97)
        with self.assertRaisesRegex(TypeError, 'invalid indexing of 0-dim memory'):
            mv(b'a').cast('B', []).count(97)
        self.assertTrue(98 in m)
        self.assertFalse(122 in m)

    def test_count_index_and_in_over_sub_views(self):
        m = mv(bytearray(b'abcdabef')).cast('B', (4, 2))
        self.assertEqual((m.count(b'ab'), m.index(b'ef'), m.index(b'ab', 1)), (2, 3, 2))
        self.assertIn(b'cd', m)
        self.assertNotIn(b'zz', m)

    def test_huge_empty_outer_dimension_is_scanned_in_one_comparison(self):
        # A hostile but valid view: 2**40 rows of nothing over one byte of memory.
        class Empty(newbuffer.BufferMixin):
            def _get_buffer(self, view, flags):
                view.obj = self
                view.buf = bytearray(1)
                view.len = 0
                view.itemsize = 1
                view.format = 'B'
                view.ndim = 2
                view.shape = (2 ** 40, 0)
                view.strides = (0, 1)

        m = mv(Empty())
        row = m[0]
        self.assertEqual((m.count(row), m.count(b'x'), m.index(row, 5)), (2 ** 40, 0, 5))
        self.assertIn(row, m)
        with self.assertRaisesRegex(MemoryError, 'cannot build nested lists holding 1099511627776 objects'):
            m.tolist()
        with self.assertRaisesRegex(OverflowError, "cannot fit 'int' into an index-sized integer"):
            len(m)

    def test_hash(self):
        self.assertEqual(hash(mv(b'abc')), hash(b'abc'))
        with self.assertRaisesRegex(ValueError, 'cannot hash writable memoryview object'):
            hash(mv(bytearray(b'abc')))
        with self.assertRaisesRegex(ValueError, "hashing is restricted to formats 'B', 'b' or 'c'"):
            hash(mv(b'abcd').cast('i'))

    def test_pep688_methods(self):
        m = mv(bytearray(b'abc'))
        exported = m.__buffer__(newbuffer.PyBUF_FULL_RO)
        self.assertIsInstance(exported, mv)
        self.assertEqual(exported.tobytes(), b'abc')
        with self.assertRaises(BufferError):
            m.release()
        m.__release_buffer__(exported)
        m.release()

    def test_from_flags(self):
        with self.assertRaisesRegex(BufferError, 'Object is not writable.'):
            mv._from_flags(b'abc', newbuffer.PyBUF_WRITABLE)
        self.assertFalse(mv._from_flags(bytearray(b'abc'), newbuffer.PyBUF_WRITABLE).readonly)

    def test_subclass_constructor_takes_extra_arguments(self):
        with self.assertRaisesRegex(TypeError, r'memoryview\(\) takes at most 1 argument'):
            mv(b'a', 2)

        class Sub(mv):
            def __init__(self, obj, extra, key=None):
                self.extra = (extra, key)

        self.assertEqual(Sub(b'ab', 1, key=2).extra, (1, 2))

    def test_argument_errors_are_worded_as_cpython(self):
        for call, message in ((lambda: mv(), r"^memoryview\(\) missing required argument 'object' \(pos 1\)$"),
                              (lambda: mv(obj=b'a'), r"^memoryview\(\) missing required argument 'object' \(pos 1\)$"),
                              (lambda: mv(b'a', b'b'), r"^memoryview\(\) takes at most 1 argument \(2 given\)$"),
                              (lambda: mv(b'a', object=b'b'), r"^memoryview\(\) takes at most 1 argument \(2 given\)$"),
                              (lambda: mv(b'a', foo=1), r"^memoryview\(\) takes at most 1 argument \(2 given\)$"),
                              (lambda: mv(foo=1), r"^memoryview\(\) missing required argument 'object' \(pos 1\)$")):
            with self.assertRaisesRegex(TypeError, message):
                call()
        self.assertEqual(mv(object=b'a').tolist(), [97])

    def test_no_order(self):
        # CPython's rich comparison answers NotImplemented for the order operators (test_buffer.py calls them
        # directly), so the TypeError is the interpreter's: IronPython words it 'unsupported operand type(s)
        # for <', CPython "'<' not supported between instances of ...".
        m, n = mv(b'a'), mv(b'a')
        for name in ('__lt__', '__le__', '__gt__', '__ge__'):
            self.assertIs(getattr(m, name)(n), NotImplemented)
        with self.assertRaises(TypeError):
            m < n
        with self.assertRaises(TypeError):
            m >= 1

    def test_class_getitem_is_a_generic_alias(self):
        # CPython 3.14: memoryview[int] is types.GenericAlias(memoryview, (int,)). IronPython 3.4 never routes
        # the subscript of a class to __class_getitem__, so the method is called here by name.
        alias = mv.__class_getitem__(int)
        self.assertIs(alias.__origin__, mv)
        self.assertEqual((alias.__args__, alias.__parameters__), ((int,), ()))
        self.assertEqual(repr(alias), 'newbuffer.memoryview[int]')
        self.assertEqual(alias, mv.__class_getitem__(int))
        self.assertEqual(alias(b'ab').tolist(), [97, 98])

    def test_index_bounds_are_slice_indices(self):
        # CPython 3.14's memoryview.index reads start and stop as slice indices: __index__, clamped.
        m = mv(b'abcabc')
        self.assertEqual((m.index(98, -2 ** 64), m.index(98, 2, 2 ** 70)), (1, 4))
        with self.assertRaisesRegex(ValueError, r'^memoryview.index\(x\): x not found$'):
            m.index(98, 2 ** 64)
        for bad in (None, 1.5, '1'):
            with self.assertRaisesRegex(TypeError, '^slice indices must be integers or have an __index__ method$'):
                m.index(98, bad)

    def test_a_lone_none_after_the_key_parts_is_a_key_part(self):
        # IronPython binds m.__getitem__(a, b, None) with a null params array in place of (None,).
        m = mv(bytearray(b'abcdef')).cast('B', (2, 3))
        with self.assertRaisesRegex(TypeError, '^memoryview: invalid slice key$'):
            m.__getitem__(0, 1, None)
        with self.assertRaisesRegex(TypeError, '^cannot index 2-dimension view with 3-element tuple$'):
            m.__setitem__(0, 1, 5, None)

    def test_weak_references(self):
        m = mv(b'abc')
        ref = weakref.ref(m)
        self.assertIs(ref(), m)
        del m
        gc.collect()
        gc.collect()
        self.assertIsNone(ref())

    def test_dropped_views_release_the_export_once_all_are_gone(self):
        # Views have no finalizer of their own: the export is released by the shared managed
        # buffer's, once every view is unreachable or released, whichever views are still referenced.
        data = bytearray(b'abcdef')

        def views():
            m = mv(data)
            m.cast('B')[::2]  # dropped unreleased
            return m

        m = views()
        m.release()  # still referenced, released: it must not keep the dropped views' export alive
        for _ in range(3):
            gc.collect()
        data.append(0)  # BufferError while the export is held

        views()
        for _ in range(3):
            gc.collect()
        data.append(0)

    def test_hash_is_kept_and_hashes_the_exporter_first(self):
        m = mv(b'abc')
        h = hash(m)
        m.release()
        self.assertEqual(hash(m), h)
        r = mv(b'abc')
        r.release()
        with self.assertRaisesRegex(ValueError, 'operation forbidden on released memoryview object'):
            hash(r)
        with self.assertRaisesRegex(TypeError, "^unhashable type: 'bytearray'$"):
            hash(mv(bytearray(b'ab')).toreadonly())

    def test_pickling_and_copying_refused(self):
        m = mv(bytearray(b'abc'))
        # CPython 3.13's two wordings: copyreg._reduce_ex's below protocol 2, object.__reduce_ex__'s from 2 on.
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            message = "^cannot pickle 'memoryview' object$" if protocol < 2 else '^cannot pickle memoryview objects$'
            with self.assertRaisesRegex(TypeError, message):
                pickle.dumps(m, protocol)
        for operation in (copy.copy, copy.deepcopy):
            with self.assertRaisesRegex(TypeError, '^cannot pickle memoryview objects$'):
                operation(m)


class Released(unittest.TestCase):
    """A view released while an operation converts its arguments (CPython's gh-92888 re-checks): the
    operation fails with ValueError and the memory is not touched."""

    def setUp(self):
        self.data = bytearray(b'\xff' * 16)

    def view(self):
        self.m = mv(self.data)
        return self.m

    def releaser(self, method, result):
        test = self

        class Hostile:
            def convert(self):
                test.m.release()
                return result

        setattr(Hostile, method, Hostile.convert)
        return Hostile()

    def assertReleased(self, operation):
        with self.assertRaisesRegex(ValueError, '^operation forbidden on released memoryview object$'):
            operation()
        self.assertEqual(self.data, bytearray(b'\xff' * 16))

    def test_item_assignment_converting_the_value(self):
        for fmt in 'bhilqnBHILQN':
            m = self.view().cast(fmt)
            self.m = m
            self.assertReleased(lambda: m.__setitem__(0, self.releaser('__index__', 4)))
        for fmt in 'fd':
            m = self.view().cast(fmt)
            self.m = m
            self.assertReleased(lambda: m.__setitem__(0, self.releaser('__float__', 4.25)))
        m = self.view().cast('?')
        self.m = m
        self.assertReleased(lambda: m.__setitem__(0, self.releaser('__bool__', True)))

    def test_keys_converted_by_index(self):
        m = self.view()
        self.assertReleased(lambda: m[self.releaser('__index__', 4)])
        m = self.view()
        self.assertReleased(lambda: m.__setitem__(self.releaser('__index__', 4), 42))
        m = self.view().cast('B', (8, 2))
        self.m = m
        self.assertReleased(lambda: m[self.releaser('__index__', 4), 0])
        m = self.view().cast('B', (2, 8))
        self.m = m
        self.assertReleased(lambda: m.__setitem__((0, self.releaser('__index__', 4)), 42))

    def test_slices_read_but_never_written(self):
        # Reading a slice still works, as in CPython: the slice holds the export itself.
        m = self.view()
        self.assertEqual(list(m[:self.releaser('__index__', 4)]), [255] * 4)
        m = self.view()
        self.assertReleased(lambda: m.__setitem__(slice(None, self.releaser('__index__', 4)), b'spam'))
        m = self.view()
        self.assertReleased(lambda: m.__setitem__(slice(self.releaser('__index__', 4), 8), b'spam'))

    def test_slice_assignment_whose_source_releases(self):
        test = self

        class Source(newbuffer.Buffer):
            def __buffer__(self, flags):
                test.m.release()
                return b'spam'

        m = self.view()
        self.assertReleased(lambda: m.__setitem__(slice(0, 4), Source()))

    def test_scans_whose_comparison_releases(self):
        test = self

        class Hostile:
            def __eq__(self, other):
                test.m.release()
                return False

        for scan in (lambda m: m.count(Hostile()), lambda m: m.index(Hostile()), lambda m: Hostile() in m):
            m = self.view()
            self.assertReleased(lambda: scan(m))

    def test_hex_whose_separator_count_releases(self):
        m = self.view()
        self.assertReleased(lambda: m.hex(':', self.releaser('__index__', 2)))

    def test_hash_whose_exporter_releases(self):
        test = self

        class Exporter(newbuffer.Buffer):
            def __buffer__(self, flags):
                return b'abc'

            def __hash__(self):
                test.m.release()
                return 1

        self.m = mv(Exporter())
        with self.assertRaisesRegex(ValueError, '^operation forbidden on released memoryview object$'):
            hash(self.m)

    def test_comparison_whose_other_side_releases(self):
        test = self

        class Other(newbuffer.Buffer):
            def __buffer__(self, flags):
                test.m.release()
                return b'\xff' * 16

        m = self.view()
        other = Other()
        self.assertFalse(m == other)
        self.assertTrue(m.__eq__(m))


class ManyDimensions(unittest.TestCase):
    def test_64_dimensions(self):
        shape = [1] * 62 + [2, 3]
        m = mv(bytearray(range(6))).cast('B', shape)
        self.assertEqual((m.ndim, m.shape), (64, tuple(shape)))
        nested = m.tolist()
        for _ in range(62):
            nested = nested[0]
        self.assertEqual(nested, [[0, 1, 2], [3, 4, 5]])
        self.assertEqual(m.tobytes('F'), bytes([0, 3, 1, 4, 2, 5]))
        self.assertEqual(m[(0,) * 62 + (1, 2)], 5)
        self.assertEqual(m[(0,) * 62 + (slice(None), slice(None, None, -1))].tobytes(), bytes([2, 1, 0, 5, 4, 3]))
        self.assertEqual(m.cast('B').tobytes(), bytes(range(6)))
        with self.assertRaisesRegex(ValueError, 'number of dimensions must not exceed 64'):
            m.cast('B').cast('B', [1] * 65)

    def test_64_dimensions_with_suboffsets(self):
        row = bytearray(b'xyz')
        pointers = bytearray(struct.pack('P', newbuffer.register_memory(row)))

        class Deep(newbuffer.BufferMixin):
            def _get_buffer(self, view, flags):
                view.obj = self
                view.buf = pointers
                view.len = 3
                view.itemsize = 1
                view.format = 'B'
                view.ndim = 64
                view.shape = [1] * 63 + [3]
                view.strides = [struct.calcsize('P')] + [0] * 62 + [1]
                view.suboffsets = [0] + [-1] * 63

        m = mv(Deep())
        self.assertEqual(m[(0,) * 63 + (slice(None, None, -1),)].tobytes(), b'zyx')
        self.assertEqual(m.tobytes('F'), b'xyz')
        self.assertEqual(bytes(Deep()), b'xyz')
        newbuffer.unregister_memory(row)

    def test_65_dimensions_from_an_exporter_are_refused(self):
        class TooDeep(newbuffer.BufferMixin):
            def _get_buffer(self, view, flags):
                view.obj = self
                view.buf = b'a'
                view.len = 1
                view.itemsize = 1
                view.ndim = 65
                view.shape = [1] * 65

        with self.assertRaisesRegex(ValueError, 'memoryview: number of dimensions must not exceed 64'):
            mv(TooDeep())


class Comparison(unittest.TestCase):
    def test_across_formats(self):
        self.assertEqual(mv(ints(1, 2)).cast('i'), mv(struct.pack('2d', 1.0, 2.0)).cast('d'))
        self.assertEqual(mv(b'ab'), b'ab')
        self.assertNotEqual(mv(b'ab'), b'abc')
        self.assertNotEqual(mv(b'ab'), 'ab')
        self.assertEqual(mv(ints(1, 2)).cast('i').cast('B'), mv(ints(1, 2)))

    def test_nan_is_never_equal_even_to_itself(self):
        m = mv(struct.pack('d', math.nan)).cast('d')
        self.assertNotEqual(m, m)
        self.assertFalse(m == m)

    def test_released_views_equal_only_themselves(self):
        a, b = mv(b'x'), mv(b'x')
        a.release()
        self.assertTrue(a == a)
        self.assertFalse(a == b)

    def test_any_struct_format(self):
        data = struct.pack('<ih', 1, 2)
        self.assertEqual(mv(StructExporter(data, '<ih', 6)), mv(StructExporter(struct.pack('>ih', 1, 2), '>ih', 6)))

    def test_shapes_must_match(self):
        self.assertNotEqual(mv(bytearray(6)).cast('B', [2, 3]), mv(bytearray(6)).cast('B', [3, 2]))


class StructExporter(newbuffer.BufferMixin):
    """A 1-D view of any struct format."""

    def __init__(self, data, fmt, itemsize):
        self.data, self.fmt, self.size = bytearray(data), fmt, itemsize

    def _get_buffer(self, view, flags):
        view.obj = self
        view.buf = self.data
        view.len = len(self.data)
        view.itemsize = self.size
        view.format = self.fmt
        view.ndim = 1
        view.shape = (len(self.data) // self.size,)
        view.strides = (self.size,)


class Differential(unittest.TestCase):
    """Random views against the plain reference walker (fixed seeds)."""

    def test_random_views(self):
        rng = random.Random(20261122)
        for case in range(300):
            rv = RandomView(rng)
            ref = Reference(rv)
            try:
                m = mv(rv)
                with self.subTest(case=case, fmt=rv.format, shape=rv.shape, strides=rv.strides, pil=rv.pil):
                    self.assertEqual(m.tobytes('C'), ref.tobytes('C'))
                    self.assertEqual(m.tobytes('F'), ref.tobytes('F'))
                    self.assertTrue(same(m.tolist(), ref.tolist()), 'tolist differs')
                    if rv.shape and rv.shape[0] > 1:
                        start, step = rng.randint(0, rv.shape[0] - 1), rng.choice([1, 2, -1])
                        sliced = m[start::step]
                        rows = range(rv.shape[0])[start::step]
                        expected = b''.join(ref.item_bytes(ix) for r in rows for ix in ref.indices() if ix[0] == r)
                        self.assertEqual(sliced.tobytes(), expected)
                    if not has_nan(ref.tolist()):
                        self.assertTrue(m == mv(rv))
                m.release()
            finally:
                rv.close()


class Counted(newbuffer.BufferMixin):
    """A bytearray exported through BufferMixin, counting gets and releases."""

    def __init__(self, n=16):
        self.data = bytearray(range(n))
        self.gets = self.releases = 0

    def _get_buffer(self, view, flags):
        view.obj = self
        view.buf = self.data
        view.len = len(self.data)
        view.itemsize = 1
        view.format = 'B'
        view.ndim = 1
        view.shape = (len(self.data),)
        view.strides = (1,)
        self.gets += 1

    def _release_buffer(self, view):
        self.releases += 1


class Request(unittest.TestCase):

    def test_request_is_verified_with_exactly_the_flags(self):
        m = newbuffer.request(bytearray(b'abc'), newbuffer.PyBUF_WRITABLE)
        self.assertFalse(m.readonly)
        m.release()
        with self.assertRaises(BufferError):
            newbuffer.request(b'abc', newbuffer.PyBUF_WRITABLE)
        self.assertEqual(mv._from_flags(b'ab', newbuffer.PyBUF_SIMPLE).tobytes(), b'ab')

    def test_py_buffer_verify_raises_what_request_raises(self):
        class Lying(Counted):
            def _get_buffer(self, view, flags):
                Counted._get_buffer(self, view, flags)
                view.shape = (17,)
        p = newbuffer.get_buffer(Lying(), newbuffer.PyBUF_FULL_RO)
        with self.assertRaises(ValueError) as by_verify:
            p.verify()
        with self.assertRaises(ValueError) as by_request:
            newbuffer.request(Lying(), newbuffer.PyBUF_FULL_RO)
        self.assertEqual(str(by_verify.exception), str(by_request.exception))
        p.release_buffer()
        with self.assertRaisesRegex(ValueError, r'^verify\(\) is undefined for an unallocated view'):
            p.verify()
        q = newbuffer.get_buffer(b'ab', newbuffer.PyBUF_WRITABLE & 0)
        self.assertIsNone(q.verify())
        q.release_buffer()
        ro = newbuffer.get_buffer(b'ab', newbuffer.PyBUF_SIMPLE)
        ro.release_buffer()


class PyBufferMemoryview(unittest.TestCase):
    """Py_buffer.memoryview(): the answer get_buffer filled, viewed without ctypes."""

    def test_reads_and_writes_the_exporters_memory(self):
        data = bytearray(b'abcdef')
        p = newbuffer.get_buffer(testing.RecordingExporter(data), newbuffer.PyBUF_FULL)
        m = p.memoryview()
        self.assertIsInstance(m, mv)
        self.assertEqual((m.tobytes(), m.format, m.shape, m.readonly), (b'abcdef', 'B', (6,), False))
        data[0] = ord('z')
        m[1] = ord('y')
        self.assertEqual((m[0], data[:2]), (ord('z'), b'zy'))
        self.assertIs(m.obj, p.obj)
        m.release()
        p.release_buffer()

    def test_verified_against_the_request_like_newbuffer_request(self):
        x = mv(ints(1, 2, 3)).cast('i')
        for flags in (newbuffer.PyBUF_SIMPLE, newbuffer.PyBUF_ND, newbuffer.PyBUF_FULL_RO):
            p = newbuffer.get_buffer(x, flags)
            with p.memoryview() as m, newbuffer.request(x, flags) as r:
                self.assertEqual((m.format, m.shape, m.strides, m.tobytes()), (r.format, r.shape, r.strides, r.tobytes()))
            p.release_buffer()

    def test_an_invalid_answer_raises_what_verify_raises(self):
        class Lying(Counted):
            def _get_buffer(self, view, flags):
                Counted._get_buffer(self, view, flags)
                view.shape = (17,)

        class ReadOnly(Counted):
            def _get_buffer(self, view, flags):
                Counted._get_buffer(self, view, flags)
                view.readonly = True  # ignores a writable request

        for exporter, flags, error in ((Lying(), newbuffer.PyBUF_FULL_RO, ValueError), (ReadOnly(), newbuffer.PyBUF_WRITABLE, BufferError)):
            p = newbuffer.get_buffer(exporter, flags)
            with self.assertRaises(error) as by_verify:
                p.verify()
            with self.assertRaises(error) as by_memoryview:
                p.memoryview()
            self.assertEqual(str(by_memoryview.exception), str(by_verify.exception))
            p.release_buffer()  # the refused view was not counted
            self.assertEqual((exporter.gets, exporter.releases), (1, 1))

    def test_release_buffer_refuses_while_a_memoryview_is_out(self):
        x = testing.RecordingExporter(bytearray(b'abcdef'))
        p = newbuffer.get_buffer(x, newbuffer.PyBUF_RECORDS_RO)
        first = p.memoryview()
        with self.assertRaisesRegex(BufferError, '^Py_buffer has 1 exported buffer$'):
            p.release_buffer()
        second = p.memoryview()
        part = second[1:]
        with self.assertRaisesRegex(BufferError, '^Py_buffer has 2 exported buffers$'):
            p.release_buffer()
        self.assertTrue(p)
        first.release()
        second.release()  # its slice with it
        self.assertEqual(x.releases, 0, 'the Py_buffer keeps the export')
        with self.assertRaisesRegex(ValueError, '^operation forbidden on released memoryview object$'):
            part[0]
        p.release_buffer()
        self.assertEqual((x.gets, x.releases, bool(p)), (1, 1, False))
        p.release_buffer()  # a no-op, as before
        self.assertEqual(x.releases, 1)

    def test_a_view_of_its_own_keeps_counting_until_released(self):
        x = testing.RecordingExporter(bytearray(b'abc'))
        p = newbuffer.get_buffer(x, newbuffer.PyBUF_SIMPLE)
        m = p.memoryview()
        independent = mv(m)
        m.release()
        with self.assertRaisesRegex(BufferError, '^Py_buffer has 1 exported buffer$'):
            p.release_buffer()
        self.assertEqual(independent.tobytes(), b'abc')
        independent.release()
        p.release_buffer()
        self.assertEqual(x.releases, 1)

    def test_unfilled_and_lent_structs_have_no_view(self):
        with self.assertRaisesRegex(ValueError, r'^memoryview\(\) is undefined for an unallocated view'):
            newbuffer.Py_buffer().memoryview()
        p = newbuffer.get_buffer(b'ab', newbuffer.PyBUF_SIMPLE)
        p.release_buffer()
        with self.assertRaisesRegex(ValueError, r'^memoryview\(\) is undefined for an unallocated view'):
            p.memoryview()

        class Lent(Counted):
            def _get_buffer(self, view, flags):
                Counted._get_buffer(self, view, flags)
                view.memoryview()

        with self.assertRaisesRegex(ValueError, r'^memoryview\(\) needs a Py_buffer filled by get_buffer, not one lent to an exporter$'):
            mv(Lent())


class RefusedAnswersAreReleasedInEveryStyle(unittest.TestCase):

    def test_readonly_answer_to_a_writable_request(self):
        released = []

        class ByBuffer(newbuffer.Buffer):
            def __buffer__(self, flags):
                return memoryview(b'abc')

            def __release_buffer__(self, view):
                released.append('__buffer__')

        class ByGetbuffer(newbuffer.Buffer):
            def __getbuffer__(self, flags):
                return mv(b'abc')

            def __releasebuffer__(self, view):
                released.append('__getbuffer__')

        class ByMixin(Counted):
            def _get_buffer(self, view, flags):
                Counted._get_buffer(self, view, flags)
                view.readonly = True

            def _release_buffer(self, view):
                released.append('BufferMixin')

        for cls in (ByBuffer, ByGetbuffer, ByMixin):
            with self.assertRaisesRegex(BufferError, 'not writable'):
                newbuffer.request(cls(), newbuffer.PyBUF_WRITABLE)
        self.assertEqual(released, ['__buffer__', '__getbuffer__', 'BufferMixin'])


if __name__ == '__main__':
    unittest.main()
