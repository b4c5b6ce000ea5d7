"""The catalogue of newbuffer.testing: invalid views, misbehaving exporters, hard valid views.

A kind is one way to be wrong (or hard); a Case is a kind in one export style. Kinds come from
two places: the invalid-view corpus newbuffer ships (invalid_views.json, shared with the tests of
newbuffer's core: every verifier rule, wrong pointers, out-of-bounds and overflowing strides, bad
suboffsets, answers that ignore the request), and the misbehaviours only Python code can act out,
defined below. A view that breaks a structure rule is exported as BufferMixin fields and through
__buffer__ (which returns such an exporter); an answer that ignores the request also through
__getbuffer__, returning a memoryview of it.

`error` is the exception CPython raises (and newbuffer's consumers do): ValueError for a view
whose structure is wrong (as CPython's memoryview for too many dimensions), BufferError for an
answer that ignores the request, TypeError for an object that is not a buffer, and the exporter's
own exception unchanged. None means a correct consumer goes on: the exporter misbehaves where the
consumer cannot tell (a release that raises is reported, not raised, as PEP 688 says).
"""
import io
import random
import sys

import newbuffer
from newbuffer._testing_exporters import (
    UNKNOWN, DelegatingExporter, GetBufferExporter, Ledger, SpecExporter, _Parts, corpus, memoryview_of,
    read_spec, source_of)

MIXIN = 'BufferMixin'
GETBUFFER = '__getbuffer__'
BUFFER = '__buffer__'
STYLES = (MIXIN, GETBUFFER, BUFFER)


class Case(object):
    """One kind of invalid view, misbehaving exporter or hard valid view, in one export style.

    name     unique: '<kind> [<style>]'
    kind     what is wrong (or hard), shared by the kind's styles
    style    'BufferMixin', '__getbuffer__' or '__buffer__'
    rule     the rule broken: a verifier rule of newbuffer's core (ViewRule) or an exporter rule
    error    the exception type a correct consumer raises, or None when it must go on
    expected the bytes a correct consumer reads, in C order (None where nothing can be read)
    message  what newbuffer's consumers say (a part of their message), for reference
    make()   a fresh exporter; its `ledger` counts gets, releases and request flags, intact() checks
             the canaries around its memory, close() unregisters the memory
    """

    name = kind = style = rule = error = expected = message = seed = None

    def __init__(self, kind, style, rule, error, make, expected=None, message=None):
        self.kind = kind
        self.style = style
        self.name = '%s [%s]' % (kind, style)
        self.rule = rule
        self.error = error
        self.expected = expected
        self.message = message
        self._make = make
        self._refusals = {}

    def make(self):
        """A fresh exporter acting out the case."""
        return self._make()

    def refusal(self, flags):
        """The exception type newbuffer's memoryview raises for a request with `flags`, or None.

        Whether a fault concerns a request depends on the flags (a read-only answer is only wrong
        when a writable view was asked for), so consumers are judged by the requests they made.
        """
        # A verified request with flags is not public yet (issue #14 part 6): _from_flags for now.
        if flags not in self._refusals:
            x = self.make()
            # What a misbehaving release method reports here is no consumer's doing.
            old_stderr, sys.stderr = sys.stderr, io.StringIO()
            try:
                newbuffer.memoryview._from_flags(x, flags).release()
                self._refusals[flags] = None
            except Exception as e:
                self._refusals[flags] = type(e)
            finally:
                sys.stderr = old_stderr
                x.close()
        return self._refusals[flags]

    def __repr__(self):
        return '<Case %s>' % self.name


def _styled(kind, rule, error, message, makers, expected=None):
    """The cases of one kind: `makers` maps a style to a function making the exporter."""
    errors = error if isinstance(error, dict) else dict.fromkeys(makers, error)
    return [Case(kind, style, rule, errors[style], makers[style], expected, message)
            for style in STYLES if style in makers]


# -- the corpus -------------------------------------------------------------------------------

def _error_type(name):
    import builtins
    return getattr(builtins, name)


def _spec_cases(raw):
    """A corpus case's styles: fields through BufferMixin and __buffer__, and when the fault is in
    the answer to a request, a memoryview of those fields through __getbuffer__ too."""
    makers = {MIXIN: lambda: SpecExporter(raw), BUFFER: lambda: DelegatingExporter(source_of(raw))}
    if 'flags' in raw:
        makers[GETBUFFER] = lambda: GetBufferExporter(memoryview_of(raw))
    return _styled(raw['name'], raw.get('rule', 'UnknownAddress'), _error_type(raw['error']), raw['message'], makers)


