"""What one small buffer request costs under IronPython: six workloads, each against its baseline,
and reference rows without a goal: the memoryview rows' requests with the export protocol taken out,
and the __getbuffer__ row's exporter keeping one memoryview instead of making one per request.

Run under IronPython (scripts/ipy benchmarks/python/request_bench.py). Each row times a loop of
requests on our side and on its baseline, alternating the two sides round after round, and keeps
the best round of each, so both sides see the same machine state (the ratio is same-run; absolute
times on a shared machine are noise). It also reports the managed bytes allocated per request on
this thread (GC.GetAllocatedBytesForCurrentThread), which does not depend on machine load.
Prints one JSON object per line: {"workload", "ratio", "goal", "ours_ns", "base_ns", "ours_alloc",
"base_alloc", "rounds"}. `--quick` runs fewer, shorter rounds; other arguments pick rows by name prefix.
"""
import gc
import json
import sys
import time

import newbuffer

try:
    import clr  # noqa: F401  (makes System importable)
    from System import GC
    allocated = GC.GetAllocatedBytesForCurrentThread
    settle = GC.WaitForPendingFinalizers
except ImportError:
    allocated = settle = None

QUICK = '--quick' in sys.argv
PICK = [a for a in sys.argv[1:] if not a.startswith('--')]
N = 10000 if QUICK else 25000
ROUNDS = 5 if QUICK else 21

# One small exporter per export style, each answering with the same 32 bytes, so the rows differ
# only in the path a request takes.
payload = bytearray(b'x' * 32)


class Delegating(newbuffer.Buffer):
    def __buffer__(self, flags):
        return payload


class DelegatingMV(newbuffer.Buffer):
    def __init__(self):
        self.data = bytearray(b'x' * 32)

    def __buffer__(self, flags):
        return memoryview(self.data)


class GetBuffer(newbuffer.Buffer):
    def __getbuffer__(self, flags):
        return newbuffer.memoryview(payload)


class GetBufferKept(newbuffer.Buffer):
    """The cheap idiom: one memoryview, made once and returned by every request."""

    def __init__(self):
        self.view = newbuffer.memoryview(payload)

    def __getbuffer__(self, flags):
        return self.view


class Mixin(newbuffer.BufferMixin):
    def _get_buffer(self, view, flags):
        view.obj = self
        view.buf = payload
        view.len = 32
        view.itemsize = 1
        view.format = 'B' if flags & 4 else None
        view.ndim = 1
        view.shape = (32,) if flags & 8 else None
        view.strides = (1,) if flags & 0x18 == 0x18 else None


class Plain:
    """The reference rows' exporter stand-in: a method called as __buffer__ is, whose memoryview bytes() reads directly."""

    def __init__(self, make):
        self.data = bytearray(b'x' * 32)
        self.make = make

    def view(self):
        return self.make(self.data)


def loop_bytes_of_view(obj):
    def run():
        for _ in range(N):
            bytes(obj.view())
    return run


def loop_bytes(obj):
    def run():
        for _ in range(N):
            bytes(obj)
    return run


def cast_chain(m):
    def run():
        for _ in range(N):
            m.cast('B').cast('d')
    return run


def timed(fn):
    # The previous round's garbage is collected and finalized before the clock starts, so neither
    # side's finalizers run on the other side's time.
    gc.collect()
    if settle is not None:
        settle()
        gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def per_request_alloc(fn):
    if allocated is None:
        return None
    fn()
    before = allocated()
    fn()
    return (allocated() - before) / float(N)


def row(name, ours, base, goal):
    if PICK and not any(name.startswith(p) for p in PICK):
        return
    ours()
    base()
    t_ours = t_base = float('inf')
    for _ in range(ROUNDS):
        t_ours = min(t_ours, timed(ours))
        t_base = min(t_base, timed(base))
    print(json.dumps({'workload': name, 'ratio': t_ours / t_base, 'goal': goal,
                      'ours_ns': t_ours / N * 1e9, 'base_ns': t_base / N * 1e9,
                      'ours_alloc': per_request_alloc(ours), 'base_alloc': per_request_alloc(base),
                      'rounds': ROUNDS}))
    sys.stdout.flush()


bytes_base = loop_bytes(payload)
row('bytes(our 16-byte memoryview) / bytes(builtin memoryview)',
    loop_bytes(newbuffer.memoryview(bytearray(16))), loop_bytes(memoryview(bytearray(16))), 1.0)
row("m.cast('B').cast('d') ours / builtin",
    cast_chain(newbuffer.memoryview(bytearray(64))), cast_chain(memoryview(bytearray(64))), 0.8)
row('bytes(__buffer__ -> bytearray) / bytes(bytearray)', loop_bytes(Delegating()), bytes_base, 2.0)
row('bytes(__buffer__ -> memoryview(self.data)) / bytes(bytearray)', loop_bytes(DelegatingMV()), bytes_base, 3.0)
row('bytes(__getbuffer__ -> newbuffer.memoryview) / bytes(bytearray)', loop_bytes(GetBuffer()), bytes_base, 3.0)
row('bytes(BufferMixin) / bytes(bytearray)', loop_bytes(Mixin()), bytes_base, 3.0)
# What the two memoryview rows cost before the export protocol: a memoryview made and dropped per
# request. The first has no newbuffer code at all (IronPython's own memoryview).
row('reference: bytes(method() -> memoryview(self.data)) / bytes(bytearray)',
    loop_bytes_of_view(Plain(memoryview)), bytes_base, None)
row('reference: bytes(method() -> newbuffer.memoryview(self.data)) / bytes(bytearray)',
    loop_bytes_of_view(Plain(newbuffer.memoryview)), bytes_base, None)
row('reference: bytes(__getbuffer__ -> one kept newbuffer.memoryview) / bytes(bytearray)',
    loop_bytes(GetBufferKept()), bytes_base, None)
