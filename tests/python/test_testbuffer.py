"""_testbuffer: CPython's test-only exporter, rebuilt on newbuffer's core.

Every expectation here is CPython 3.13's behaviour (the file also passes under CPython with its own
_testbuffer and memoryview), so these tests pin the module to the original rather than to itself.
"""
import struct
import unittest

from _testbuffer import (
    ND_FORTRAN, ND_GETBUF_FAIL, ND_MAX_NDIM, ND_PIL, ND_REDIRECT, ND_VAREXPORT, ND_WRITABLE,
    PyBUF_CONTIG, PyBUF_CONTIG_RO, PyBUF_F_CONTIGUOUS, PyBUF_FORMAT, PyBUF_FULL, PyBUF_FULL_RO,
    PyBUF_INDIRECT, PyBUF_ND, PyBUF_READ, PyBUF_RECORDS, PyBUF_SIMPLE, PyBUF_STRIDES, PyBUF_WRITABLE,
    PyBUF_WRITE, cmp_contig, get_contiguous, get_pointer, get_sizeof_void_p, is_contiguous, ndarray,
    py_buffer_to_contiguous, slice_indices, staticarray)

try:
    from newbuffer import memoryview
except ImportError:  # CPython, to check the expectations against the original
    pass

PTR = get_sizeof_void_p()


def getbuf_error(ex, request):
    """The message of the BufferError ndarray(ex, getbuf=request) raises."""
    try:
        ndarray(ex, getbuf=request)
    except BufferError as e:
        return str(e)
    return None


class Constants(unittest.TestCase):
    def test_values_are_cpythons(self):
        self.assertEqual((ND_VAREXPORT, ND_WRITABLE, ND_FORTRAN, ND_PIL, ND_REDIRECT, ND_GETBUF_FAIL, ND_MAX_NDIM),
                         (0x1, 0x2, 0x4, 0x10, 0x20, 0x40, 128))
        self.assertEqual((PyBUF_SIMPLE, PyBUF_WRITABLE, PyBUF_FORMAT, PyBUF_ND, PyBUF_STRIDES, PyBUF_INDIRECT),
                         (0, 1, 4, 8, 0x18, 0x118))
        self.assertEqual((PyBUF_FULL_RO, PyBUF_READ, PyBUF_WRITE), (0x11c, 0x100, 0x200))
        self.assertEqual(PTR, struct.calcsize('P'))


