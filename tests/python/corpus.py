"""The shared invalid-view corpus (tests/corpus/invalid_views.json) as Python exporters.

Each case becomes a BufferMixin exporter filling every Py_buffer field as the case says, over
guarded memory: the bytes it supplies sit between runs of canary bytes in one bytearray, and only
the middle is registered (newbuffer.register_memory of a memoryview slice), so the exporter
supplies exactly those bytes and a write outside them shows up in the canaries. Cases naming a
'behavior' are exporters that misbehave in ways only Python code can (raise halfway, return the
wrong thing, recurse). Every exporter counts its gets and releases under a lock.
"""
import json
import os
import struct

import newbuffer
from support import Counter

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'corpus', 'invalid_views.json')
UNKNOWN = 0x1000
GUARD = 64
CANARY = 0xCB
POINTER = '<Q' if struct.calcsize('P') == 8 else '<I'
FLAGS = {name: getattr(newbuffer, 'PyBUF_' + name) for name in [
    'SIMPLE', 'ND', 'STRIDES', 'C_CONTIGUOUS', 'F_CONTIGUOUS', 'ANY_CONTIGUOUS', 'RECORDS_RO', 'RECORDS',
    'FULL_RO', 'FULL']}


def load():
    with open(PATH) as f:
        data = json.load(f)
    return [Case(raw, data['default']) for raw in data['cases']]


class Guarded:
    """`content` between canary runs; only the content is registered, so only it is supplied."""

    def __init__(self, content):
        self.length = len(content)
        self.whole = bytearray([CANARY] * GUARD) + bytearray(content) + bytearray([CANARY] * GUARD)
        self.region = memoryview(self.whole)[GUARD:GUARD + self.length]
        self.address = newbuffer.register_memory(self.region)

    def write(self, offset, data):
        self.whole[GUARD + offset:GUARD + offset + len(data)] = data

    def intact(self):
        return self.whole[:GUARD] == bytearray([CANARY] * GUARD) and self.whole[-GUARD:] == bytearray([CANARY] * GUARD)

    def close(self):
        newbuffer.unregister_memory(self.region)


class Case:
    def __init__(self, raw, default):
        self.raw = raw
        self.name = raw['name']
        self.view = dict(default['view'])
        self.view.update(raw.get('view', {}))
        self.memory = raw.get('memory', default['memory'])
        self.flags = FLAGS[raw['flags']] if 'flags' in raw else None
        self.error = raw.get('error')
        self.rule = raw.get('rule')
        self.message = raw.get('message')
        self.accepted = raw.get('accepted', False)
        self.ops = raw.get('ops', [])
        self.ironpython_accepts = raw.get('ironpython', [])
        self.behavior = raw.get('behavior')
        self.levels = raw.get('levels')

    @property
    def for_python(self):
        return self.levels is None or 'python' in self.levels

    def exporter(self):
        """A fresh exporter acting out this case."""
        if self.behavior:
            return BEHAVIORS[self.behavior]()
        return CaseExporter(self)

    def __repr__(self):
        return '<case %s>' % self.name


class CaseExporter(newbuffer.BufferMixin):
    """Fills the fields exactly as the case says, whatever the request."""

    def __init__(self, case):
        self.case = case
        self.count = Counter()
        self.main = Guarded(bytes((i + 1) & 0xFF for i in range(case.memory)))
        self.rows = [Guarded(bytes((0x81 + 0x20 * k + i) & 0xFF for i in range(size)))
                     for k, size in enumerate(case.raw.get('rows', []))]
        for p in case.raw.get('pointers', []):
            target = p.get('target')
            if target == 'null':
                address = 0
            elif target == 'unknown':
                address = UNKNOWN
            elif target == 'main':
                address = self.main.address + p.get('offset', 0)
            else:
                address = self.rows[p['row']].address + p.get('offset', 0)
            self.main.write(p['at'], struct.pack(POINTER, address))

    def _get_buffer(self, view, flags):
        v = self.case.view
        view.obj = self
        buf = v['buf']
        view.buf = None if buf is None else UNKNOWN if buf == 'unknown' else self.main.address + buf
        view.len = v['len']
        view.readonly = v['readonly']
        view.itemsize = v['itemsize']
        view.format = v['format']
        view.ndim = v['ndim']
        view.shape = None if v['shape'] is None else tuple(v['shape'])
        view.strides = None if v['strides'] is None else tuple(v['strides'])
        view.suboffsets = None if v['suboffsets'] is None else tuple(v['suboffsets'])
        view.internal = self.count.got()

    def _release_buffer(self, view):
        self.count.released(view.internal)

    def intact(self):
        return all(g.intact() for g in [self.main] + self.rows)

    def close(self):
        for g in [self.main] + self.rows:
            g.close()


