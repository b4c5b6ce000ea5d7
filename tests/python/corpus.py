"""The shared invalid-view corpus (tests/corpus/invalid_views.json, shipped as newbuffer.testing.corpus())
as Python exporters, from newbuffer.testing.

A case describing a view becomes a testing.SpecExporter: a BufferMixin filling every Py_buffer field
as the case says over guarded memory (canaries around bytes registered alone, so the exporter
supplies exactly those bytes and a write beside them shows). A case naming a 'behavior' is the
catalogue's misbehaving exporter of that kind and style. Every exporter's ledger counts its gets and
releases under a lock.
"""
import newbuffer
from newbuffer import testing

FLAGS = {name: getattr(newbuffer, 'PyBUF_' + name) for name in [
    'SIMPLE', 'ND', 'STRIDES', 'C_CONTIGUOUS', 'F_CONTIGUOUS', 'ANY_CONTIGUOUS', 'RECORDS_RO', 'RECORDS',
    'FULL_RO', 'FULL']}
# The catalogue case that acts out each behaviour the corpus names.
BEHAVIORS = {
    'raise_halfway': 'get raises [BufferMixin]',
    'return_value': '_get_buffer returns a value [BufferMixin]',
    'len_is_str': 'a field set to the wrong type [BufferMixin]',
    'ndim_overflows': 'a field set to a huge int [BufferMixin]',
    'buf_is_self': 'delegates to itself [BufferMixin]',
    'buf_is_strided_view': 'buf borrowed from a strided memoryview [BufferMixin]',
    'shape_address_unknown': 'shape at an unknown address [BufferMixin]',
    'format_unterminated': 'format string without its NUL [BufferMixin]',
    'getbuffer_raises': 'get raises [__getbuffer__]',
    'getbuffer_returns_bytes': 'get returns a non-memoryview [__getbuffer__]',
    'buffer_raises': 'get raises [__buffer__]',
    'buffer_returns_int': 'get returns a non-memoryview [__buffer__]',
    'buffer_returns_self': 'delegates to itself [__buffer__]',
    'buffer_returns_released': 'get returns a released memoryview [__buffer__]',
    'buffer_returns_invalid': 'len disagrees with shape [__buffer__]',
}
CATALOGUE = {c.name: c for c in testing.invalid_views()}


def load():
    data = testing.corpus()
    return [Case(raw, data['default']) for raw in data['cases']]


class Case:
    def __init__(self, raw, default):
        self.raw = raw
        self.name = raw['name']
        self.view = dict(default['view'])
        self.view.update(raw.get('view', {}))
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
            return CATALOGUE[BEHAVIORS[self.behavior]].make()
        return testing.SpecExporter(self.raw)

    def __repr__(self):
        return '<case %s>' % self.name