class Construction(unittest.TestCase):
    def test_c_array_attributes(self):
        nd = ndarray(list(range(12)), shape=[3, 4], format='h')
        self.assertEqual((nd.shape, nd.strides, nd.suboffsets, nd.itemsize, nd.nbytes, nd.ndim, nd.format),
                         ((3, 4), (8, 2), (), 2, 24, 2, 'h'))
        self.assertEqual((nd.readonly, nd.obj, nd.offset), (True, None, 0))
        self.assertEqual((nd.c_contiguous, nd.f_contiguous, nd.contiguous), (True, False, True))
        self.assertEqual(nd.flags, 0x100)  # ND_C
        self.assertEqual(nd.tolist(), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])

    def test_fortran_array(self):
        nd = ndarray(list(range(6)), shape=[2, 3], flags=ND_FORTRAN | ND_WRITABLE)
        self.assertEqual(nd.strides, (1, 2))
        self.assertEqual(nd.tolist(), [[0, 2, 4], [1, 3, 5]])
        self.assertFalse(nd.readonly)
        self.assertEqual((nd.c_contiguous, nd.f_contiguous), (False, True))

    def test_strides_offset_and_negative_strides(self):
        nd = ndarray(list(range(12)), shape=[3, 2], strides=[-4, 2], offset=8)
        self.assertEqual((nd.offset, nd.tolist()), (8, [[8, 10], [4, 6], [0, 2]]))
        self.assertEqual(nd.tobytes(), bytes([8, 10, 4, 6, 0, 2]))
        self.assertFalse(nd.contiguous)

    def test_scalar(self):
        nd = ndarray(7, shape=[], format='i')
        self.assertEqual((nd.ndim, nd.shape, nd.strides, nd.tolist(), nd[()]), (0, (), (), 7, 7))
        self.assertEqual(nd.flags & 0x8, 0x8)  # ND_SCALAR

    def test_struct_formats(self):
        self.assertEqual(ndarray([(1, 2.5)], shape=[1], format='<hd').tolist(), [(1, 2.5)])
        self.assertEqual(ndarray([b'ab', b'cd'], shape=[2], format='2s').tolist(), [b'ab', b'cd'])
        self.assertEqual(ndarray([1.5, -2.0], shape=[2], format='e').tolist(), [1.5, -2.0])
        self.assertEqual(ndarray([True, False], shape=[2], format='?').tobytes(), b'\x01\x00')
        self.assertEqual(ndarray([(False, True)], shape=[1], format='2?').tobytes(), b'\x00\x01')

    def test_errors_are_cpythons(self):
        cases = [
            (TypeError, "shape is a required argument when constructing from list, tuple or scalar", ([1],), {}),
            (TypeError, "shape must be a list or a tuple", ([1],), {'shape': {1}}),
            (TypeError, "items must be a list or a tuple", ({1},), {'shape': [1]}),
            (TypeError, "getbuf argument only valid for construction from exporter object", ([1],), {'shape': [1], 'getbuf': 0}),
            (TypeError, "construction from exporter object only takes 'obj', 'getbuf' and 'flags' arguments", (b'x',), {'offset': 1}),
            (TypeError, "ND_FORTRAN cannot be used together with strides", ([1],), {'shape': [1], 'strides': [1], 'flags': ND_FORTRAN}),
            (TypeError, "ndim = 0 cannot be used in conjunction with ND_PIL", ([1],), {'shape': [], 'flags': ND_PIL}),
            (ValueError, "len(shape) != len(strides)", ([1, 2],), {'shape': [2, 1], 'strides': [1]}),
            (ValueError, "ndim must not exceed 128", ([1] * 129,), {'shape': [1] * 129}),
            (ValueError, "itemsize must not be zero", ([1],), {'shape': [1], 'format': ''}),
            (ValueError, "initializer list or tuple must not be empty", ([],), {'shape': [1]}),
            (ValueError, "offset must be a multiple of itemsize", ([1, 2],), {'shape': [1], 'format': 'h', 'offset': 1}),
            (ValueError, "offset out of bounds", ([1, 2, 3],), {'shape': [3], 'offset': 4}),
            (ValueError, "mismatch between initializer element and format string", ([1, (2, 3)],), {'shape': [2]}),
            (ValueError, "elements of shape must be integers", ([1],), {'shape': ['1']}),
            (ValueError, "elements of shape must be integers >= 0", ([1],), {'shape': [-1]}),
            (ValueError, "elements of strides must be integers", ([1],), {'shape': [1], 'strides': ['1']}),
            (ValueError, "strides must be a multiple of itemsize", ([1, 2, 3, 4],), {'shape': [2], 'strides': [3], 'format': 'h'}),
            (ValueError, "invalid combination of buffer, shape and strides", (list(range(10)),), {'shape': [2, 3], 'strides': [-3, -2], 'offset': 5}),
            (struct.error, "ubyte format requires 0 <= number <= 255", ([1000],), {'shape': [1]}),
            (struct.error, "bad char in struct format", ([1],), {'shape': [1], 'format': '@#$'}),
            (OverflowError, None, ([1],), {'shape': [2 ** 128]}),
        ]
        for error, message, args, kwargs in cases:
            with self.subTest(message=message):
                with self.assertRaises(error) as cm:
                    ndarray(*args, **kwargs)
                if message is not None and error is not struct.error:
                    self.assertEqual(str(cm.exception), message)


