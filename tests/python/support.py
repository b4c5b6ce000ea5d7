"""Helpers shared by the Python tests: exporters that record what happens to them."""
import gc
import struct
import sys
import io
import threading

import newbuffer


def collect():
    """Run the garbage collector until finalizers have run (IronPython releases dropped views there)."""
    for _ in range(3):
        gc.collect()


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


class Counter:
    """Gets and releases of one exporter, counted under a lock (IronPython has no GIL)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.gets = self.releases = 0
        self.released_tokens = set()
        self.double_releases = 0

    def got(self):
        with self.lock:
            self.gets += 1
            return self.gets

    def released(self, token=None):
        with self.lock:
            self.releases += 1
            if token is not None:
                if token in self.released_tokens:
                    self.double_releases += 1
                self.released_tokens.add(token)

    @property
    def balanced(self):
        with self.lock:
            return self.gets == self.releases and self.double_releases == 0


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
    """The .NET exception type behind a Python exception if newbuffer let it escape, else None.

    IronPython maps .NET exceptions to Python ones (IndexOutOfRangeException -> IndexError) and
    raises some Python errors as those same .NET types, so the type alone cannot tell a refusal
    from a leak. The throw site and message can: a leak is thrown by the .NET libraries on behalf
    of newbuffer's code, or by the runtime inside newbuffer's code with the type's stock message
    ("Index was outside the bounds of the array."); newbuffer's own raises carry CPython's words.
    """
    import System
    exception = getattr(error, 'clsException', None)
    if exception is None or exception.GetType().Namespace.startswith('IronPython'):
        return None
    inside_libraries = False
    for frame in System.Diagnostics.StackTrace(exception, False).GetFrames() or []:
        method = frame.GetMethod()
        owner = method.DeclaringType if method is not None else None
        assembly = owner.Assembly.GetName().Name if owner is not None else ''
        if assembly.startswith('System') or assembly in ('mscorlib', 'netstandard'):
            inside_libraries = True
            continue
        if not assembly.startswith('NewBuffer'):
            return None
        if inside_libraries or exception.Message == _stock_message(exception.GetType()):
            return exception.GetType().FullName
        return None
    return None


def _stock_message(exception_type):
    import System
    try:
        return System.Activator.CreateInstance(exception_type).Message
    except Exception:
        return None
