"""Release accounting: random sequences of gets (every consumer), derived views, releases, dropped
views and garbage collection, with exceptions injected into _get_buffer, __getbuffer__, __buffer__
and every release method. Afterwards every exporter has released exactly what it handed out, no
view was released twice, and the bytearrays underneath can be resized again (no export leaked).
"""
import gc
import random
import struct
import threading
import unittest

import newbuffer
from support import captured_stderr

DATA = struct.pack('64i', *range(64))


class Ledger:
    """Gets and releases of one exporter, with the tokens released, under a lock."""

    def __init__(self, rng, fail_get, fail_release):
        self.rng = rng
        self.fail_get, self.fail_release = fail_get, fail_release
        self.lock = threading.Lock()
        self.gets = self.releases = self.doubles = 0
        self.outstanding = {}  # token -> gets not yet released (__buffer__ may hand out one object twice)

    def maybe_fail(self, rate, what):
        if self.rng.random() < rate:
            raise KeyError('injected ' + what)

    def got(self, token=None):
        with self.lock:
            self.gets += 1
            token = self.gets if token is None else token
            self.outstanding[token] = self.outstanding.get(token, 0) + 1
            return token

    def released(self, token):
        with self.lock:
            self.releases += 1
            if self.outstanding.get(token, 0) == 0:
                self.doubles += 1
            else:
                self.outstanding[token] -= 1
        self.maybe_fail(self.fail_release, 'release')

    def balanced(self):
        return self.gets == self.releases and self.doubles == 0


class Root(newbuffer.BufferMixin):
    """The memory at the bottom: an 8x8 int matrix borrowed from a bytearray (view.buf = bytearray)."""

    def __init__(self, ledger):
        self.ledger = ledger
        self.data = bytearray(DATA)

    def _get_buffer(self, view, flags):
        self.ledger.maybe_fail(self.ledger.fail_get / 2, 'get before filling')
        view.obj = self
        view.buf = self.data
        view.len = len(self.data)
        self.ledger.maybe_fail(self.ledger.fail_get / 2, 'get halfway')
        view.readonly = False
        view.itemsize = 4
        view.format = 'i'
        view.ndim = 2
        view.shape = (8, 8)
        view.strides = (32, 4)
        view.internal = self.ledger.got()
        if self.ledger.rng.random() < self.ledger.fail_get / 4:
            return 'not None'

    def _release_buffer(self, view):
        self.ledger.released(view.internal)


class ByGetBuffer(newbuffer.Buffer):
    def __init__(self, ledger, root):
        self.ledger, self.root = ledger, root

    def __getbuffer__(self, flags):
        self.ledger.maybe_fail(self.ledger.fail_get, 'getbuffer')
        m = newbuffer.memoryview(self.root)
        self.ledger.got(id(m))
        return m

    def __releasebuffer__(self, view):
        self.ledger.released(id(view))


class ByDelegation(newbuffer.Buffer):
    def __init__(self, ledger, root):
        self.ledger, self.root = ledger, root

    def __buffer__(self, flags):
        self.ledger.maybe_fail(self.ledger.fail_get, 'buffer')
        result = self.root if self.ledger.rng.random() < 0.5 else newbuffer.memoryview(self.root)
        self.ledger.got(id(result))
        return result

    def __release_buffer__(self, view):
        self.ledger.released(id(view))


def get(rng, x):
    """A view of x through a random consumer: (object to release or drop, how to release it)."""
    choice = rng.randrange(6)
    if choice == 0:
        m = newbuffer.memoryview(x)
        return m, m.release
    if choice == 1:
        m = newbuffer.memoryview._from_flags(x, rng.choice([newbuffer.PyBUF_FULL_RO, newbuffer.PyBUF_RECORDS, newbuffer.PyBUF_SIMPLE]))
        return m, m.release
    if choice == 2:
        m = memoryview(x)
        return m, m.release
    if choice == 3:
        assert bytes(x) == DATA
        return None, None
    if choice == 4:
        view = newbuffer.get_buffer(x, newbuffer.PyBUF_RECORDS_RO)
        return view, view.release_buffer
    assert struct.unpack_from('i', x, 4) == (1,)
    return None, None


def derive(rng, m):
    choice = rng.randrange(6)
    if choice == 0:
        return m[::2]
    if choice == 1:
        return m.cast('B') if m.ndim == 1 or m.c_contiguous else m[1:]
    if choice == 2:
        return m.toreadonly()
    if choice == 3:
        return newbuffer.memoryview(m)
    if choice == 4:
        return memoryview(m)  # IronPython's memoryview holds an export of ours: m.release() must refuse
    return m[0] if m.ndim > 1 else m[1:]


