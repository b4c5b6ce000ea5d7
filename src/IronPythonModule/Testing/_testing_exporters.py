"""The exporters newbuffer.testing builds its cases from (use them through newbuffer.testing).

Every case owns one Ledger, which counts the gets and releases of all its exporters under a lock
(IronPython has no GIL, and a view a consumer dropped is released by its finalizer on another
thread), and records the flags of each request. Memory is GuardedMemory: the bytes a view may use
sit between runs of canary bytes, and only those bytes are registered with newbuffer, so an
exporter supplies exactly them and a write beside them shows in the canaries.

A view is described by a spec, the format of the invalid-view corpus (newbuffer's
invalid_views.json, whose 'about' explains it and whose 'default' is the view a spec changes):
'memory' bytes in the main block (byte i holds i + 1), 'view' overriding fields of the default 2x3
'i' view (buf is an offset into the main block, None for NULL, 'unknown' for an address no block
holds), 'rows' the sizes of extra blocks and 'pointers' the addresses written into the main block
for suboffsets. read_spec reads a spec the plain way, as a correct consumer must.

Styles: SpecExporter is the BufferMixin style; DelegatingExporter (__buffer__) and
GetBufferExporter (__getbuffer__) return another exporter, or a memoryview of one, made afresh for
each request, and count nothing themselves: the exports of what they return are what must balance.
"""
import itertools
import json
import struct
import threading

import newbuffer

CANARY = 0xCB
GUARD = 64
UNKNOWN = 0x1000
POINTER = '<Q' if struct.calcsize('P') == 8 else '<I'
FIELDS = ('buf', 'len', 'readonly', 'itemsize', 'format', 'ndim', 'shape', 'strides', 'suboffsets')
_corpus = []


def corpus():
    """The invalid-view corpus newbuffer ships: {'about', 'default', 'cases'} (a fresh copy)."""
    if not _corpus:
        _corpus.append(__loader__.get_data('invalid_views.json').decode('utf-8'))
    return json.loads(_corpus[0])


class GuardedMemory(object):
    """`content` between runs of canary bytes; only the content is registered with newbuffer.

    `address` is where the content starts, `region` a memoryview of exactly the content. A view over
    it that reaches outside is refused by newbuffer; a write outside it changes a canary, which
    intact() reports. close() unregisters the memory (collection does too).
    """

    address = region = length = None

    def __init__(self, content, guard=GUARD):
        self.length = len(content)
        self.guard = guard
        self.whole = bytearray([CANARY] * guard) + bytearray(content) + bytearray([CANARY] * guard)
        self.region = memoryview(self.whole)[guard:guard + self.length]
        self.address = newbuffer.register_memory(self.region)

    def write(self, offset, data):
        """Writes `data` at `offset` of the content."""
        self.whole[self.guard + offset:self.guard + offset + len(data)] = data

    def intact(self):
        """True while no canary byte changed."""
        canary = bytearray([CANARY] * self.guard)
        return self.whole[:self.guard] == canary and self.whole[-self.guard:] == canary

    def close(self):
        """Unregisters the memory."""
        newbuffer.unregister_memory(self.region)


class Ledger(object):
    """Gets, releases and request flags of one case's exporters, counted under a lock.

    got() returns a token for the export, released(token) takes it back; a token released twice
    (or one never handed out) counts as a double release. `flags` lists each request in order.
    """

    gets = releases = double_releases = 0
    flags = ()

    def __init__(self):
        self.lock = threading.Lock()
        self.gets = self.releases = self.double_releases = 0
        self.flags = []
        self.released_tokens = set()
        self._handed_out = set()
        self._tokens = itertools.count(1)

    def requested(self, flags):
        """Records the flags of a request."""
        with self.lock:
            self.flags.append(flags)

    def got(self):
        """Counts an export; returns its token."""
        with self.lock:
            self.gets += 1
            token = next(self._tokens)
            self._handed_out.add(token)
            return token

    def released(self, token=None):
        """Counts a release, of the export `token` names when given."""
        with self.lock:
            self.releases += 1
            if token is not None:
                if token in self.released_tokens or token not in self._handed_out:
                    self.double_releases += 1
                self.released_tokens.add(token)

    def misreleased(self):
        """Counts a release of something never exported, or given back twice."""
        with self.lock:
            self.double_releases += 1

    @property
    def outstanding(self):
        """Exports not released yet."""
        with self.lock:
            return self.gets - self.releases

    @property
    def balanced(self):
        """Every export released exactly once."""
        with self.lock:
            return self.gets == self.releases and self.double_releases == 0

    def __repr__(self):
        return '<Ledger %d gets, %d releases, %d double>' % (self.gets, self.releases, self.double_releases)