class Getbuf(unittest.TestCase):
    """ndarray_getbuf: each refusal with its own message, in CPython's order."""

    def test_refusals(self):
        c = ndarray(list(range(12)), shape=[3, 4])
        f = ndarray(list(range(12)), shape=[3, 4], flags=ND_FORTRAN)
        strided = ndarray(list(range(12)), shape=[3, 2], strides=[4, 2])
        pil = ndarray(list(range(12)), shape=[3, 4], flags=ND_PIL)
        self.assertEqual(getbuf_error(c, PyBUF_WRITABLE), "ndarray is not writable")
        self.assertEqual(getbuf_error(f, PyBUF_FULL_RO | 0x20), "ndarray is not C-contiguous")
        self.assertEqual(getbuf_error(c, PyBUF_F_CONTIGUOUS), "ndarray is not Fortran contiguous")
        self.assertEqual(getbuf_error(strided, PyBUF_STRIDES | 0x80), "ndarray is not contiguous")
        self.assertEqual(getbuf_error(pil, PyBUF_STRIDES), "ndarray cannot be represented without suboffsets")
        self.assertEqual(getbuf_error(f, PyBUF_ND), "ndarray is not C-contiguous")
        self.assertEqual(getbuf_error(c, PyBUF_FORMAT), "ndarray: cannot cast to unsigned bytes if the format flag is present")
        self.assertEqual(getbuf_error(ndarray([1], shape=[1], flags=ND_GETBUF_FAIL), PyBUF_SIMPLE),
                         "ND_GETBUF_FAIL: forced test exception")
        simple = ndarray(c, getbuf=PyBUF_SIMPLE)
        self.assertEqual(getbuf_error(simple, PyBUF_ND), "re-exporter does not provide format, shape or strides")

    def test_answers_drop_what_was_not_asked(self):
        ex = ndarray(list(range(12)), shape=[3, 4], format='h', flags=ND_WRITABLE)
        nd = ndarray(ex, getbuf=PyBUF_SIMPLE)
        self.assertEqual((nd.format, nd.ndim, nd.shape, nd.strides, nd.itemsize, nd.nbytes), ('', 1, (), (), 2, 24))
        nd = ndarray(ex, getbuf=PyBUF_CONTIG)
        self.assertEqual((nd.shape, nd.strides, nd.readonly), ((3, 4), (), False))
        nd = ndarray(ex, getbuf=PyBUF_RECORDS)
        self.assertEqual((nd.format, nd.strides), ('h', (8, 2)))
        self.assertIs(nd.obj, ex)

    def test_fortran_request(self):
        ex = ndarray(list(range(1, 13)), shape=(3, 4), strides=(1, 3))
        nd = ndarray(ex, getbuf=PyBUF_F_CONTIGUOUS | PyBUF_FORMAT)
        self.assertEqual(nd.tolist(), [[1, 4, 7, 10], [2, 5, 8, 11], [3, 6, 9, 12]])

    def test_null_strides_cannot_make_sub_views(self):
        nd = ndarray(ndarray(list(range(8)), shape=[2, 4], flags=ND_WRITABLE), getbuf=PyBUF_CONTIG)
        self.assertRaises(BufferError, nd.__getitem__, 1)
        self.assertRaises(BufferError, nd.__getitem__, slice(0, 1))

    def test_tolist_needs_a_format(self):
        nd = ndarray(ndarray([1, 2, 3], shape=[3], format='L'), getbuf=PyBUF_SIMPLE)
        with self.assertRaisesRegex(ValueError, r"tolist\(\) does not support format=NULL"):
            nd.tolist()


class PilStyle(unittest.TestCase):
    def test_suboffsets_replace_the_first_stride(self):
        nd = ndarray(list(range(12)), shape=[3, 4], flags=ND_PIL)
        self.assertEqual((nd.suboffsets, nd.strides, nd.offset), ((0, -1), (PTR, 1), 0))
        self.assertEqual(nd.tolist(), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])
        self.assertEqual((nd.c_contiguous, nd.contiguous), (False, False))
        self.assertEqual(nd.tobytes(), bytes(range(12)))

    def test_negative_strides_give_a_positive_suboffset(self):
        nd = ndarray(list(range(12)), shape=[2, 2, 3], strides=[-6, 3, -1], offset=8, flags=ND_PIL)
        self.assertEqual((nd.suboffsets, nd.strides), ((2, -1, -1), (-PTR, 3, -1)))
        self.assertEqual(nd.tolist(), [[[8, 7, 6], [11, 10, 9]], [[2, 1, 0], [5, 4, 3]]])

    def test_slicing_a_later_dimension_moves_the_suboffset(self):
        nd = ndarray(list(range(12)), shape=[3, 4], flags=ND_PIL)
        sliced = nd[::-1, 1::2]
        self.assertEqual((sliced.suboffsets, sliced.tolist()), ((1, -1), [[9, 11], [5, 7], [1, 3]]))
        self.assertEqual(nd[1].tolist(), [4, 5, 6, 7])
        self.assertEqual(get_pointer(nd, [2, 3]), 11)

    def test_memoryview_keeps_the_suboffsets(self):
        m = memoryview(ndarray(list(range(6)), shape=[2, 3], flags=ND_PIL))
        self.assertEqual((m.suboffsets, m.tolist()), ((0, -1), [[0, 1, 2], [3, 4, 5]]))

    def test_empty_sub_arrays_are_not_followed(self):
        # With a zero in a later dimension the pointers lead outside the memory; CPython never reads them.
        nd = ndarray([1, 2, 3, 4], shape=[2, 0, 3], strides=[-56, 24, 16], format='i', flags=ND_PIL)
        self.assertEqual(nd.tolist(), [[], []])
        self.assertEqual(memoryview(nd).tolist(), [[], []])

    def test_add_suboffsets(self):
        nd = ndarray(list(range(6)), shape=[2, 3])
        nd.add_suboffsets()
        self.assertEqual((nd.suboffsets, nd.c_contiguous), ((-1, -1), False))
        self.assertRaisesRegex(TypeError, "cannot add suboffsets to PIL-style array", nd.add_suboffsets)
        simple = ndarray(ndarray([1], shape=[1]), getbuf=PyBUF_SIMPLE)
        self.assertRaisesRegex(TypeError, "cannot add suboffsets to array without strides", simple.add_suboffsets)