def _corpus_kinds():
    cases = []
    for raw in corpus()['cases']:
        python_level = 'python' in raw.get('levels', ['python'])
        # 'behavior' cases are the misbehaviours below; 'accepted' ones valid views.
        if python_level and 'error' in raw and 'behavior' not in raw:
            cases.extend(_spec_cases(raw))
    return cases


# -- misbehaving exporters --------------------------------------------------------------------

def _raising(error_type, text):
    def act(*args):
        raise error_type(text)
    return act


def _spoiled(spoil, **options):
    return lambda: SpecExporter({}, spoil=spoil, **options)


def _setting(**fields):
    def spoil(exporter, view, flags):
        for name, value in fields.items():
            setattr(view, name, value)
    return spoil


def _released_memoryview(exporter):
    m = newbuffer.memoryview(bytearray(4))
    m.release()
    return m


def _itself_through_buf():
    return SpecExporter({}, spoil=lambda x, view, flags: setattr(view, 'buf', x))


def _mixin_cycle():
    a = SpecExporter({}, spoil=lambda x, view, flags: setattr(view, 'buf', x.partner))
    b = a._keep(SpecExporter({}, a.ledger, spoil=lambda x, view, flags: setattr(view, 'buf', x.partner), record=False))
    a.partner, b.partner = b, a
    return a


def _buffer_cycle():
    a = DelegatingExporter(lambda x: x.partner)
    b = a._keep(DelegatingExporter(lambda x: x.partner, a.ledger))
    a.partner, b.partner = b, a
    return a


DEPTH = 70   # newbuffer follows at most 64 exporters that delegate to one another


def _mixin_chain():
    first = x = SpecExporter({})
    for _ in range(DEPTH):
        nxt = first._keep(SpecExporter({}, first.ledger, record=False))
        x.spoil = _setting(buf=nxt)
        x = nxt
    return first


def _buffer_chain():
    ledger = Ledger()
    last = DelegatingExporter(source_of(), ledger)
    for _ in range(DEPTH - 1):
        last = DelegatingExporter((lambda inner: lambda x: inner)(last), ledger)
    return last


def _unterminated_format():
    x = SpecExporter({})
    text = x._guard(b'iiii')   # canary bytes follow, and only 'iiii' is registered
    x.spoil = _setting(format=text.address)
    return x


def _before_memory():
    x = SpecExporter({})
    x.spoil = _setting(buf=x.main.address - 4)
    return x


def _unregistered(exporter, view, flags):
    view.buf = exporter.main.address
    newbuffer.unregister_memory(exporter.main.region)


def _resize_at_get(exporter, view, flags):
    data = bytearray(24)
    view.buf = data
    data.extend(b'\0')


def _resize_in_method(exporter):
    data = bytearray(24)
    exported = memoryview(data)
    try:
        data.extend(b'\0')
    finally:
        exported.release()
    return newbuffer.memoryview(exporter.source())


class _Decoy(object):
    """The object a misbehaving exporter names as view.obj; releases reach the case's ledger through it."""

    def __init__(self, ledger):
        self.ledger = ledger

    def _release_buffer(self, view):
        self.ledger.released(view.internal)


def _wrong_obj(exporter, view, flags):
    view.obj = _Decoy(exporter.ledger)


