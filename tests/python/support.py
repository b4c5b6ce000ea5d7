"""Helpers shared by the Python tests: exporters that record what happens to them. Counting,
collecting and telling a .NET exception from a Python one are newbuffer.testing's (public) work."""
import struct
import sys
import io

from newbuffer import testing

# Run the garbage collector until finalizers have run (IronPython releases dropped views there).
collect = testing.collect

# Gets and releases of one exporter, counted under a lock (IronPython has no GIL).
Counter = testing.Ledger


class Recorder:
    """Counts gets and releases and remembers the flags each request carried."""

    def __init__(self):
        self.flags = []
        self.released = []

    @property
    def gets(self):
        return len(self.flags)

    @property
    def releases(self):
        return len(self.released)


def int_matrix(rows, cols, fmt='i'):
    """A bytearray holding rows x cols native ints 0, 1, 2, ..."""
    return bytearray(struct.pack('%d%s' % (rows * cols, fmt), *range(rows * cols)))


class captured_stderr:
    """Context manager capturing sys.stderr (unraisable reports land there)."""

    def __enter__(self):
        self.old = sys.stderr
        sys.stderr = self.stream = io.StringIO()
        return self.stream

    def __exit__(self, *exc):
        sys.stderr = self.old
        return False


def leaked_from_newbuffer(error):
    """The .NET exception type behind a Python exception if newbuffer's code let it escape, else None."""
    return testing.leaked_dotnet_exception(error, ['NewBuffer'])
