"""Identical memoryview workloads for newbuffer.memoryview and the interpreter's builtin memoryview.

Run under IronPython (scripts/ipy benchmarks/python/memoryview_bench.py) to compare ours with
IronPython's builtin, or under CPython for the external anchor (the builtin only). Prints one JSON
object per line: {"workload", "impl", "median_s", "runs"}. Medians of several runs, the
implementations taking turns; each run does the whole workload once. Nothing here asserts a time:
scripts/bench turns the numbers into ratios.
"""
import gc
import json
import struct
import sys
import time

try:
    import newbuffer
except ImportError:
    newbuffer = None

QUICK = '--quick' in sys.argv
SCALE = 16 if QUICK else 1
RUNS = 3 if QUICK else 5
IMPLS = [('builtin', memoryview)] + ([('newbuffer', newbuffer.memoryview)] if newbuffer else [])


def medians(fns, runs=RUNS):
    """The median time of each of fns ({impl: fn}). The implementations take turns, run after run,
    so a slow spell of the machine falls on both sides of a ratio instead of on whichever ran during
    it; each run starts from a collected heap, so no run pays for collecting the garbage of the runs
    before it (64 MiB results make that the larger part of a run, on either side)."""
    times = dict((impl, []) for impl in fns)
    for _ in range(runs):
        for impl, fn in fns.items():
            gc.collect()
            start = time.perf_counter()
            fn()
            times[impl].append(time.perf_counter() - start)
    return dict((impl, sorted(t)[len(t) // 2]) for impl, t in times.items())


def report_all(workload, fns):
    for impl, seconds in sorted(medians(fns).items()):
        report(workload, impl, seconds)


def report(workload, impl, seconds, runs=RUNS):
    print(json.dumps({'workload': workload, 'impl': impl, 'median_s': seconds, 'runs': runs}))
    sys.stdout.flush()


MiB = 1 << 20
big = bytearray(64 * MiB // SCALE)
floats = bytearray(struct.pack('d', 1.5) * (1000000 // SCALE))
bytes4m = bytearray(4000000 // SCALE)
small = bytearray(1000000 // SCALE)
hexdata = bytearray(range(256)) * (MiB // 256 // SCALE)
ints = bytearray(struct.pack('i', 7) * (1000000 // SCALE))
doubles_same = bytearray(struct.pack('d', 7.0) * (1000000 // SCALE))
matrix = bytearray(struct.pack('d', 2.0) * (1024 * 1024 // SCALE))

workloads = [
    ('tobytes 64 MiB contiguous', lambda mv: (lambda m=mv(big): lambda: m.tobytes())()),
    ('tolist 1M float64', lambda mv: (lambda m=mv(floats).cast('d'): lambda: m.tolist())()),
    ('tolist 4M bytes', lambda mv: (lambda m=mv(bytes4m): lambda: m.tolist())()),
    ('tolist 2-D 1024x1024 float64', lambda mv: (lambda m=mv(matrix).cast('d', [1024 // SCALE, 1024]): lambda: m.tolist())()),
    ('index loop 1M bytes', lambda mv: (lambda m=mv(small): lambda: [m[i] for i in range(len(m))])()),
    ('m[::3].tobytes() 64 MiB', lambda mv: (lambda m=mv(big): lambda: m[::3].tobytes())()),
    ('== across formats 1M (i vs d)', lambda mv: (lambda a=mv(ints).cast('i'), b=mv(doubles_same).cast('d'): lambda: a == b)()),
    ('hex() 1 MiB', lambda mv: (lambda m=mv(hexdata): lambda: m.hex())()),
    ('100k cast() chains', lambda mv: (lambda m=mv(bytearray(64)): lambda: [m.cast('i').cast('B', [8, 8]).cast('B') for _ in range(100000 // SCALE)])()),
]

for name, make in workloads:
    fns = {}
    for impl, mv in IMPLS:
        try:
            fn = make(mv)
            fn()
            fns[impl] = fn
        except Exception as e:
            print(json.dumps({'workload': name, 'impl': impl, 'error': '%s: %s' % (type(e).__name__, e)}))
    report_all(name, fns)

# Beyond the builtin: a transposed 2048x2048 float64 view (Fortran strides) copied out in C order,
# and the allocation of 1000 casts of a 64 MiB view (slicing and casting never copy data). No
# builtin memoryview can transpose, so its baseline is the plain copy of the same bytes untransposed.
n = 2048 // (4 if QUICK else 1)
grid = bytearray(struct.pack('d', 3.0) * (n * n))
transposed = "tobytes('C') transposed %dx%d float64 (builtin: the same bytes untransposed)" % (n, n)
copies = {'builtin': lambda: memoryview(grid).tobytes()}
if newbuffer:

    class Transposed(newbuffer.BufferMixin):
        def _get_buffer(self, view, flags):
            view.obj = self
            view.buf = grid
            view.len = len(grid)
            view.itemsize = 8
            view.format = 'd'
            view.ndim = 2
            view.shape = (n, n)
            view.strides = (8, 8 * n)

    t = newbuffer.memoryview(Transposed())
    copies['newbuffer'] = lambda: t.tobytes('C')
report_all(transposed, copies)
if newbuffer:
    try:
        import clr
        from System import GC
        m = newbuffer.memoryview(big)
        before = GC.GetAllocatedBytesForCurrentThread()
        for _ in range(1000):
            m.cast('B').cast('d')
        allocated = GC.GetAllocatedBytesForCurrentThread() - before
        print(json.dumps({'workload': '1000 cast chains of a %d MiB view' % (len(big) // MiB), 'impl': 'newbuffer', 'allocated_bytes': int(allocated)}))
    except ImportError:
        pass

# .NET memory read zero-copy: a 1M-element double[] through newbuffer.memoryview against the same
# doubles in a bytearray cast to 'd' (the baseline), with tolist() and tobytes().
if newbuffer:
    try:
        import clr
        from System import Array, Double
    except ImportError:
        Array = None
    if Array is not None:
        count = 1000000 // SCALE
        dotnet = Array.CreateInstance(Double, count)
        same = bytearray(struct.pack('d', 0.0) * count)
        views = {'double[]': newbuffer.memoryview(dotnet), 'bytearray': newbuffer.memoryview(same).cast('d')}
        report_all('.NET tolist() 1M float64', dict((label, m.tolist) for label, m in views.items()))
        report_all('.NET tobytes() 1M float64', dict((label, m.tobytes) for label, m in views.items()))
