"""CPython's test.support.warnings_helper.ignore_warnings."""
import functools
import warnings


def ignore_warnings(*, category):
    """Decorator: run the test with warnings of `category` ignored."""
    def decorator(test):
        @functools.wraps(test)
        def wrapper(self, *args, **kwargs):
            with warnings.catch_warnings():
                warnings.simplefilter('ignore', category=category)
                return test(self, *args, **kwargs)
        return wrapper
    return decorator
