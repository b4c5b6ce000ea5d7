"""Code written against pygame's newbuffer API (its buftools helpers' style: ctypes memory, integer
addresses in every pointer field) runs unchanged through compat/pygame."""
import ctypes
import os
import struct
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'compat'))

from pygame.newbuffer import (BufferMixin, Py_buffer, PyBUF_FORMAT, PyBUF_ND, PyBUF_STRIDES,  # noqa: E402
                              PyBUF_RECORDS_RO, PyBUF_WRITABLE, PyBUF_SIMPLE)


class Exporter(BufferMixin):
    """pygame-style exporter: the shape, strides and format live in ctypes arrays it keeps."""

    def __init__(self, shape, format=None, strides=None, readonly=None, itemsize=None):
        self.ndim = len(shape)
        self.format_text = (format or 'B').encode('ascii')
        self.itemsize = itemsize or struct.calcsize(self.format_text.decode())
        self.shape = tuple(shape)
        self._shape = (ctypes.c_ssize_t * self.ndim)(*shape)
        if strides is None:
            strides, step = [0] * self.ndim, self.itemsize
            for i in range(self.ndim - 1, -1, -1):
                strides[i], step = step, step * shape[i]
        self.strides = tuple(strides)
        self._strides = (ctypes.c_ssize_t * self.ndim)(*strides)
        self._format = ctypes.create_string_buffer(self.format_text)
        size = max(sum((n - 1) * s for n, s in zip(shape, strides)) + self.itemsize, 0)
        self._memory = (ctypes.c_char * size)()
        self.buflen = self.itemsize
        for n in shape:
            self.buflen *= n
        self.readonly = bool(readonly)
        self.gets = self.releases = 0

    def _get_buffer(self, view, flags):
        if self.readonly and flags & PyBUF_WRITABLE:
            raise BufferError('buffer is read-only')
        self.gets += 1
        view.obj = self
        view.buf = ctypes.addressof(self._memory)
        view.len = self.buflen
        view.readonly = self.readonly
        view.itemsize = self.itemsize
        view.format = ctypes.addressof(self._format) if flags & PyBUF_FORMAT else None
        view.ndim = self.ndim if flags & PyBUF_ND else 0
        view.shape = ctypes.addressof(self._shape) if flags & PyBUF_ND else None
        view.strides = ctypes.addressof(self._strides) if (flags & PyBUF_STRIDES) == PyBUF_STRIDES else None
        view.suboffsets = None
        view.internal = None

    def _release_buffer(self, view):
        self.releases += 1


class Importer:
    """pygame-style importer: reads every field of the Py_buffer back through ctypes."""

    def __init__(self, obj, flags):
        self._view = Py_buffer()
        self._view.get_buffer(obj, flags)

    @property
    def format(self):
        return None if self._view.format is None else ctypes.string_at(self._view.format).decode('ascii')

    @property
    def shape(self):
        v = self._view
        return None if v.shape is None else tuple((ctypes.c_ssize_t * v.ndim).from_address(v.shape))

    @property
    def strides(self):
        v = self._view
        return None if v.strides is None else tuple((ctypes.c_ssize_t * v.ndim).from_address(v.strides))

    def __getattr__(self, name):
        return getattr(self._view, name)

    def release(self):
        self._view.release_buffer()


class PygameCompatTests(unittest.TestCase):
    def test_importer_reads_exporter_fields_through_ctypes(self):
        e = Exporter((3, 5), format='=h', strides=(20, 2))
        i = Importer(e, PyBUF_RECORDS_RO)
        self.assertIs(i.obj, e)
        self.assertEqual((i.len, i.itemsize, i.ndim, i.readonly), (30, 2, 2, False))
        self.assertEqual((i.format, i.shape, i.strides), ('=h', (3, 5), (20, 2)))
        self.assertIsNone(i.suboffsets)
        self.assertEqual(i.buf, ctypes.addressof(e._memory))
        i.release()
        self.assertEqual((e.gets, e.releases), (1, 1))

    def test_simple_request(self):
        e = Exporter((4,))
        i = Importer(e, PyBUF_SIMPLE)
        self.assertEqual((i.format, i.shape, i.strides, i.ndim), (None, None, None, 0))
        i.release()

    def test_writable_request_of_readonly_exporter(self):
        with self.assertRaisesRegex(BufferError, '^buffer is read-only$'):
            Importer(Exporter((2,), readonly=True), PyBUF_WRITABLE)

    def test_exporter_memory_is_shared_with_memoryview(self):
        import newbuffer
        e = Exporter((2, 2), format='i')
        m = newbuffer.memoryview(e)
        m[1, 1] = 42
        self.assertEqual(struct.unpack_from('4i', bytes(e._memory)), (0, 0, 0, 42))
        self.assertEqual(memoryview(e).tolist(), [[0, 0], [0, 42]])


if __name__ == '__main__':
    unittest.main()
