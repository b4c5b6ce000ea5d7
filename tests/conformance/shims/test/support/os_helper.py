"""CPython's test.support.os_helper.EnvironmentVarGuard: os.environ changes undone on exit."""
import collections.abc
import os


class EnvironmentVarGuard(collections.abc.MutableMapping):
    """Stands in for os.environ inside a with block and restores every variable it changed."""

    def __init__(self):
        self._environ = os.environ
        self._changed = {}

    def __getitem__(self, name):
        return self._environ[name]

    def __setitem__(self, name, value):
        self._changed.setdefault(name, self._environ.get(name))
        self._environ[name] = value

    def __delitem__(self, name):
        self._changed.setdefault(name, self._environ.get(name))
        if name in self._environ:
            del self._environ[name]

    def __iter__(self):
        return iter(self._environ)

    def __len__(self):
        return len(self._environ)

    def set(self, name, value):
        self[name] = value

    def unset(self, name):
        del self[name]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for name, value in self._changed.items():
            if value is None:
                self._environ.pop(name, None)
            else:
                self._environ[name] = value
        os.environ = self._environ
        return False