class AccountingTests(unittest.TestCase):
    def run_sequence(self, seed):
        rng = random.Random(seed)
        ledgers, exporters, roots = [], [], []
        for style in range(3):
            # Under __getbuffer__/__buffer__ the root never fails a get: when the object they return
            # refuses the request, nothing is released (CPython's rule), and their ledgers could not balance.
            root_ledger = Ledger(rng, rng.choice([0, 0.1, 0.3]) if style == 0 else 0, rng.choice([0, 0.2]))
            root = Root(root_ledger)
            ledgers.append(root_ledger)
            roots.append(root)
            if style == 0:
                exporters.append(root)
            else:
                ledger = Ledger(rng, rng.choice([0, 0.1, 0.3]), rng.choice([0, 0.2]))
                ledgers.append(ledger)
                exporters.append((ByGetBuffer if style == 1 else ByDelegation)(ledger, root))

        self.steps(rng, exporters)
        # Dropped views form chains of finalizable objects (IronPython's memoryview of ours of an
        # export of __getbuffer__'s memoryview...): each collection finalizes one link.
        for _ in range(20):
            gc.collect()
            if all(ledger.balanced() for ledger in ledgers):
                break
        for ledger in ledgers:
            self.assertTrue(ledger.balanced(), 'seed %d: %d gets, %d releases, %d twice' % (seed, ledger.gets, ledger.releases, ledger.doubles))
        for root in roots:
            root.data.append(0)  # raises BufferError if an export of the bytearray leaked
            root.data.pop()

    def steps(self, rng, exporters):
        """The random sequence; views still referenced when it returns are dropped (locals included)."""
        live = []
        for _ in range(40):
            op = rng.randrange(10)
            try:
                if op < 4:
                    obj, release = get(rng, rng.choice(exporters))
                    if obj is not None:
                        live.append((obj, release))
                elif op < 6 and live:
                    obj, _ = rng.choice(live)
                    if isinstance(obj, newbuffer.memoryview):  # IronPython's own has no multi-dimensional views
                        d = derive(rng, obj)
                        if isinstance(d, (newbuffer.memoryview, memoryview)):
                            live.append((d, d.release))
                elif op < 8 and live:
                    obj, release = live.pop(rng.randrange(len(live)))
                    release()
                    if rng.random() < 0.3:
                        release()  # twice: the second does nothing
                elif op < 9 and live:
                    live.pop(rng.randrange(len(live)))  # dropped: the collector releases it
                else:
                    gc.collect()
            except (KeyError, ValueError, BufferError, TypeError) as e:
                # Injected failures, non-None returns, releases refused while exports remain, and
                # re-exporting a view made without PyBUF_FORMAT (its items are 'B', as in CPython).
                self.assertNotIn('injected release', str(e), 'a failing release method was raised, not reported')
                self.assertRegex(str(e), 'injected|return value was not None|exported buffer|cannot cast|released|does not match format')

    def test_random_sequences_release_everything_once(self):
        with captured_stderr() as err:
            for seed in range(12):
                self.run_sequence(seed)
        # Failing release methods are reported, never raised.
        self.assertIn('injected release', err.getvalue())
        for line in err.getvalue().splitlines():
            if line.startswith('KeyError') or 'Error' in line.split(':')[0]:
                self.assertIn('injected release', line)


class MemoryLifetimeTests(unittest.TestCase):
    def test_a_dropped_view_of_a_bytearray_gives_it_back_pinned_or_not(self):
        for pinned in (False, True):
            with self.subTest(pinned=pinned):
                data = bytearray(DATA)
                self.view_and_drop(data, pinned)
                # As many collections as the random sequences allow: a loaded machine may need more than one.
                for _ in range(20):
                    gc.collect()
                    try:
                        data.append(0)
                        break
                    except BufferError:
                        pass
                else:
                    self.fail('the export of a dropped view was never given back')

    def view_and_drop(self, data, pinned):
        m = newbuffer.memoryview(data).cast('i')
        if pinned:
            # Reading the address pins the bytearray for as long as the export lasts.
            p = newbuffer.Py_buffer()
            p.get_buffer(m, newbuffer.PyBUF_SIMPLE)
            self.assertNotEqual(p.buf, 0)
            p.release_buffer()
        self.assertEqual(m[1], 1)

    def test_unregister_keeps_the_memory_pinned_while_a_view_uses_it(self):
        data = bytearray(DATA)
        address = newbuffer.register_memory(data)

        class ByAddress(newbuffer.BufferMixin):
            def _get_buffer(self, view, flags):
                view.obj = self
                view.buf = address
                view.len = len(DATA)
                view.itemsize = 4
                view.format = 'i'
                view.ndim = 1
                view.shape = (64,)
                view.strides = (4,)

        m = newbuffer.memoryview(ByAddress())
        self.assertTrue(newbuffer.unregister_memory(data))
        # Unpinned, the bytearray could be resized and its old memory reused under m.
        with self.assertRaises(BufferError):
            data.extend(b'x' * 100000)
        self.assertEqual(m.tobytes(), DATA)
        with self.assertRaisesRegex(ValueError, 'is not inside memory newbuffer knows'):
            newbuffer.memoryview(ByAddress())
        m.release()
        del m
        for _ in range(5):
            gc.collect()
            try:
                data.extend(b'x')
                break
            except BufferError:
                pass
        else:
            self.fail('the memory stayed pinned after its last view went')


if __name__ == '__main__':
    unittest.main()