def _behaviours():
    default = read_spec({})
    refusal = 'the exporter refuses this request'
    K = []
    K += _styled('get raises', 'ExporterRaises', KeyError, 'raised', {
        MIXIN: _spoiled(_raising(KeyError, '_get_buffer raised halfway')),
        GETBUFFER: lambda: GetBufferExporter(_raising(KeyError, '__getbuffer__ raised')),
        BUFFER: lambda: DelegatingExporter(_raising(KeyError, '__buffer__ raised'))})
    K += _styled('get refuses the request', 'ExporterRefuses', BufferError, refusal, {
        MIXIN: _spoiled(_raising(BufferError, refusal)),
        GETBUFFER: lambda: GetBufferExporter(_raising(BufferError, refusal)),
        BUFFER: lambda: DelegatingExporter(_raising(BufferError, refusal))})
    K += _styled('_get_buffer returns a value', 'ReturnsNone', ValueError, '_get_buffer method return value was not None', {
        MIXIN: _spoiled(lambda x, view, flags: 1)})
    K += _styled('get returns a non-memoryview', 'ReturnsBuffer', TypeError, 'returned', {
        GETBUFFER: lambda: GetBufferExporter(lambda x: b'abc'),
        BUFFER: lambda: DelegatingExporter(lambda x: 42)})
    K += _styled('get returns None', 'ReturnsBuffer', TypeError, 'returned', {
        GETBUFFER: lambda: GetBufferExporter(lambda x: None),
        BUFFER: lambda: DelegatingExporter(lambda x: None)})
    K += _styled('get returns a released memoryview', 'ReturnsBuffer', ValueError, 'operation forbidden on released memoryview object', {
        GETBUFFER: lambda: GetBufferExporter(_released_memoryview),
        BUFFER: lambda: DelegatingExporter(_released_memoryview)})
    K += _styled('delegates to itself', 'DelegationCycle', {MIXIN: RecursionError, GETBUFFER: TypeError, BUFFER: TypeError}, None, {
        MIXIN: _itself_through_buf,
        GETBUFFER: lambda: GetBufferExporter(lambda x: x),
        BUFFER: lambda: DelegatingExporter(lambda x: x)})
    K += _styled('delegation cycle of two', 'DelegationCycle', RecursionError, 'maximum recursion depth exceeded', {
        MIXIN: _mixin_cycle, BUFFER: _buffer_cycle})
    K += _styled('delegation deeper than 64', 'DelegationDepth', RecursionError, 'maximum recursion depth exceeded', {
        MIXIN: _mixin_chain, BUFFER: _buffer_chain})
    K += _styled('a field set to the wrong type', 'FieldType', TypeError, 'must be a Python integer', {
        MIXIN: _spoiled(_setting(len='24'))})
    K += _styled('shape holds a float', 'FieldType', TypeError, 'must be a Python integer', {
        MIXIN: _spoiled(_setting(shape=(2.0, 3)))})
    K += _styled('a field set to a huge int', 'FieldRange', OverflowError, 'too large', {
        MIXIN: _spoiled(_setting(ndim=2 ** 70))})
    K += _styled('buf borrowed from a strided memoryview', 'BorrowedBuffer', BufferError, 'not C-contiguous', {
        MIXIN: _spoiled(lambda x, view, flags: setattr(view, 'buf', newbuffer.memoryview(bytearray(48))[::2]))})
    K += _styled('shape at an unknown address', 'UnknownAddress', ValueError, 'is not inside memory newbuffer knows', {
        MIXIN: _spoiled(_setting(shape=UNKNOWN))})
    K += _styled('format at an unknown address', 'UnknownAddress', ValueError, 'is not inside memory newbuffer knows', {
        MIXIN: _spoiled(_setting(format=UNKNOWN))})
    K += _styled('buf just before its memory', 'UnknownAddress', ValueError, 'is not inside memory newbuffer knows', {
        MIXIN: _before_memory})
    K += _styled('memory unregistered before the view is read', 'UnknownAddress', ValueError, 'is not inside memory newbuffer knows', {
        MIXIN: _spoiled(_unregistered)})
    K += _styled('format string without its NUL', 'UnterminatedFormat', ValueError, 'no terminating NUL', {
        MIXIN: _unterminated_format})
    K += _styled('resizes its memory while exporting it', 'MemoryResized', BufferError, 'cannot be re-sized', {
        MIXIN: _spoiled(_resize_at_get),
        GETBUFFER: lambda: GetBufferExporter(_resize_in_method),
        BUFFER: lambda: DelegatingExporter(_resize_in_method)})
    release_raises = _raising(KeyError, 'release raised')
    K += _styled('release raises', 'ReleaseRaises', None, None, {
        MIXIN: _spoiled(None, on_release=release_raises),
        GETBUFFER: lambda: GetBufferExporter(memoryview_of(), on_release=release_raises),
        BUFFER: lambda: DelegatingExporter(source_of(), on_release=release_raises)}, default)
    returns = lambda x, view: 1
    K += _styled('release returns a value', 'ReleaseReturnsNone', None, None, {
        MIXIN: _spoiled(None, on_release=returns),
        GETBUFFER: lambda: GetBufferExporter(memoryview_of(), on_release=returns),
        BUFFER: lambda: DelegatingExporter(source_of(), on_release=returns)}, default)
    K += _styled('obj names another object', 'WrongObj', None, None, {MIXIN: _spoiled(_wrong_obj)}, default)
    return K


def invalid_views():
    """Every invalid view and misbehaving exporter, as Cases (a fresh list each call)."""
    return _corpus_kinds() + _behaviours()


# -- hard valid views -------------------------------------------------------------------------

def _vector(fmt, itemsize, count=3, **view):
    spec_view = {'format': fmt, 'itemsize': itemsize, 'ndim': 1, 'shape': [count], 'strides': [itemsize],
                 'len': count * itemsize}
    spec_view.update(view)
    return {'memory': count * itemsize, 'view': spec_view}


