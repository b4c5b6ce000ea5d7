"""Random operation sequences on newbuffer.memoryview against a plain model, over guarded memory.

A case is one seed: a RandomView (guarded: canaries around every block) and a sequence of
operations - slice and index in any dimension, cast, tobytes in each order, tolist, hex, getitem,
setitem, comparison with a copy, and releasing a view that shares the export from inside an
argument's conversion or from another thread - applied to the memoryview and to Model, which keeps
where each element lives and acts with Python's own slicing of range(); results are compared after
each step.
Hostile cases draw every Py_buffer field at random (mostly wrong) and check that every consumer
answers with a Python exception, never a .NET one, and writes nothing outside the exporter's bytes.
test_fuzz.py runs fixed seeds; scripts/fuzz runs this file for a time budget:
    scripts/ipy tests/python/fuzzops.py SECONDS [FIRST_SEED]
and prints the seed of any failure (and the seed it is on, so a crash can be replayed).
"""
import os
import random
import struct
import sys
import threading
import time

import newbuffer
import _testbuffer
from newbuffer import testing
from randomviews import RandomView, Reference, has_nan, product, same
from support import Counter, leaked_from_newbuffer

CAST_TARGETS = ['B', 'b', 'c', 'h', 'H', 'i', 'I', 'q', 'Q', 'f', 'd', '?', '@B']
INTEGER_CODES = 'bBhHiIlLqQ'
NUMBER_CODES = INTEGER_CODES + 'nNfd?'
RELEASED = 'operation forbidden on released memoryview object'


class Model:
    """Shape, item size, format and the (block, position) of every element in C order."""

    def __init__(self, shape, itemsize, fmt, elements, indirect):
        self.shape, self.itemsize, self.format = list(shape), itemsize, fmt
        self.elements, self.indirect = elements, indirect

    @classmethod
    def of(cls, rv):
        ref = Reference(rv)
        return cls(rv.shape, rv.itemsize, rv.format, [ref.location(ix) for ix in ref.indices('C')], rv.pil)

    @property
    def count(self):
        return product(self.shape)

    def indices(self, order='C'):
        if any(n == 0 for n in self.shape):
            return []
        result = [()]
        if order == 'C':
            for n in self.shape:
                result = [t + (i,) for t in result for i in range(n)]
        else:
            for n in reversed(self.shape):
                result = [(i,) + t for t in result for i in range(n)]
        return result

    def flat(self, index):
        k = 0
        for i, n in zip(index, self.shape):
            k = k * n + i
        return k

    def location(self, index):
        return self.elements[self.flat(index)]

    def item_bytes(self, index):
        block, pos = self.location(index)
        return bytes(block[pos:pos + self.itemsize])

    def item(self, index):
        block, pos = self.location(index)
        values = struct.unpack_from(self.format, block, pos)
        return values[0] if len(values) == 1 else values

    def tobytes(self, order='C'):
        return b''.join(self.item_bytes(ix) for ix in self.indices(order))

    def tolist(self):
        def build(prefix, dim):
            if dim == len(self.shape):
                return self.item(prefix)
            return [build(prefix + (i,), dim + 1) for i in range(self.shape[dim])]
        return build((), 0)

    def contiguous(self, order='C'):
        if self.indirect:
            return False
        if self.count == 0:
            return True
        block, start = self.elements[0]
        for k, ix in enumerate(self.indices(order)):
            b, pos = self.location(ix)
            if b is not block or pos != start + k * self.itemsize:
                return False
        return True

    def slice(self, dim, kept):
        shape = list(self.shape)
        shape[dim] = len(kept)
        probe = Model(shape, self.itemsize, self.format, [], self.indirect)
        elements = []
        for ix in probe.indices('C'):
            source = list(ix)
            source[dim] = kept[ix[dim]]
            elements.append(self.location(source))
        probe.elements = elements
        return probe

    def take(self, dim, i):
        i = i + self.shape[dim] if i < 0 else i
        shape = self.shape[:dim] + self.shape[dim + 1:]
        probe = Model(shape, self.itemsize, self.format, [], self.indirect)
        probe.elements = [self.location(ix[:dim] + (i,) + ix[dim:]) for ix in probe.indices('C')]
        return probe

    def cast(self, fmt, shape):
        itemsize = struct.calcsize(fmt)
        block, start = self.elements[0] if self.elements else (None, 0)
        return Model(shape, itemsize, fmt.lstrip('@'), [(block, start + k * itemsize) for k in range(product(shape))], False)