def _fill_valid(view, owner):
    view.obj = owner
    view.buf = owner.data
    view.len = 24
    view.readonly = False
    view.itemsize = 4
    view.format = 'i'
    view.ndim = 2
    view.shape = (2, 3)
    view.strides = (12, 4)


class _Mixin(newbuffer.BufferMixin):
    def __init__(self):
        self.count = Counter()
        self.data = bytearray(24)

    def _get_buffer(self, view, flags):
        self.fill(view)
        view.internal = self.count.got()

    def _release_buffer(self, view):
        self.count.released(view.internal)

    def intact(self):
        return True

    def close(self):
        pass


class RaiseHalfway(_Mixin):
    def fill(self, view):
        view.obj = self
        view.buf = self.data
        view.len = 24
        raise KeyError('halfway')


class ReturnValue(_Mixin):
    def _get_buffer(self, view, flags):
        _fill_valid(view, self)
        view.internal = self.count.got()
        return 1


class LenIsStr(_Mixin):
    def fill(self, view):
        _fill_valid(view, self)
        view.len = 'x'


class NDimOverflows(_Mixin):
    def fill(self, view):
        _fill_valid(view, self)
        view.ndim = 2 ** 70


class BufIsSelf(_Mixin):
    def fill(self, view):
        _fill_valid(view, self)
        view.buf = self


class BufIsStridedView(_Mixin):
    def fill(self, view):
        _fill_valid(view, self)
        view.buf = newbuffer.memoryview(bytearray(48))[::2]


class ShapeAddressUnknown(_Mixin):
    def fill(self, view):
        _fill_valid(view, self)
        view.shape = UNKNOWN


class FormatUnterminated(_Mixin):
    def __init__(self):
        _Mixin.__init__(self)
        self.text = bytearray(b'iiii')
        self.address = newbuffer.register_memory(self.text)

    def fill(self, view):
        _fill_valid(view, self)
        view.format = self.address

    def close(self):
        newbuffer.unregister_memory(self.text)


class _Method(newbuffer.Buffer):
    """Base of the __getbuffer__/__buffer__ styles: counts only returns that are buffers (the rest are never released)."""
    counts_returns = True

    def __init__(self):
        self.count = Counter()

    def returned(self):
        result = self.make()
        if self.counts_returns:
            self.count.got()
        return result

    def intact(self):
        return True

    def close(self):
        pass


class _GetBuffer(_Method):
    def __getbuffer__(self, flags):
        return self.returned()

    def __releasebuffer__(self, view):
        self.count.released(id(view))


class GetBufferRaises(_GetBuffer):
    def make(self):
        raise KeyError('getbuffer')


class GetBufferReturnsBytes(_GetBuffer):
    counts_returns = False

    def make(self):
        return b'abc'


class _Delegating(_Method):
    def __buffer__(self, flags):
        return self.returned()

    def __release_buffer__(self, view):
        self.count.released(id(view))


class BufferRaises(_Delegating):
    def make(self):
        raise KeyError('buffer')


class BufferReturnsInt(_Delegating):
    counts_returns = False

    def make(self):
        return 42


class BufferReturnsSelf(_Delegating):
    counts_returns = False

    def make(self):
        return self


class BufferReturnsReleased(_Delegating):
    counts_returns = False

    def make(self):
        m = newbuffer.memoryview(bytearray(4))
        m.release()
        return m


class BufferReturnsInvalid(_Delegating):
    def __init__(self):
        _Delegating.__init__(self)
        self.inner = CaseExporter(next(c for c in load() if c.name == 'len disagrees with shape'))

    def make(self):
        return self.inner

    def intact(self):
        return self.inner.intact() and self.inner.count.balanced

    def close(self):
        self.inner.close()


BEHAVIORS = {
    'raise_halfway': RaiseHalfway,
    'return_value': ReturnValue,
    'len_is_str': LenIsStr,
    'ndim_overflows': NDimOverflows,
    'buf_is_self': BufIsSelf,
    'buf_is_strided_view': BufIsStridedView,
    'shape_address_unknown': ShapeAddressUnknown,
    'format_unterminated': FormatUnterminated,
    'getbuffer_raises': GetBufferRaises,
    'getbuffer_returns_bytes': GetBufferReturnsBytes,
    'buffer_raises': BufferRaises,
    'buffer_returns_int': BufferReturnsInt,
    'buffer_returns_self': BufferReturnsSelf,
    'buffer_returns_released': BufferReturnsReleased,
    'buffer_returns_invalid': BufferReturnsInvalid,
}