PIL = {'memory': 16, 'rows': [12, 12], 'pointers': [{'at': 0, 'row': 0}, {'at': 8, 'row': 1}],
       'view': {'strides': [8, 4], 'suboffsets': [0, -1]}}
VALID = [
    ('negative strides', {'view': {'buf': 20, 'strides': [-12, -4]}}),
    ('negative inner stride', {'view': {'buf': 8, 'strides': [12, -4]}}),
    ('zero stride: a row repeated', {'view': {'shape': [4, 3], 'strides': [0, 4], 'len': 48}}),
    ('zero strides alias one item', {'view': {'strides': [0, 0]}}),
    ('Fortran order', {'view': {'strides': [4, 8]}}),
    ('transposed 3-d view', {'view': {'format': 'h', 'itemsize': 2, 'ndim': 3, 'shape': [2, 3, 2], 'strides': [2, 8, 4]}}),
    ('gaps between items', dict(_vector('i', 4, strides=[8]), memory=20)),
    ('strides that are not multiples of the itemsize', {'memory': 28, 'view': {'strides': [13, 4]}}),
    ('overlapping items', _vector('i', 4, 5, strides=[2], len=20)),
    ('unaligned items', dict(_vector('i', 4, 5, buf=1), memory=24)),
    ('PIL-style suboffsets', PIL),
    ('PIL-style suboffsets read backwards', dict(PIL, view={'buf': 8, 'strides': [-8, 4], 'suboffsets': [0, -1]})),
    ('PIL-style suboffsets into each row', dict(PIL, rows=[16, 16], view={'strides': [8, 4], 'suboffsets': [4, -1]})),
    ('suboffset rows shared', dict(PIL, rows=[12], pointers=[{'at': 0, 'row': 0}, {'at': 8, 'row': 0}])),
    ('empty view', _vector('i', 4, 0)),
    ('empty 2-d view', {'view': {'shape': [3, 0], 'len': 0}}),
    ('empty view with NULL buf', {'view': {'buf': None, 'shape': [0, 3], 'len': 0}}),
    ('empty view past its memory', {'view': {'buf': 24, 'shape': [2, 0], 'len': 0}}),
    ('empty view with a huge outer dimension', {'view': {'shape': [2 ** 31, 0], 'strides': [0, 4], 'len': 0}}),
    ('0-dimensional view', {'memory': 8, 'view': {'format': 'd', 'itemsize': 8, 'ndim': 0, 'shape': [], 'strides': [], 'len': 8}}),
    ('64 dimensions', {'memory': 4, 'view': {'ndim': 64, 'shape': [1] * 64, 'strides': [4] * 64, 'len': 4}}),
    ('huge stride on a dimension of one', {'view': {'shape': [1, 3], 'len': 12, 'strides': [2 ** 40, 4]}}),
    ('read-only view', {'view': {'readonly': True}}),
    ('NULL format: unsigned bytes', {'view': {'format': None, 'itemsize': 1, 'shape': [4, 6], 'strides': [6, 1]}}),
    ('no shape: plain bytes', {'view': {'format': 'B', 'itemsize': 1, 'ndim': 1, 'shape': None, 'strides': None}}),
    ('no strides: C order', {'view': {'strides': None}}),
]
FORMATS = ['?', 'c', 'b', 'B', 'h', 'H', 'i', 'I', 'l', 'L', 'q', 'Q', 'n', 'N', 'e', 'f', 'd', 'P',
           '<h', '>i', '=q', '!d', '@L', '3s', '2h', 'bd']


def _itemsize(fmt):
    # newbuffer's sizes, which differ from IronPython 3.4's struct ('n' is 8 bytes, 'e' exists).
    return newbuffer.struct.calcsize(fmt)


def valid_views():
    """Hard but valid views, as Cases whose `expected` holds the bytes a correct consumer reads."""
    kinds = list(VALID) + [("format '%s'" % f, _vector(f, _itemsize(f))) for f in FORMATS]
    cases = []
    for kind, spec in kinds:
        cases += _styled(kind, None, None, None, {
            MIXIN: (lambda s: lambda: SpecExporter(s))(spec),
            GETBUFFER: (lambda s: lambda: GetBufferExporter(memoryview_of(s)))(spec),
            BUFFER: (lambda s: lambda: DelegatingExporter(source_of(s)))(spec)}, read_spec(spec))
    return cases


# -- hostile views ----------------------------------------------------------------------------