class Copy(newbuffer.BufferMixin):
    """A C-contiguous copy of a model's items with its shape and format."""

    def __init__(self, model):
        self.data, self.model = bytearray(model.tobytes()), model

    def _get_buffer(self, view, flags):
        shape, size = self.model.shape, self.model.itemsize
        view.obj = self
        view.buf = self.data
        view.len = len(self.data)
        view.readonly = True
        view.itemsize = size
        view.format = self.model.format
        view.ndim = len(shape)
        view.shape = tuple(shape)
        strides, step = [], size
        for n in reversed(shape):
            strides.insert(0, step)
            step *= max(n, 1)
        view.strides = tuple(strides)


def step(rng, m, model, log):
    ndim = len(model.shape)
    op = rng.randrange(12)
    if op == 0 and ndim > 0:
        dim = rng.randrange(ndim)
        start, stop = [None if rng.random() < 0.3 else rng.randint(-6, 6) for _ in range(2)]
        stride = rng.choice([1, 2, 3, -1, -2])
        log.append('slice dim %d [%s:%s:%s]' % (dim, start, stop, stride))
        key = tuple(slice(start, stop, stride) if d == dim else slice(None) for d in range(ndim))
        kept = list(range(model.shape[dim]))[start:stop:stride]
        return m[key] if ndim > 1 else m[key[0]], model.slice(dim, kept)
    if op == 1 and ndim > 1 and any(model.shape):
        dim = rng.choice([d for d in range(ndim) if model.shape[d] > 0])
        i = rng.randrange(model.shape[dim]) - (model.shape[dim] if rng.random() < 0.5 else 0)
        log.append('take dim %d [%d]' % (dim, i))
        key = tuple(i if d == dim else slice(None) for d in range(ndim))
        try:
            return m[key], model.take(dim, i)
        except NotImplementedError:
            assert model.indirect, 'NotImplementedError without suboffsets'
            return m, model
    if op == 2:
        return cast(rng, m, model, log)
    if op == 3:
        order = rng.choice('CFA')
        log.append('tobytes %s' % order)
        resolved = 'F' if order == 'A' and model.contiguous('F') and not model.contiguous('C') else 'C' if order == 'A' else order
        assert m.tobytes(order) == model.tobytes(resolved), 'tobytes(%s) differs' % order
    elif op == 4:
        log.append('tolist')
        assert same(m.tolist(), model.tolist()), 'tolist differs'
    elif op == 5 and model.count:
        ix = tuple(rng.randrange(n) for n in model.shape)
        log.append('getitem %s' % (ix,))
        assert same(m[ix], model.item(ix)), 'getitem differs'
    elif op == 6 and model.count and model.format.lstrip('<>=!@') in INTEGER_CODES and len(model.format.lstrip('<>=!@')) == 1:
        ix = tuple(rng.randrange(n) for n in model.shape)
        value = struct.unpack(model.format, bytes(rng.getrandbits(8) for _ in range(model.itemsize)))[0]
        log.append('setitem %s = %d' % (ix, value))
        m[ix] = value
        assert model.item_bytes(ix) == struct.pack(model.format, value), 'setitem wrote elsewhere'
    elif op == 7:
        log.append('hex')
        assert m.hex() == model.tobytes('C').hex(), 'hex differs'
    elif op == 8:
        log.append('compare with a copy')
        copy = newbuffer.memoryview(Copy(model))
        assert (m == copy) == (not has_nan(model.tolist())), 'comparison with a copy'
        copy.release()
    elif op == 9:
        release_in_conversion(rng, m, model, log)
    elif op == 10:
        release_from_thread(rng, m, model, log)
    return m, model


def _single_number_format(model):
    code = model.format.lstrip('@')
    return len(code) == 1 and code in NUMBER_CODES


