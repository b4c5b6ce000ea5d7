"""The parts of CPython's test.support that test_buffer.py and test_memoryview.py use, under IronPython.

Each helper behaves as CPython's does outside regrtest: a shim supplies what is missing and never
skips or weakens an assertion. Resources follow CPython's rule (every resource is enabled unless
`use_resources` lists the enabled ones, as regrtest's -u does); scripts/conformance sets it.
"""
import gc
import struct
import sys
import unittest

# None: not under regrtest, every resource enabled (CPython's default for a plain unittest run).
use_resources = None


def is_resource_enabled(resource):
    return use_resources is None or resource in use_resources


def requires_resource(resource):
    if is_resource_enabled(resource):
        return lambda f: f
    return unittest.skip("resource {0!r} is not enabled".format(resource))


def check_impl_detail(**guards):
    """CPython's rule: with no guards, true on CPython; otherwise the guard for this implementation."""
    if not guards:
        guards = {'cpython': True}
    name = sys.implementation.name
    return guards.get(name, not any(guards.values()))


def cpython_only(test):
    """Skips the test unless it runs on CPython (CPython's impl_detail(cpython=True))."""
    if check_impl_detail(cpython=True):
        return test
    return unittest.skip("implementation detail specific to cpython")(test)


def gc_collect():
    """CPython's: collect until unreachable objects with finalizers are gone (three passes)."""
    gc.collect()
    gc.collect()
    gc.collect()


# Object layouts as CPython's test.support computes them (a PyObject header is 'nP').
_header = 'nP'
_align = '0n'
_vheader = _header + 'n'


def calcobjsize(fmt):
    return struct.calcsize(_header + fmt + _align)


def calcvobjsize(fmt):
    return struct.calcsize(_vheader + fmt + _align)


def check_sizeof(test, o, size):
    """CPython's check: sys.getsizeof(o) is size plus the GC header of a GC-tracked object.

    Like CPython's, it needs _testinternalcapi for the GC header size and skips the test without it.
    """
    try:
        import _testinternalcapi
    except ImportError:
        raise unittest.SkipTest("_testinternalcapi required")
    result = sys.getsizeof(o)
    if type(o) == type and o.__flags__ & (1 << 9) or type(o) != type and type(o).__flags__ & (1 << 14):
        size += _testinternalcapi.SIZEOF_PYGC_HEAD
    msg = 'wrong size for %s: got %d, expected %d' % (type(o), result, size)
    test.assertEqual(result, size, msg)


# Before 3.10 the guard lived here rather than in os_helper.
from .os_helper import EnvironmentVarGuard  # noqa: E402


def suppress_immortalization(suppress=True):
    """CPython 3.13's decorator/context manager; IronPython has no immortal objects, so it does nothing."""
    return _NullContext()


class _NullContext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False

    def __call__(self, func):
        return func
