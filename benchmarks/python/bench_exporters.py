"""The small exporters the request benchmarks time, one per export style, shared by
request_bench.py and memoryview_bench.py (IronPython with newbuffer only). Each answers with the
same 32 bytes, so the rows differ only in the path a request takes."""
import newbuffer

payload = bytearray(b'x' * 32)


class Delegating(newbuffer.Buffer):
    def __buffer__(self, flags):
        return payload


class DelegatingMV(newbuffer.Buffer):
    def __init__(self):
        self.data = bytearray(b'x' * 32)

    def __buffer__(self, flags):
        return memoryview(self.data)


class GetBuffer(newbuffer.Buffer):
    def __getbuffer__(self, flags):
        return newbuffer.memoryview(payload)


class Mixin(newbuffer.BufferMixin):
    def _get_buffer(self, view, flags):
        view.obj = self
        view.buf = payload
        view.len = 32
        view.itemsize = 1
        view.format = 'B' if flags & 4 else None
        view.ndim = 1
        view.shape = (32,) if flags & 8 else None
        view.strides = (1,) if flags & 0x18 == 0x18 else None