class _Parts(object):
    """What the exporters of a case share: the ledger, and the memory and exporters to check and close."""

    ledger = None

    def _own(self, ledger):
        self.ledger = ledger if ledger is not None else Ledger()
        self._memory = []
        self._parts = []

    def _guard(self, content):
        memory = GuardedMemory(content)
        self._memory.append(memory)
        return memory

    def _keep(self, part):
        self._parts.append(part)
        return part

    def intact(self):
        """True while no write landed beside the case's memory."""
        return (all(m.intact() for m in self._memory)
                and all(p.intact() for p in self._parts if hasattr(p, 'intact')))

    def close(self):
        """Unregisters the case's memory."""
        for m in self._memory:
            m.close()
        for p in self._parts:
            if hasattr(p, 'close'):
                p.close()


def full_spec(raw):
    """A spec with every field present: the corpus defaults overridden by `raw`."""
    default = corpus()['default']
    view = dict(default['view'])
    view.update(raw.get('view', {}))
    return {'memory': raw.get('memory', default['memory']), 'rows': list(raw.get('rows', [])),
            'pointers': list(raw.get('pointers', [])), 'view': view}


def main_bytes(size):
    return bytes((i + 1) & 0xFF for i in range(size))


def row_bytes(k, size):
    return bytes((0x81 + 0x20 * k + i) & 0xFF for i in range(size))


class SpecExporter(newbuffer.BufferMixin, _Parts):
    """A BufferMixin filling every field as its spec says, whatever the request; then `spoil` acts.

    spoil(exporter, view, flags) may change fields, raise, or return what _get_buffer returns.
    on_release(exporter, view) runs after the release is counted. With record=False the flags are
    left for the exporter that delegated to this one to record.
    """

    spec = main = rows = None

    def __init__(self, spec, ledger=None, spoil=None, on_release=None, record=True):
        self._own(ledger)
        self.spec = full_spec(spec)
        self.spoil = spoil
        self.on_release = on_release
        self.record = record
        self.main = self._guard(main_bytes(self.spec['memory']))
        self.rows = [self._guard(row_bytes(k, size)) for k, size in enumerate(self.spec['rows'])]
        for p in self.spec['pointers']:
            self.main.write(p['at'], struct.pack(POINTER, _pointer_address(self, p)))

    def fill(self, view):
        """Sets every field as the spec says."""
        v = self.spec['view']
        view.obj = self
        buf = v['buf']
        view.buf = None if buf is None else UNKNOWN if buf == 'unknown' else self.main.address + buf
        for name in FIELDS[1:]:
            value = v[name]
            setattr(view, name, tuple(value) if isinstance(value, list) else value)

    def _get_buffer(self, view, flags):
        if self.record:
            self.ledger.requested(flags)
        self.fill(view)
        result = self.spoil(self, view, flags) if self.spoil is not None else None
        view.internal = self.ledger.got()
        return result

    def _release_buffer(self, view):
        self.ledger.released(view.internal)
        if self.on_release is not None:
            return self.on_release(self, view)


def _pointer_address(exporter, p):
    """The address a spec's pointer entry names."""
    target = p.get('target')
    if target == 'null':
        return 0
    if target == 'unknown':
        return UNKNOWN
    block = exporter.main if target == 'main' else exporter.rows[p['row']]
    return block.address + p.get('offset', 0)


