"""Testing a consumer's error handling with deliberately invalid views (BufferMixin + Py_buffer).

Each exporter below breaks one rule of PEP 3118. Whatever the consumer - newbuffer.memoryview,
IronPython's memoryview or bytes() - it gets a clear Python exception naming the problem, never a
crash or a read outside the exporter's memory, and every request is released exactly once.

Run: scripts/ipy examples/invalid_views.py
"""
import gc

import newbuffer


class Broken(newbuffer.BufferMixin):
    """A 2x3 int view, then one field spoiled by `spoil`."""

    def __init__(self, name, spoil):
        self.name = name
        self.spoil = spoil
        self.data = bytearray(24)
        self.gets = self.releases = 0

    def _get_buffer(self, view, flags):
        self.gets += 1
        view.obj = self
        view.buf = self.data
        view.len = 24
        view.readonly = False
        view.itemsize = 4
        view.format = 'i'
        view.ndim = 2
        view.shape = (2, 3)
        view.strides = (12, 4)
        self.spoil(view)

    def _release_buffer(self, view):
        self.releases += 1


def readonly(view):
    view.readonly = True


cases = [
    Broken('len disagrees with shape', lambda v: setattr(v, 'len', 20)),
    Broken('negative shape', lambda v: setattr(v, 'shape', (2, -3))),
    Broken('65 dimensions', lambda v: setattr(v, 'ndim', 65)),
    Broken('strides run past the end', lambda v: setattr(v, 'strides', (16, 4))),
    Broken('strides run before the start', lambda v: setattr(v, 'strides', (-12, 4))),
    Broken('format disagrees with itemsize', lambda v: setattr(v, 'format', 'h')),
    Broken('NULL format with itemsize 4', lambda v: setattr(v, 'format', None)),
    Broken('shape shorter than ndim', lambda v: setattr(v, 'shape', (6,))),
    Broken('pointer to unknown memory', lambda v: setattr(v, 'buf', 0x1000)),
    Broken('read-only answer to a writable request', readonly),
]

consumers = [
    ('newbuffer.memoryview', lambda x: newbuffer.memoryview._from_flags(x, newbuffer.PyBUF_FULL).release()),
    ('memoryview', lambda x: memoryview(x).release()),
    ('bytes', bytes),
]

for case in cases:
    for name, consume in consumers:
        try:
            consume(case)
            outcome = 'accepted'
        except (ValueError, BufferError, TypeError) as e:
            outcome = '%s: %s' % (type(e).__name__, e)
        print('%-40s %-22s %s' % (case.name, name, outcome))

# The raw importer shows an invalid view exactly as it was made.
view = newbuffer.get_buffer(cases[0], newbuffer.PyBUF_FULL_RO)
print('raw Py_buffer of the first case: len=%d shape=%s' % (view.len, view.shape_tuple))
view.release_buffer()
gc.collect()
print('every request released exactly once:', all(c.gets == c.releases for c in cases))
assert all(c.gets == c.releases for c in cases)
