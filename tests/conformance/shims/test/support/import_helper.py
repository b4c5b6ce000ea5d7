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