class _Returning(newbuffer.Buffer, _Parts):
    """Base of the styles whose method returns another buffer: make_inner(exporter) is that buffer.

    What was returned is remembered by id only: a returned memoryview whose request then failed
    is never given back, and must stay collectable so that it releases its source.
    """

    def __init__(self, make_inner, ledger=None, on_release=None):
        self._own(ledger)
        self.make_inner = make_inner
        self.on_release = on_release
        self._out = {}

    def source(self, spec=None, **options):
        """A fresh SpecExporter on this case's ledger (the default 2x3 'i' view without a spec)."""
        return self._keep(SpecExporter(spec or {}, self.ledger, record=False, **options))

    def _get(self, flags):
        self.ledger.requested(flags)
        returned = self.make_inner(self)
        with self.ledger.lock:
            self._out[id(returned)] = self._out.get(id(returned), 0) + 1
        return returned

    def _release(self, view):
        # The release method must receive what was returned, once.
        with self.ledger.lock:
            held = self._out.get(id(view), 0)
            if held:
                self._out[id(view)] = held - 1
        if not held:
            self.ledger.misreleased()
        if self.on_release is not None:
            return self.on_release(self, view)


class DelegatingExporter(_Returning):
    """__buffer__(flags) returns make_inner(self); __release_buffer__ receives it back."""

    def __buffer__(self, flags):
        return self._get(flags)

    def __release_buffer__(self, view):
        return self._release(view)


class GetBufferExporter(_Returning):
    """__getbuffer__(flags) returns make_inner(self), a memoryview; __releasebuffer__ releases it."""

    def __getbuffer__(self, flags):
        return self._get(flags)

    def __releasebuffer__(self, view):
        try:
            return self._release(view)
        finally:
            try:
                view.release()     # gives back its export of the source now rather than at collection
            except (BufferError, AttributeError):
                pass


def memoryview_of(spec=None, **options):
    """make_inner for GetBufferExporter: a newbuffer.memoryview of a fresh source."""
    return lambda exporter: newbuffer.memoryview(exporter.source(spec, **options))


def source_of(spec=None, **options):
    """make_inner for DelegatingExporter: a fresh source."""
    return lambda exporter: exporter.source(spec, **options)


def read_spec(raw):
    """The bytes a correct consumer reads from the view a spec describes, in C order.

    A plain walker: an element's place is (block, offset); a dimension with a suboffset follows the
    pointer the spec wrote at that place. Blocks hold what SpecExporter puts in them.
    """
    spec = full_spec(raw)
    v = spec['view']
    blocks = {'main': main_bytes(spec['memory'])}
    for k, size in enumerate(spec['rows']):
        blocks[k] = row_bytes(k, size)
    pointers = {}
    for p in spec['pointers']:
        pointers[p['at']] = ('main' if p.get('target') == 'main' else p['row'], p.get('offset', 0))
    itemsize, ndim = v['itemsize'], v['ndim']
    if v['shape'] is None:
        # No shape: unsigned bytes, len of them (CPython's rule for PyBUF_SIMPLE answers).
        return blocks['main'][v['buf']:v['buf'] + v['len']]
    shape = list(v['shape'])
    if 0 in shape:
        return b''
    strides = v['strides']
    if strides is None:
        strides, step = [0] * ndim, itemsize
        for d in reversed(range(ndim)):
            strides[d] = step
            step *= shape[d]
    suboffsets = v['suboffsets'] or [-1] * ndim
    out = bytearray()
    for index in itertools.product(*[range(n) for n in shape]):
        block, offset = 'main', v['buf']
        for d, i in enumerate(index):
            offset += i * strides[d]
            if suboffsets[d] >= 0:
                block, offset = pointers[offset]
                offset += suboffsets[d]
        out += blocks[block][offset:offset + itemsize]
    return bytes(out)