def release_in_conversion(rng, m, model, log):
    """A view sharing m's export is released by Python code an operation on it runs while converting an
    argument (__index__, __float__, __bool__, an exporter's __buffer__): ValueError, and nothing is
    written (CPython's gh-92888 re-checks); m itself is untouched and still usable."""
    v = newbuffer.memoryview(m)

    class Releaser(newbuffer.Buffer):
        def __index__(self):
            v.release()
            return 0

        def __float__(self):
            v.release()
            return 0.0

        def __bool__(self):
            v.release()
            return False

        def __buffer__(self, flags):
            v.release()
            return b''

    ndim, writable = len(model.shape), not m.readonly
    kinds = ['hex separator count']
    if model.count and ndim:
        kinds.append('getitem key')
        if writable:
            kinds += ['setitem key', 'slice assignment source']
    if model.count and writable and _single_number_format(model):
        kinds.append('setitem value')
    kind = rng.choice(kinds)
    ix = tuple(rng.randrange(n) for n in model.shape) if model.count else ()
    log.append('release in %s' % kind)
    before = model.tobytes('C')
    operations = {
        'hex separator count': lambda: v.hex(':', Releaser()),
        'getitem key': lambda: v[(Releaser(),) + ix[1:]],
        'setitem key': lambda: v.__setitem__((Releaser(),) + ix[1:], model.item(ix)),
        'slice assignment source': lambda: v.__setitem__(slice(None), Releaser()),
        'setitem value': lambda: v.__setitem__(ix, Releaser()),
    }
    try:
        operations[kind]()
        raise AssertionError('%s: no error after the view was released' % kind)
    except ValueError as e:
        assert str(e) == RELEASED, '%s: %s' % (kind, e)
    assert model.tobytes('C') == before, '%s: written after the view was released' % kind
    assert m.tobytes() == before, 'the view sharing the export was affected'


def release_from_thread(rng, m, model, log):
    """Another thread releases a view sharing m's export while this one reads it and writes items back
    unchanged: each operation succeeds or fails with CPython's ValueError, nothing else, and the
    memory holds what it held."""
    v = newbuffer.memoryview(m)
    before = model.tobytes('C')
    delay = rng.random() * 0.003
    log.append('release from a thread after %.4f s' % delay)
    # Integers only: a bool byte of 2 or a NaN's payload would not be written back as the same bytes.
    code = model.format.lstrip('@')
    writable = model.count and not m.readonly and len(code) == 1 and code in INTEGER_CODES + 'nN'
    ix = tuple(rng.randrange(n) for n in model.shape) if model.count else ()

    def releaser():
        time.sleep(delay)
        v.release()

    t = threading.Thread(target=releaser)
    t.start()
    try:
        for k in range(10000):
            try:
                choice = k % 4
                if choice == 0:
                    assert v.tobytes() == before, 'read differs'
                elif choice == 1:
                    v.hex()
                elif choice == 2 and model.count:
                    v[ix]
                elif writable:
                    v[ix] = model.item(ix)
            except ValueError as e:
                assert str(e) == RELEASED, 'not a clean failure: %s' % e
                break
    finally:
        t.join(60)
    assert not t.is_alive(), 'the releasing thread did not finish'
    assert repr(v).startswith('<released'), 'the view was not released'
    assert model.tobytes('C') == before, 'the memory changed'


def cast(rng, m, model, log):
    target = rng.choice(CAST_TARGETS)
    size = struct.calcsize(target)
    nbytes = model.count * model.itemsize
    shape = None
    if rng.random() < 0.5 and nbytes and nbytes % size == 0:
        n, shape = nbytes // size, []
        while n > 1 and len(shape) < 2 and rng.random() < 0.6:
            d = rng.choice([d for d in range(2, 8) if n % d == 0] or [n])
            shape.append(d)
            n //= d
        shape.append(n)
    log.append('cast %r %s' % (target, shape))
    source_bytes = model.format in ('B', 'b', 'c', '@B', '@b', '@c')
    target_bytes = target.lstrip('@') in ('B', 'b', 'c')
    zeros = 0 in model.shape or 0 in m.strides
    # CPython's memoryview flags (init_flags) decide: a scalar is C-contiguous; one dimension is when its
    # stride is the itemsize or it has one item, however many bytes it spans (an empty m[::2] is not);
    # more dimensions follow the element positions.
    if len(model.shape) == 0:
        c_contiguous = True
    elif len(model.shape) == 1:
        c_contiguous = not m.suboffsets and (model.shape[0] == 1 or m.strides[0] == model.itemsize)
    else:
        c_contiguous = model.contiguous('C')
    allowed = (c_contiguous and not ((shape is not None or len(model.shape) != 1) and zeros)
               and not (shape is not None and len(model.shape) != 1 and len(shape) != 1)
               and (source_bytes or target_bytes) and nbytes % size == 0)
    try:
        result = m.cast(target, shape) if shape is not None else m.cast(target)
    except (TypeError, ValueError):
        assert not allowed, 'cast refused where the model allows it'
        return m, model
    assert allowed, 'cast accepted where the model forbids it'
    return result, model.cast(target, list(result.shape))