class Indexing(unittest.TestCase):
    def test_items_sub_arrays_and_slices(self):
        nd = ndarray(list(range(24)), shape=[2, 3, 4])
        self.assertEqual(nd[1][2][3], 23)
        self.assertEqual(nd[-1].tolist(), [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]])
        self.assertEqual(nd[:, 1:, ::-2].tolist(), [[[7, 5], [11, 9]], [[19, 17], [23, 21]]])
        self.assertIs(nd[0].obj, nd)

    def test_errors(self):
        nd = ndarray([1, 2, 3], shape=[3])
        self.assertRaisesRegex(IndexError, "^index out of bounds$", nd.__getitem__, 3)
        self.assertRaises(OverflowError, nd.__getitem__, 2 ** 64)
        self.assertRaisesRegex(TypeError, 'cannot index memory using "str"', nd.__getitem__, "x")
        self.assertRaisesRegex(ValueError, "slice step cannot be zero", nd.__getitem__, slice(0, 1, 0))
        self.assertRaisesRegex(TypeError, "ndarray is not writable", nd.__setitem__, 0, 1)
        scalar = ndarray(1, shape=[], flags=ND_WRITABLE)
        self.assertRaisesRegex(TypeError, "invalid indexing of scalar", scalar.__getitem__, 0)
        self.assertIs(scalar[...], scalar)
        scalar[...] = 5
        self.assertEqual(scalar[()], 5)

    def test_setitem_packs_with_struct(self):
        nd = ndarray([(1, 2), (3, 4)], shape=[2], format='LQ', flags=ND_WRITABLE)
        nd[1] = (5, 6)
        self.assertEqual(nd.tolist(), [(1, 2), (5, 6)])
        self.assertRaisesRegex(ValueError, "mismatch between initializer element and format string", nd.__setitem__, 0, 3)
        self.assertRaises(struct.error, nd.__setitem__, 0, (b'x', 1))

    def test_slice_assignment_copies_row_by_row(self):
        # copy_rec stages one row at a time: a row written early is what a later row reads.
        nd = ndarray(list(range(12)), shape=[3, 4], flags=ND_WRITABLE)
        nd[1:3] = nd[0:2]
        self.assertEqual(nd.tolist(), [[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]])
        nd = ndarray(list(range(6)), shape=[6], flags=ND_WRITABLE)
        nd[1:6] = nd[0:5]
        self.assertEqual(nd.tolist(), [0, 0, 1, 2, 3, 4])

    def test_slice_assignment_errors(self):
        xl = ndarray([1, 2, 3, 4], shape=[4], flags=ND_WRITABLE)
        self.assertRaisesRegex(ValueError, "ndarray assignment: lvalue and rvalue have different structures",
                               xl.__setitem__, slice(0, 2), ndarray([1], shape=[1]))
        self.assertRaises(TypeError, xl.__setitem__, slice(0, 4), [1, 2, 3, 4])
        self.assertRaisesRegex(TypeError, "ndarray data cannot be deleted", xl.__delitem__, 0)

    def test_iteration_and_hash(self):
        self.assertEqual(list(ndarray([1, 2, 3], shape=[3])), [1, 2, 3])
        self.assertEqual(hash(ndarray(list(range(12)), shape=[3, 4], flags=ND_FORTRAN)),
                         hash(bytes([0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11])))
        self.assertRaisesRegex(ValueError, "cannot hash writable ndarray object", hash, ndarray([1], shape=[1], flags=ND_WRITABLE))


