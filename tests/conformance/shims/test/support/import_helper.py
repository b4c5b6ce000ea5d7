"""CPython's test.support.import_helper.import_module: a missing module skips the test."""
import importlib
import unittest


def import_module(name, deprecated=False, *, required_on=()):
    """Imports and returns the module `name`; raises unittest.SkipTest when it cannot be imported.

    As CPython's does outside regrtest, except that `deprecated` (which silences
    DeprecationWarning during the import) and `required_on` (platforms where a missing module is
    an error) are accepted and not acted on: IronPython has no platform where they apply.
    """
    try:
        return importlib.import_module(name)
    except ImportError as e:
        raise unittest.SkipTest(str(e))


def import_fresh_module(name, fresh=(), blocked=(), deprecated=False):
    """A new instance of module `name` (CPython's: removed from sys.modules, imported, then restored).

    Returns None when it cannot be imported, as CPython's does.
    """
    import sys
    names = (name,) + tuple(fresh)
    saved = {n: sys.modules.pop(n) for n in names if n in sys.modules}
    try:
        for n in blocked:
            sys.modules[n] = None
        try:
            return importlib.import_module(name)
        except ImportError:
            return None
    finally:
        for n in names + tuple(blocked):
            sys.modules.pop(n, None)
        sys.modules.update(saved)
