"""Testing a buffer consumer with newbuffer.testing: a correct consumer passes every case of the
catalogue, the valid views and a batch of hostile views; three broken ones are caught, each with the
cases it gets wrong. RecordingExporter then shows the requests a consumer makes, and how it copes
with an exporter that fails on the second request.

Run: scripts/ipy examples/testing_consumer.py
"""
import newbuffer
from newbuffer import testing


def copy_out(obj):
    """The consumer under test: the bytes of any buffer, in C order."""
    with newbuffer.memoryview(obj) as m:
        return m.tobytes()


def forgiving_copy(obj):
    """Broken: an invalid view reads as no bytes at all."""
    try:
        return copy_out(obj)
    except Exception:
        return b''


kept = []


def caching_copy(obj):
    """Broken: keeps every view it took, so no export is ever given back."""
    m = newbuffer.memoryview(obj)
    kept.append(m)
    return m.tobytes()


def first_row(obj):
    """Broken for this job: copies one row, as if every view had a single one."""
    with newbuffer.memoryview(obj) as m:
        return m[0].tobytes() if m.ndim > 1 and m.shape[0] else m.tobytes()


def summary(name, report):
    problems = sorted({f.problem for f in report.failures})
    print('%-15s %3d cases, %3d failed %s' % (name, report.cases, len(report.failed()), ', '.join(problems)))
    for line in str(report).splitlines()[2:4]:
        print('    ' + line[:110])


catalogue = testing.invalid_views()
valid = testing.valid_views()
print('%d kinds of invalid view, %d cases; %d valid cases' % (len({c.kind for c in catalogue}), len(catalogue), len(valid)))

good = testing.check_consumer(copy_out, catalogue + valid)
summary('copy_out', good)
assert good.ok, good
hostile = testing.check_consumer(copy_out, testing.hostile_views(seed=2024, count=50))
summary('copy_out', hostile)
assert hostile.ok, hostile

forgiving = testing.check_consumer(forgiving_copy, catalogue)
summary('forgiving_copy', forgiving)
assert forgiving.failed() == forgiving.failed('accepted') and 'ndim 65 [BufferMixin]' in forgiving.failed()

caching = testing.check_consumer(caching_copy, valid)
summary('caching_copy', caching)
assert caching.failed('not-released') == [c.name for c in valid]
for m in kept:
    m.release()

rows = testing.check_consumer(first_row, valid)
summary('first_row', rows)
assert 'Fortran order [__buffer__]' in rows.failed('wrong-bytes')

# What a consumer asks for, and what it does when the exporter fails halfway through a job.
recorder = testing.RecordingExporter(bytearray(range(16)), fail_get=2)
copy_out(recorder)
try:
    copy_out(recorder)
except BufferError as e:
    print('second request:', e)
print('flags of each request: %s; %d gets, %d releases' % (recorder.flags, recorder.gets, recorder.releases))
assert recorder.flags == [newbuffer.PyBUF_FULL_RO] * 2 and recorder.ledger.balanced
