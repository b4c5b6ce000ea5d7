# Stand-in for CPython's `test` package, which IronPython's standard library does not ship. Only
# `test.support` lives here: the few helpers CPython's test_buffer.py and test_memoryview.py import,
# written for this project (see support/__init__.py). The suites themselves are loaded from the
# CPython installation.
