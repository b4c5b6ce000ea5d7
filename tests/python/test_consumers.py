"""IronPython's own consumers accept every export style, and newbuffer's memoryview too."""
import array
import binascii
import hashlib
import io
import os
import struct
import tempfile
import unittest
import zlib

import newbuffer
from support import Counter, collect

PAYLOAD = b'newbuffer-payload'


class ByDelegation(newbuffer.Buffer):
    def __init__(self):
        self.data = bytearray(PAYLOAD)
        self.count = Counter()

    def __buffer__(self, flags):
        self.count.got()
        return self.data

    def __release_buffer__(self, view):
        self.count.released()


class ByGetBuffer(newbuffer.Buffer):
    def __init__(self):
        self.data = bytearray(PAYLOAD)
        self.count = Counter()

    def __getbuffer__(self, flags):
        self.count.got()
        return newbuffer.memoryview(self.data)

    def __releasebuffer__(self, view):
        self.count.released()


class ByMixin(newbuffer.BufferMixin):
    def __init__(self):
        self.data = bytearray(PAYLOAD)
        self.count = Counter()

    def _get_buffer(self, view, flags):
        self.count.got()
        view.obj = self
        view.buf = self.data
        view.len = len(self.data)
        view.readonly = False
        view.itemsize = 1
        view.format = 'B' if flags & newbuffer.PyBUF_FORMAT else None
        view.ndim = 1
        view.shape = (len(self.data),) if flags & newbuffer.PyBUF_ND else None
        view.strides = (1,) if flags & newbuffer.PyBUF_STRIDES == newbuffer.PyBUF_STRIDES else None

    def _release_buffer(self, view):
        self.count.released()


def exporters():
    return [ByDelegation(), ByGetBuffer(), ByMixin()]


READERS = {
    'memoryview': lambda x: memoryview(x).tobytes(),
    'newbuffer.memoryview': lambda x: newbuffer.memoryview(x).tobytes(),
    'bytes': bytes,
    'bytearray': lambda x: bytes(bytearray(x)),
    'struct.unpack_from': lambda x: struct.unpack_from('%ds' % len(PAYLOAD), x)[0],
    'struct.unpack': lambda x: struct.unpack('%ds' % len(PAYLOAD), x)[0],
    'array.frombytes': lambda x: array.array('b', []).__class__('B', []).frombytes(x) or b'',
    'bytes.join': lambda x: b''.join([x]),
    'bytes +': lambda x: b'' + x,
    'bytearray.extend': lambda x: bytes(_extended(x)),
    'BytesIO': lambda x: io.BytesIO(x).getvalue(),
    'BytesIO.write': lambda x: _written(io.BytesIO(), x),
    'file.write': lambda x: _file_round_trip(x),
    'hashlib.md5': lambda x: hashlib.md5(x).digest(),
    'zlib.crc32': lambda x: zlib.crc32(x),
    'binascii.hexlify': lambda x: binascii.hexlify(x),
    'int.from_bytes': lambda x: int.from_bytes(x, 'little'),
    'str(x, encoding)': lambda x: str(x, 'latin-1'),
}

EXPECTED = {
    'array.frombytes': b'',
    'hashlib.md5': hashlib.md5(PAYLOAD).digest(),
    'zlib.crc32': zlib.crc32(PAYLOAD),
    'binascii.hexlify': binascii.hexlify(PAYLOAD),
    'int.from_bytes': int.from_bytes(PAYLOAD, 'little'),
    'str(x, encoding)': PAYLOAD.decode('latin-1'),
}


def _extended(x):
    target = bytearray()
    target.extend(x)
    return target


def _written(stream, x):
    stream.write(x)
    return stream.getvalue()


def _file_round_trip(x):
    fd, path = tempfile.mkstemp()
    os.close(fd)
    try:
        with open(path, 'wb') as f:
            f.write(x)
        with open(path, 'rb') as f:
            return f.read()
    finally:
        os.remove(path)


