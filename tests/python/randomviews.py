"""Random views for differential tests, and a reference walker that reads them the plain way.

A RandomView exports (through BufferMixin) a view over a bytearray with random shape, strides
(negative, zero, gaps), offset and format, or a PIL-style view whose first dimension is an array of
pointers to separate row blocks. Reference reads items by index arithmetic and struct.
With guard=True every block is newbuffer.testing.GuardedMemory (canary bytes around it, only the
block itself registered), so the exporter supplies exactly its bytes; intact() checks the canaries.
"""
import math
import struct

import newbuffer
from newbuffer.testing import GuardedMemory

# IronPython 3.4's struct (the reference) has no 'e'; half floats are tested with fixed bytes.
FORMATS = ['B', 'b', 'h', 'H', 'i', 'I', 'l', 'q', 'Q', 'f', 'd', '?', 'c', '<i', '>h', '2h', 'bd']



class RandomView(newbuffer.BufferMixin):
    def __init__(self, rng, allow_pil=True, max_ndim=3, guard=False):
        self.guards = [] if guard else None
        self.format = rng.choice(FORMATS)
        self.itemsize = struct.calcsize(self.format)
        ndim = rng.randint(0, max_ndim)
        self.shape = [rng.choice([0, 1, 2, 3, 4]) if rng.random() < 0.15 else rng.randint(1, 4) for _ in range(ndim)]
        self.pil = allow_pil and ndim >= 1 and rng.random() < 0.3
        self.rows = None
        inner = self.shape[1:] if self.pil else self.shape
        inner_strides = self._random_strides(rng, inner)
        low, high = _extent(inner, inner_strides, self.itemsize)
        if self.pil:
            self.suboffset = rng.randint(0, 2) * self.itemsize - low
            self.rows = [self._block(_random_bytes(rng, self.suboffset + high + rng.randint(0, 3))) for _ in range(max(self.shape[0], 1))]
            self.row_addresses = [newbuffer.register_memory(r) for r in self.rows]
            psize = struct.calcsize('P')
            self.data = self._block(bytearray(struct.pack('%dP' % len(self.rows), *self.row_addresses)))
            reverse = rng.random() < 0.5
            self.offset = (len(self.rows) - 1) * psize if reverse else 0
            self.strides = [-psize if reverse else psize] + inner_strides
            self.suboffsets = [self.suboffset] + [-1] * (ndim - 1)
        else:
            before = rng.randint(0, 3)
            self.data = self._block(_random_bytes(rng, before + high - low + rng.randint(1, 3)))
            self.offset = before - low
            self.strides = inner_strides
            self.suboffsets = None
        # buf is an address inside the registered block, so negative strides can reach before it.
        self.base = newbuffer.register_memory(self.data)

    def _block(self, data):
        """The bytes themselves, or (guarded) a memoryview of them between canary runs."""
        if self.guards is None:
            return data
        guarded = GuardedMemory(data)
        self.guards.append(guarded)
        return guarded.region

    def intact(self):
        """No byte next to a guarded block changed."""
        return all(g.intact() for g in self.guards or [])

    def _random_strides(self, rng, shape):
        strides, step = [0] * len(shape), self.itemsize
        order = range(len(shape) - 1, -1, -1) if rng.random() < 0.6 else range(len(shape))
        for i in order:
            strides[i] = step
            step *= max(shape[i], 1)
        for i in range(len(shape)):
            r = rng.random()
            if r < 0.2:
                strides[i] = -strides[i]
            elif r < 0.35:
                strides[i] *= 2
            elif r < 0.4:
                strides[i] = 0
        return strides

    def _get_buffer(self, view, flags):
        view.obj = self
        view.buf = self.base + self.offset
        view.len = product(self.shape) * self.itemsize
        view.readonly = False
        view.itemsize = self.itemsize
        view.format = self.format
        view.ndim = len(self.shape)
        view.shape = tuple(self.shape)
        view.strides = tuple(self.strides)
        view.suboffsets = tuple(self.suboffsets) if self.suboffsets else None

    def close(self):
        for r in (self.rows or []) + [self.data]:
            newbuffer.unregister_memory(r)


class Reference:
    """Reads a RandomView's items with plain arithmetic."""

    def __init__(self, rv):
        self.rv = rv

    def location(self, index):
        rv = self.rv
        if rv.pil:
            block = rv.rows[_row_of(rv, index[0])]
            pos = rv.suboffset
            rest = zip(index[1:], rv.strides[1:])
        else:
            block, pos = rv.data, rv.offset
            rest = zip(index, rv.strides)
        for i, s in rest:
            pos += i * s
        return block, pos

    def item_bytes(self, index):
        block, pos = self.location(index)
        return bytes(block[pos:pos + self.rv.itemsize])

    def item(self, index):
        block, pos = self.location(index)
        values = struct.unpack_from(self.rv.format, block, pos)
        return values[0] if len(values) == 1 else values

    def indices(self, order='C'):
        shape = self.rv.shape
        if any(n == 0 for n in shape):
            return []
        result = [()]
        dims = range(len(shape)) if order == 'C' else range(len(shape) - 1, -1, -1)
        for d in dims:
            if order == 'C':
                result = [t + (i,) for t in result for i in range(shape[d])]
            else:
                result = [(i,) + t for t in result for i in range(shape[d])]
        return result

    def tobytes(self, order='C'):
        return b''.join(self.item_bytes(ix) for ix in self.indices(order))

    def tolist(self):
        def build(prefix, dim):
            if dim == len(self.rv.shape):
                return self.item(prefix)
            return [build(prefix + (i,), dim + 1) for i in range(self.rv.shape[dim])]
        return build((), 0)


def _row_of(rv, i):
    psize = struct.calcsize('P')
    return (rv.offset + i * rv.strides[0]) // psize


def _extent(shape, strides, itemsize):
    if any(n == 0 for n in shape):
        return 0, 0
    low = sum(s * (n - 1) for n, s in zip(shape, strides) if s < 0)
    high = sum(s * (n - 1) for n, s in zip(shape, strides) if s > 0)
    return low, high + itemsize


def _random_bytes(rng, n):
    return bytearray(rng.getrandbits(8) for _ in range(n))


def product(values):
    p = 1
    for v in values:
        p *= v
    return p


def same(a, b):
    """Equal, with NaN equal to NaN (the same item read twice). IronPython's struct returns 'f'
    items as .NET singles, so numbers compare by value and kind (bool, int, float, bytes) only."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if kind(a) != kind(b):
        return False
    if kind(a) == 'float' and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def kind(value):
    if isinstance(value, bool):
        return 'bool'
    if isinstance(value, int):
        return 'int'
    if isinstance(value, bytes):
        return 'bytes'
    try:
        float(value)
        return 'float'
    except (TypeError, ValueError):
        return type(value).__name__


def has_nan(value):
    if isinstance(value, (list, tuple)):
        return any(has_nan(v) for v in value)
    return kind(value) == 'float' and math.isnan(value)
