"""A pure-Python 2-D matrix of doubles that exports its buffer, read by struct, bytes and memoryview.

Run: scripts/ipy examples/matrix.py
"""
import struct

import newbuffer


class Matrix(newbuffer.Buffer):
    """Row-major doubles; exports a 2-D view through __getbuffer__ (a cast of its storage)."""

    def __init__(self, rows, cols, values):
        self.rows, self.cols = rows, cols
        self.storage = bytearray(struct.pack('%dd' % (rows * cols), *values))
        self.exports = 0

    def __getbuffer__(self, flags):
        self.exports += 1
        return newbuffer.memoryview(self.storage).cast('d', [self.rows, self.cols])

    def __releasebuffer__(self, view):
        self.exports -= 1


m = Matrix(2, 3, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])

print('struct.unpack_from:', struct.unpack_from('6d', m))
print('bytes:', len(bytes(m)), 'bytes')

builtin = memoryview(m)
print('IronPython memoryview:', builtin.format, builtin.shape, builtin.tolist())
builtin.release()

with newbuffer.memoryview(m) as view:
    print('newbuffer.memoryview:', view.format, view.shape, view.strides)
    print('  row 1:', view[1].tolist())
    print('  column 2:', view[:, 2].tolist())
    print('  transposed bytes (Fortran order):', struct.unpack('6d', view.tobytes('F')))
    view[0, 0] = 10.0
print('after writing through the view:', struct.unpack_from('d', m)[0])
# The derived views (view[1], view[:, 2]) were released with `view` when the block ended: no
# collection needed, as CPython frees such temporaries at once.
print('exports outstanding:', m.exports)