class ConsumerTests(unittest.TestCase):
    def test_every_reader_accepts_every_style(self):
        for name, read in READERS.items():
            for exporter in exporters():
                with self.subTest(consumer=name, style=type(exporter).__name__):
                    self.assertEqual(read(exporter), EXPECTED.get(name, PAYLOAD))
                    collect()
                    self.assertTrue(exporter.count.balanced, 'every request released once: %d gets, %d releases' % (exporter.count.gets, exporter.count.releases))

    def test_array_frombytes_appends_the_bytes(self):
        for exporter in exporters():
            a = array.array('B')
            a.frombytes(exporter)
            self.assertEqual(a.tobytes(), PAYLOAD)

    def test_writers_accept_every_style(self):
        for exporter in exporters():
            with self.subTest(style=type(exporter).__name__):
                struct.pack_into('3s', exporter, 0, b'NEW')
                self.assertEqual(bytes(exporter.data[:3]), b'NEW')
                with io.FileIO(_temp_with(b'XYZ'), 'rb') as f:
                    f.readinto(exporter)
                self.assertEqual(bytes(exporter.data[:3]), b'XYZ')
                collect()
                self.assertTrue(exporter.count.balanced, '%d gets, %d releases' % (exporter.count.gets, exporter.count.releases))

    def test_buffered_readinto_needs_a_memoryview(self):
        # IronPython's buffered readinto only takes lists of bytes or objects with __setitem__
        # (IronPython/Modules/_io.cs); wrapping the exporter in a memoryview works.
        for exporter in exporters():
            with open(_temp_with(b'abc'), 'rb') as f:
                with self.assertRaises(TypeError):
                    f.readinto(exporter)
            with open(_temp_with(b'abc'), 'rb') as f:
                f.readinto(memoryview(exporter))
            self.assertEqual(bytes(exporter.data[:3]), b'abc')

    def test_our_memoryview_is_accepted_by_ironpython_consumers(self):
        m = newbuffer.memoryview(bytearray(PAYLOAD))
        self.assertEqual(bytes(m), PAYLOAD)
        self.assertEqual(memoryview(m).tobytes(), PAYLOAD)
        self.assertEqual(hashlib.md5(m).digest(), hashlib.md5(PAYLOAD).digest())
        self.assertEqual(struct.unpack_from('3s', m, 1)[0], PAYLOAD[1:4])

    def test_strided_view_is_gathered_for_ironpython(self):
        m = newbuffer.memoryview(bytearray(b'abcdef'))[::2]
        self.assertEqual(bytes(m), b'ace')
        self.assertEqual(memoryview(m).tobytes(), b'ace')
        with self.assertRaisesRegex(BufferError, 'not C-contiguous'):
            struct.unpack_from('3s', m)

    def test_our_memoryview_accepts_ironpython_exporters(self):
        import mmap
        sources = [b'abc', bytearray(b'abc'), array.array('b', [97, 98, 99]), memoryview(b'abc')]
        for source in sources:
            with self.subTest(source=type(source).__name__):
                self.assertEqual(newbuffer.memoryview(source).tobytes(), b'abc')
        self.assertEqual(newbuffer.memoryview(array.array('i', [1, 2])).tolist(), [1, 2])
        self.assertEqual(newbuffer.memoryview(array.array('i', [1, 2])).itemsize, 4)
        # IronPython 3.4.2's mmap implements no buffer interface (IronPython.Modules/mmap.cs), so
        # neither its memoryview nor ours can see its memory; both refuse it the same way.
        mm = mmap.mmap(-1, 4)
        for consumer in (memoryview, newbuffer.memoryview):
            with self.assertRaises(TypeError):
                consumer(mm)
        mm.close()


def _temp_with(content):
    fd, path = tempfile.mkstemp()
    os.write(fd, content)
    os.close(fd)
    return path


if __name__ == '__main__':
    unittest.main()