def run_case(seed, steps=6):
    """One seed; raises AssertionError (with the steps) when the memoryview and the model disagree."""
    rng = random.Random(seed)
    rv = RandomView(rng, guard=True)
    log = ['view format=%s shape=%s strides=%s pil=%s' % (rv.format, rv.shape, rv.strides, rv.pil)]
    try:
        m = newbuffer.memoryview(rv)
        model = Model.of(rv)
        for _ in range(steps):
            m, model = step(rng, m, model, log)
        assert rv.intact(), 'a write landed outside the exporter\'s bytes'
    except Exception as e:
        raise AssertionError('seed %d: %s: %s\n  steps: %s' % (seed, type(e).__name__, e, '; '.join(log)))
    finally:
        rv.close()


def _scans(m):
    # count/index/in cost one comparison per row, as in CPython; a legal stride-0 view may declare
    # 2**40 of them, so only views of sane size are scanned (empty ones of any shape are: they are one comparison).
    if product(m.shape) <= 4096:
        return m.count(0), 0 in m, m.index(0) if 0 in m else None


HOSTILE_CONSUMERS = [
    lambda x: newbuffer.memoryview(x).tobytes(),
    lambda x: newbuffer.memoryview(x).tolist(),
    lambda x: newbuffer.memoryview(x).hex(':'),
    lambda x: _scans(newbuffer.memoryview(x)),
    lambda x: newbuffer.memoryview(x) == newbuffer.memoryview(x),
    lambda x: hash(newbuffer.memoryview(x).toreadonly()),
    lambda x: (len(newbuffer.memoryview(x)), newbuffer.memoryview(x)[::-1].tobytes()),
    lambda x: [row for _, row in zip(range(3), newbuffer.memoryview(x))],
    lambda x: newbuffer.memoryview(x).cast('B').tolist(),
    lambda x: newbuffer.memoryview._from_flags(x, newbuffer.PyBUF_FULL)[0],
    lambda x: memoryview(x).tobytes(),
    bytes,
    lambda x: struct.unpack_from('b', x),
    lambda x: newbuffer.get_buffer(x, newbuffer.PyBUF_FULL_RO).release_buffer(),
    lambda x: _testbuffer.ndarray(x).tolist(),
    lambda x: _testbuffer.get_pointer(x, [0] * newbuffer.get_buffer(x, newbuffer.PyBUF_FULL_RO).ndim),
]


def run_hostile_case(seed):
    """One hostile exporter against every consumer: only Python exceptions, canaries intact.

    The exporter (newbuffer.testing's) draws its fields again for every request, so each consumer
    meets another view."""
    rng = random.Random(seed)
    x = testing.HostileExporter(rng, redraw=True)
    try:
        for consume in HOSTILE_CONSUMERS:
            try:
                consume(x)
            except Exception as e:
                leak = leaked_from_newbuffer(e)
                if leak or type(e) is Exception or not str(e):
                    raise AssertionError('seed %d: consumer %d: a .NET exception (%s) or an empty message leaked: %s: %s'
                                         % (seed, HOSTILE_CONSUMERS.index(consume), leak, type(e).__name__, e))
                if 'invalid buffer exported' in str(e):
                    raise AssertionError('seed %d: the bridge handed IronPython a buffer it cannot read: %s' % (seed, e))
        if not x.intact():
            raise AssertionError('seed %d: a write landed outside the exporter\'s bytes' % seed)
    finally:
        x.close()
    return x


SLOW_CASE = 10


def main(argv):
    seconds = float(argv[1]) if len(argv) > 1 else 10
    seed = int(argv[2]) if len(argv) > 2 else random.randrange(2 ** 31)
    progress = os.environ.get('NEWBUFFER_FUZZ_PROGRESS')
    first, failures, cases, deadline = seed, [], 0, time.time() + seconds
    print('fuzz python: %.0f s from seed %d' % (seconds, seed))
    while time.time() < deadline or (seconds == 0 and cases == 0):
        if progress:
            with open(progress, 'w') as f:
                f.write('python %d\n' % seed)
        started = time.time()
        try:
            run_case(seed)
            run_hostile_case(seed)
        except AssertionError as e:
            failures.append(str(e))
            print('FAILED', e)
        if time.time() - started > SLOW_CASE:
            # "Never hangs" is fuzzed too; a time budget alone would hide one case eating the run.
            failures.append('seed %d: took %.1f s' % (seed, time.time() - started))
            print('FAILED seed %d: took %.1f s (a case may take %d s)' % (seed, time.time() - started, SLOW_CASE))
        seed += 1
        cases += 1
    print('fuzz python: %d cases, seeds %d..%d, %d failures' % (cases, first, seed - 1, len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