class HostileExporter(newbuffer.BufferMixin, _Parts):
    """Py_buffer fields drawn at random from `rng` (mostly wrong) over guarded random bytes.

    A consistent view first, then up to three fields spoiled. The fields are drawn once; with
    redraw=True they are drawn again for every request (a fuzzer's exporter that never answers
    the same way twice).
    """

    fields = memory = None

    def __init__(self, rng, redraw=False, ledger=None):
        self._own(ledger)
        self.rng = rng
        self.redraw = redraw
        self.memory = self._guard(bytearray(rng.getrandbits(8) for _ in range(rng.randint(0, 64))))
        self.fields = self.draw()

    def draw(self):
        """A new set of fields: consistent, then up to three of them spoiled."""
        rng = self.rng
        itemsize = rng.choice([1, 2, 4, 8])
        ndim = rng.randint(0, 3)
        shape = [rng.randint(0, 4) for _ in range(ndim)]
        strides, step = [0] * ndim, itemsize
        for d in reversed(range(ndim)):
            strides[d] = step * rng.choice([1, 1, 2, -1])
            step *= max(shape[d], 1)
        low = sum(s * (n - 1) for n, s in zip(shape, strides) if s < 0 and n)
        high = sum(s * (n - 1) for n, s in zip(shape, strides) if s > 0 and n) + itemsize
        room = self.memory.length - (high - low)
        fields = {
            'buf': self.memory.address + (rng.randint(-low, -low + room) if room >= 0 else 0),
            'len': itemsize * _product(shape),
            'readonly': rng.random() < 0.3,
            'itemsize': itemsize,
            'format': {1: 'B', 2: 'h', 4: 'i', 8: 'q'}[itemsize],
            'ndim': ndim,
            'shape': tuple(shape),
            'strides': tuple(strides),
            'suboffsets': None,
        }
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            name = rng.choice(sorted(fields))
            fields[name] = _wrong_value(rng, self.memory, name, fields)
        return fields

    def _get_buffer(self, view, flags):
        self.ledger.requested(flags)
        if self.redraw:
            self.fields = self.draw()
        view.obj = self
        for name in ('buf', 'len', 'readonly', 'itemsize', 'format', 'ndim', 'shape', 'strides', 'suboffsets'):
            setattr(view, name, self.fields[name])
        view.internal = self.ledger.got()

    def _release_buffer(self, view):
        self.ledger.released(view.internal)


HUGE = [2 ** 31, 2 ** 40, 2 ** 62, 2 ** 63 - 1]


def _wrong_value(rng, memory, name, fields):
    """A wrong value for the field `name`."""
    ndim = fields['ndim']
    huge = rng.choice(HUGE) * rng.choice([1, -1])
    pick = rng.choice
    return {
        'buf': pick([memory.address + rng.randint(-8, memory.length + 8), None, memory.region, UNKNOWN]),
        'len': pick([-1, fields['len'] + 1, huge]),
        'readonly': True,
        'itemsize': pick([0, -1, 3, huge]),
        'format': pick(['y', '', None, '3s', '<d', '2h', 'T{i}']),
        'ndim': pick([-1, 65, ndim + 1, max(ndim - 1, 0)]),
        'shape': pick([None, tuple([huge] * ndim), tuple([-1] * ndim), tuple([2 ** 31, 0][:ndim])]),
        'strides': pick([None, tuple(rng.randint(-40, 40) for _ in range(ndim)), tuple([huge] * ndim)]),
        'suboffsets': tuple(rng.choice([-1, 0, 4]) for _ in range(ndim)),
    }[name]


def _product(values):
    result = 1
    for v in values:
        result *= v
    return result


ATTEMPTS = 1000


def hostile_views(seed=0, count=100):
    """`count` random invalid views, the n-th named 'hostile <seed + n>' and reproducible from it.

    Each is a HostileExporter drawn from random.Random((seed + n) * ATTEMPTS + attempt), with the
    first attempt whose view newbuffer refuses (flags PyBUF_FULL_RO); its `error` is the type newbuffer
    raises there, and `seed` is seed + n, so hostile_views(case.seed, 1) makes the same case again.
    """
    for n in range(count):
        case_seed = seed + n
        for attempt in range(ATTEMPTS):
            make = (lambda s: lambda: HostileExporter(random.Random(s)))(case_seed * ATTEMPTS + attempt)
            case = Case('hostile %d' % case_seed, MIXIN, 'Hostile', None, make)
            error = case.refusal(newbuffer.PyBUF_FULL_RO)
            if error is not None:
                case.error = error
                case.seed = case_seed
                yield case
                break
