"""A PIL-style image: each row is a separate block of memory, reached through an array of
pointers and suboffsets (PEP 3118's indirect arrays).

Run: scripts/ipy examples/pil_image.py
"""
import struct

import newbuffer


class Image(newbuffer.BufferMixin):
    def __init__(self, width, height):
        self.width, self.height = width, height
        self.rows = [bytearray((y * 16 + x) % 256 for x in range(width)) for y in range(height)]
        # Row addresses are only valid while the rows are pinned: register_memory pins them.
        addresses = [newbuffer.register_memory(row) for row in self.rows]
        self.pointers = bytearray(struct.pack('%dP' % height, *addresses))

    def _get_buffer(self, view, flags):
        if not flags & newbuffer.PyBUF_INDIRECT == newbuffer.PyBUF_INDIRECT:
            raise BufferError('Image needs a consumer that follows suboffsets')
        view.obj = self
        view.buf = self.pointers
        view.len = self.width * self.height
        view.readonly = False
        view.itemsize = 1
        view.format = 'B'
        view.ndim = 2
        view.shape = (self.height, self.width)
        view.strides = (struct.calcsize('P'), 1)
        view.suboffsets = (0, -1)


img = Image(4, 3)
m = newbuffer.memoryview(img)
print('shape', m.shape, 'suboffsets', m.suboffsets, 'contiguous', m.contiguous)
print('pixels:', m.tolist())
print('row 2:', m[2].tolist(), ' column 1:', m[:, 1].tolist())
print('bottom-right 2x2, flipped:', m[:0:-1, :1:-1].tolist())
m[1, 1:3] = b'\xff\xfe'
print('row 1 block after a write through the view:', list(img.rows[1]))
print('bytes(img) gathers the rows:', bytes(img))
try:
    memoryview(img)
except BufferError as e:
    print("IronPython's memoryview cannot follow suboffsets:", e)