class Lifetime(unittest.TestCase):
    def test_push_and_pop(self):
        nd = ndarray([1, 2, 3], shape=[3])
        nd.push([4, 5], shape=[2])
        self.assertEqual(nd.tolist(), [4, 5])
        m = memoryview(nd)
        self.assertRaisesRegex(BufferError, "cannot change structure: 1 exported buffer$", nd.pop)
        m.release()
        nd.pop()
        self.assertEqual(nd.tolist(), [1, 2, 3])
        self.assertRaisesRegex(BufferError, "list only has a single base", nd.pop)
        self.assertRaisesRegex(ValueError, "ND_VAREXPORT flag can only be used during object creation",
                               nd.push, [1], shape=[1], flags=ND_VAREXPORT)

    def test_varexport_keeps_exported_bases_until_released(self):
        nd = ndarray([1, 2, 3], shape=[3], flags=ND_VAREXPORT)
        m1 = memoryview(nd)
        nd.push([4, 5, 6, 7], shape=[4])
        self.assertEqual((m1.tolist(), nd.tolist()), ([1, 2, 3], [4, 5, 6, 7]))
        m1.release()  # the old base goes with its last export
        self.assertRaisesRegex(BufferError, "list only has a single base", nd.pop)

    def test_consumers_cannot_change_structure(self):
        nd = ndarray(b'123')
        self.assertRaisesRegex(BufferError, "structure of re-exporting object is immutable", nd.pop)
        self.assertEqual((nd.obj, nd.tolist()), (b'123', [49, 50, 51]))

    def test_redirect_chain(self):
        x = ndarray([1.0, 2.0], shape=[2], format='d')
        y = ndarray(x, getbuf=PyBUF_FULL_RO, flags=ND_REDIRECT)
        z = ndarray(y, getbuf=PyBUF_FULL_RO, flags=ND_REDIRECT)
        m = memoryview(z)
        self.assertIs(z.obj, x)
        self.assertIs(m.obj, x)
        self.assertEqual(m.tolist(), [1.0, 2.0])


