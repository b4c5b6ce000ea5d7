"""Threads (IronPython has no GIL): several threads getting, reading and releasing views of one
exporter, and one thread releasing a memoryview others are reading. Counts stay exact, operations
on a released view raise ValueError (never a .NET exception), no read sees memory after its export
was released (the exporter poisons it then), and nothing deadlocks (every join has a deadline).
"""
import random
import struct
import threading
import time
import unittest

import newbuffer
from support import Counter, collect

DEADLINE = 60
THREADS = 4
VALUES = list(range(64))
EXPECTED = struct.pack('64i', *VALUES)


class Exporter(newbuffer.BufferMixin):
    """64 ints; counts gets and releases (support.Counter); poison=True overwrites the data at release."""

    def __init__(self, poison=False):
        self.data = bytearray(EXPECTED)
        self.poison = poison
        self.count = Counter()

    def _get_buffer(self, view, flags):
        view.obj = self
        view.buf = self.data
        view.len = len(self.data)
        view.readonly = False
        view.itemsize = 4
        view.format = 'i'
        view.ndim = 2
        view.shape = (8, 8)
        view.strides = (32, 4)
        view.internal = self.count.got()

    def _release_buffer(self, view):
        self.count.released(view.internal)
        if self.poison:
            self.data[:] = b'\xee' * len(self.data)


def run_threads(test, bodies):
    """Starts one thread per body together; fails on any exception in them or a missed deadline."""
    errors = []
    start = threading.Barrier(len(bodies))

    def wrap(body):
        def run():
            try:
                start.wait()
                body()
            except BaseException as e:
                errors.append('%s: %s' % (type(e).__name__, e))
        return run

    threads = [threading.Thread(target=wrap(b)) for b in bodies]
    for t in threads:
        t.start()
    deadline = time.time() + DEADLINE
    for t in threads:
        t.join(max(deadline - time.time(), 0))
        test.assertFalse(t.is_alive(), 'a thread did not finish: deadlock?')
    test.assertEqual(errors, [])


def released_error(e):
    """A released view's clean failure: CPython's ValueError, nothing else."""
    if type(e) is not ValueError or 'released memoryview' not in str(e):
        raise AssertionError('not a clean failure: %s: %s' % (type(e).__name__, e))


class ThreadTests(unittest.TestCase):
    def test_many_threads_get_read_and_release_one_exporter(self):
        x = Exporter()

        def worker(seed):
            rng = random.Random(seed)

            def body():
                for _ in range(150):
                    choice = rng.randrange(5)
                    if choice == 0:
                        with newbuffer.memoryview(x) as m:
                            assert m.tobytes() == EXPECTED
                            sub = m[1::2, ::3]
                            assert sub.tolist() == [[VALUES[r * 8 + c] for c in range(0, 8, 3)] for r in range(1, 8, 2)]
                            sub.release()
                    elif choice == 1:
                        assert memoryview(x).tobytes() == EXPECTED
                    elif choice == 2:
                        assert bytes(x) == EXPECTED
                    elif choice == 3:
                        assert struct.unpack_from('2i', x, 8) == (2, 3)
                    else:
                        view = newbuffer.get_buffer(x, newbuffer.PyBUF_RECORDS_RO)
                        assert view.shape_tuple == (8, 8)
                        view.release_buffer()
            return body

        run_threads(self, [worker(seed) for seed in range(THREADS)])
        collect()
        self.assertTrue(x.count.balanced, (x.count.gets, x.count.releases, x.count.double_releases))
        self.assertGreater(x.count.gets, 0)

    def test_release_while_other_threads_read(self):
        for round_ in range(15):
            x = Exporter(poison=True)
            m = newbuffer.memoryview(x)
            reads = []

            def reader(seed):
                rng = random.Random(seed)

                def body():
                    n = 0
                    while True:
                        try:
                            choice = rng.randrange(4)
                            if choice == 0:
                                data = m.tobytes()
                                assert data == EXPECTED, 'read after release: %r' % data[:8]
                            elif choice == 1:
                                assert m.tolist()[7] == VALUES[56:64]
                            elif choice == 2:
                                assert m[3, 5] == VALUES[29]
                            else:
                                sub = m[::2]
                                assert sub.tobytes()[:4] == EXPECTED[:4]
                                sub.release()
                        except ValueError as e:
                            released_error(e)
                            break
                        n += 1
                    reads.append(n)
                return body

            def releaser():
                time.sleep(random.Random(round_).random() * 0.02)
                m.release()

            run_threads(self, [reader(s) for s in range(THREADS - 1)] + [releaser])
            # No collection needed: every derived view was released, so the release is exact now.
            self.assertEqual((x.count.gets, x.count.releases, x.count.double_releases), (1, 1, 0), 'round %d' % round_)
            with self.assertRaisesRegex(ValueError, 'operation forbidden on released memoryview object'):
                m.tobytes()

    def test_exports_racing_a_release_never_outlive_the_memory(self):
        for _ in range(30):
            x = Exporter(poison=True)
            m = newbuffer.memoryview(x)
            outcome = {}

            def exporter():
                try:
                    inner = memoryview(m)
                    outcome['exported'] = inner.tobytes() == EXPECTED
                    inner.release()
                except ValueError as e:
                    released_error(e)
                    outcome['refused'] = True

            def releaser():
                try:
                    m.release()
                    outcome['released'] = True
                except BufferError as e:
                    assert 'exported buffer' in str(e), str(e)
                    outcome['busy'] = True

            run_threads(self, [exporter, releaser])
            self.assertNotEqual(outcome.get('exported'), False, 'an export read released memory')
            m.release()
            self.assertEqual((x.count.gets, x.count.releases, x.count.double_releases), (1, 1, 0))

    def test_threads_racing_to_fill_one_py_buffer(self):
        for _ in range(20):
            x = Exporter()
            view = newbuffer.Py_buffer()
            filled = []

            def filler():
                try:
                    view.get_buffer(x, newbuffer.PyBUF_FULL_RO)
                    filled.append(True)
                except ValueError as e:
                    assert 'already filled in' in str(e), str(e)

            run_threads(self, [filler] * THREADS)
            self.assertEqual(len(filled), 1)
            view.release_buffer()
            view.release_buffer()
            self.assertEqual((x.count.gets, x.count.releases, x.count.double_releases), (1, 1, 0))

    def test_operations_on_a_view_released_by_another_thread_raise_value_error(self):
        x = Exporter()
        m = newbuffer.memoryview(x)
        t = threading.Thread(target=m.release)
        t.start()
        t.join(DEADLINE)
        for operation in (m.tobytes, m.tolist, m.hex, lambda: m[0], lambda: m.cast('B'), lambda: m.shape,
                          lambda: memoryview(m), lambda: bytes(m), lambda: newbuffer.memoryview(m)):
            with self.assertRaises(ValueError) as caught:
                operation()
            released_error(caught.exception)


if __name__ == '__main__':
    unittest.main()
