"""pygame.newbuffer on IronPython: the names pygame's buffer tests import, from newbuffer."""
from newbuffer import *  # noqa: F401,F403 - the PyBUF_* constants
from newbuffer import BufferMixin, Py_buffer  # noqa: F401