class ModuleFunctions(unittest.TestCase):
    def test_slice_indices(self):
        self.assertEqual(slice_indices(slice(None, None, -2), 5), (4, -1, -2, 3))
        self.assertEqual(slice_indices(slice(-100, 100), 5), (0, 5, 1, 5))
        self.assertRaisesRegex(TypeError, "first argument must be a slice object", slice_indices, 1, 5)
        self.assertRaises(ValueError, slice_indices, slice(0, 1, 0), 4)

    def test_get_pointer(self):
        nd = ndarray(list(range(12)), shape=[3, 4])
        self.assertEqual(get_pointer(nd[::-1, ::2], [0, 1]), 10)
        self.assertRaisesRegex(ValueError, r"get_pointer\(\): len\(indices\) != ndim", get_pointer, nd, [1])
        self.assertRaisesRegex(ValueError, r"get_pointer\(\): invalid index 3 at position 0", get_pointer, nd, [3, 0])
        self.assertRaisesRegex(TypeError, "must be a list or a tuple", get_pointer, nd, {})

    def test_py_buffer_to_contiguous(self):
        nd = ndarray(list(range(6)), shape=[2, 3])
        self.assertEqual(py_buffer_to_contiguous(nd, 'F', PyBUF_FULL_RO), bytes([0, 3, 1, 4, 2, 5]))
        self.assertEqual(py_buffer_to_contiguous(nd, 'F', PyBUF_ND), bytes([0, 3, 1, 4, 2, 5]))
        self.assertEqual(py_buffer_to_contiguous(nd[::-1], 'A', PyBUF_FULL_RO), bytes([3, 4, 5, 0, 1, 2]))
        self.assertRaisesRegex(ValueError, "invalid order, must be C, F or A", py_buffer_to_contiguous, nd, 'Z', PyBUF_FULL_RO)

    def test_get_contiguous(self):
        nd = ndarray(list(range(6)), shape=[2, 3], flags=ND_PIL | ND_WRITABLE)
        m = get_contiguous(nd, PyBUF_READ, 'F')
        self.assertEqual((m.strides, m.tolist(), m.readonly), ((1, 2), [[0, 1, 2], [3, 4, 5]], True))
        self.assertTrue(cmp_contig(m, ndarray([0, 3, 1, 4, 2, 5], shape=[2, 3], flags=ND_FORTRAN)))
        self.assertRaisesRegex(BufferError, "writable contiguous buffer requested for a non-contiguous object.",
                               get_contiguous, nd, PyBUF_WRITE, 'C')
        self.assertRaisesRegex(BufferError, "underlying buffer is not writable", get_contiguous, b'x', PyBUF_WRITE, 'C')
        self.assertRaisesRegex(ValueError, "invalid buffer type", get_contiguous, nd, 255, 'C')
        self.assertRaises(UnicodeEncodeError, get_contiguous, nd, PyBUF_READ, '\u2007')

    def test_is_contiguous_and_cmp_contig(self):
        nd = ndarray(list(range(6)), shape=[2, 3])
        self.assertEqual((is_contiguous(nd, 'C'), is_contiguous(nd, 'F'), is_contiguous(nd[:, ::2], 'A')), (True, False, False))
        self.assertTrue(cmp_contig(nd, bytes(range(6))) is False)  # different ndim
        self.assertTrue(cmp_contig(ndarray([1], shape=[1]), b'\x01'))
        scalar = ndarray(9, shape=[], format='i')
        self.assertTrue(cmp_contig(memoryview(scalar), scalar))  # both 0-d answers have NULL shape
        self.assertRaisesRegex(TypeError, "cmp_contig: first argument does not implement the buffer protocol", cmp_contig, {}, nd)
        self.assertRaisesRegex(TypeError, "is_contiguous: object does not implement the buffer protocol", is_contiguous, {}, 'C')

    def test_memoryview_from_buffer(self):
        nd = ndarray(list(range(6)), shape=[2, 3], flags=ND_PIL)
        m = nd.memoryview_from_buffer()
        self.assertEqual((m.obj, m.tolist(), m.suboffsets), (None, [[0, 1, 2], [3, 4, 5]], (0, -1)))
        consumer = ndarray(ndarray(list(range(6)), shape=[6]), getbuf=PyBUF_CONTIG_RO | PyBUF_FORMAT)
        self.assertEqual(consumer.memoryview_from_buffer().strides, (1,))
        twice = ndarray(ndarray(ndarray([1, 2], shape=[2])))
        self.assertRaisesRegex(TypeError, "ndarray must be original exporter or consumer from ndarray/original exporter",
                               twice.memoryview_from_buffer)
        self.assertRaises(ValueError, ndarray(list(range(128)), shape=[1] * 128).memoryview_from_buffer)

    def test_staticarray(self):
        x = staticarray()
        m = memoryview(x)
        self.assertEqual((m.obj is x, m.tolist(), m.readonly), (True, list(range(12)), True))
        self.assertIsNone(memoryview(staticarray(legacy_mode=True)).obj)
        self.assertIsNone(ndarray(staticarray(True), getbuf=PyBUF_FULL_RO).obj)


class Consumers(unittest.TestCase):
    """ndarray as an exporter for memoryview, IronPython's consumers and back."""

    def test_memoryview_and_bytes(self):
        nd = ndarray(list(range(6)), shape=[2, 3], format='B', flags=ND_WRITABLE)
        m = memoryview(nd)
        self.assertEqual((m.shape, m.obj is nd, m.tolist()), ((2, 3), True, [[0, 1, 2], [3, 4, 5]]))
        self.assertEqual(bytes(nd), bytes(range(6)))
        self.assertEqual(bytes(ndarray(list(range(6)), shape=[2, 3], flags=ND_PIL)), bytes(range(6)))
        self.assertEqual(struct.unpack_from('BB', nd, 4), (4, 5))
        self.assertEqual(m, nd)

    def test_memoryview_comparison_answers_notimplemented_when_the_request_fails(self):
        ex = ndarray([1, 2, 3], shape=[3], flags=ND_WRITABLE)
        nd = ndarray(ex, getbuf=PyBUF_CONTIG | PyBUF_FORMAT)
        self.assertIs(memoryview(ex).__eq__(nd), NotImplemented)

    def test_memoryview_of_a_scalar(self):
        nd = ndarray(2.5, shape=[], format='d', flags=ND_WRITABLE)
        m = memoryview(nd)
        m[...] = 4.5
        self.assertEqual(nd[()], 4.5)
        self.assertEqual(memoryview(bytearray(2)).cast('@B').format, '@B')

    def test_huge_memoryview_index_is_an_index_error(self):
        m = memoryview(ndarray([1, 2], shape=[2], flags=ND_WRITABLE))
        self.assertRaises(IndexError, m.__getitem__, 2 ** 64)
        self.assertRaises(IndexError, m.__setitem__, -3, 1)


if __name__ == '__main__':
    unittest.main()
