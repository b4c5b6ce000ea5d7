"""Delegating wrappers (PEP 688's __buffer__): one around a bytearray, one around an mmap.

Run: scripts/ipy examples/delegating_wrapper.py
"""
import mmap
import struct

import newbuffer


class Packet(newbuffer.Buffer):
    """A header + payload that exports its bytearray directly: no copy, writes go through."""

    def __init__(self, payload):
        self.data = bytearray(struct.pack('<HH', 0xCAFE, len(payload)) + payload)

    def __buffer__(self, flags):
        return self.data

    def __release_buffer__(self, view):
        print('  released', type(view).__name__)


class MappedFile(newbuffer.Buffer):
    """IronPython 3.4's mmap exports no buffer, so this wrapper copies in and writes back."""

    def __init__(self, size):
        self.map = mmap.mmap(-1, size)

    def __buffer__(self, flags):
        return bytearray(self.map[:])

    def __release_buffer__(self, copy):
        if not isinstance(copy, bytes):
            self.map[:] = bytes(copy)


p = Packet(b'hello')
print('header:', hex(struct.unpack_from('<H', p)[0]), 'length:', struct.unpack_from('<H', p, 2)[0])
with newbuffer.memoryview(p) as view:
    view[4:9] = b'HELLO'
print('payload after writing through a view:', bytes(p)[4:])

f = MappedFile(8)
struct.pack_into('<Q', f, 0, 2 ** 40 + 7)
print('mmap now holds:', struct.unpack('<Q', f.map[:])[0])
