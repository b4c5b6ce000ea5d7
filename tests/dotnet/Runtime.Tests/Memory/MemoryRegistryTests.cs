using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NUnit.Framework;

namespace NewBuffer.Tests.Memory;

[TestFixture]
public class MemoryRegistryTests
{
    [Test]
    public void Resolve_AddressInsideManagedBlock_GivesBlockAndOffset()
    {
        var block = new ManagedMemoryBlock(new byte[16]);

        BufferPointer p = MemoryRegistry.Resolve(block.Address + 5, 11);

        Assert.That(p.Block, Is.SameAs(block));
        Assert.That(p.Offset, Is.EqualTo(5));
    }

    [Test]
    public unsafe void Address_ManagedBlock_IsTheRealPinnedAddress()
    {
        byte[] array = [1, 2, 3, 4];
        var block = new ManagedMemoryBlock(array);

        long address = block.Address;
        GC.Collect();

        Assert.That(*(byte*)(address + 2), Is.EqualTo(3), "the memory stays pinned");
        fixed (byte* p = array)
        {
            Assert.That((long)p, Is.EqualTo(address));
        }
    }

    [Test]
    public void Resolve_RangeRunningPastTheEnd_ThrowsValueError()
    {
        var block = new ManagedMemoryBlock(new byte[16]);

        var e = Assert.Throws<BufferException>(() => MemoryRegistry.Resolve(block.Address + 10, 7));

        Assert.That(e!.Kind, Is.EqualTo(BufferErrorKind.Value));
        Assert.That(e.Message, Does.Contain("is not inside any memory the runtime knows"));
    }

    [Test]
    public void Resolve_NativeBlock_UsesItsRealAddress()
    {
        nint memory = Marshal.AllocHGlobal(32);
        try
        {
            var block = new NativeMemoryBlock(memory, 32, owner: null);
            Assert.That(block.Address, Is.EqualTo((long)memory));
            Assert.That(MemoryRegistry.Resolve(memory + 8, 8).Block, Is.SameAs(block));
        }
        finally
        {
            Marshal.FreeHGlobal(memory);
        }
    }

    [Test]
    public void Dereference_StoredPointer_ResolvesTarget()
    {
        var target = new ManagedMemoryBlock(new byte[4]);
        var holder = new ManagedMemoryBlock(new byte[MemoryRegistry.PointerSize + 2]);
        MemoryRegistry.WritePointer(holder.At(2), target.At(3));

        BufferPointer p = MemoryRegistry.Dereference(holder.At(2));

        Assert.That(p, Is.EqualTo(target.At(3)));
    }

    [TestCase(0L, "buffer: suboffset pointer is NULL")]
    [TestCase(0x1234L, "buffer: suboffset pointer 0x1234 does not point into memory the runtime knows")]
    public void Dereference_BadPointer_ThrowsValueErrorNamingIt(long address, string message)
    {
        var holder = new ManagedMemoryBlock(BitConverter.GetBytes(address));

        var e = Assert.Throws<BufferException>(() => MemoryRegistry.Dereference(holder.At(0)));

        Assert.That(e!.Kind, Is.EqualTo(BufferErrorKind.Value));
        Assert.That(e.Message, Is.EqualTo(message));
    }

    [Test]
    public void Dereference_PointerStraddlingBlockEnd_ThrowsValueError()
    {
        var holder = new ManagedMemoryBlock(new byte[MemoryRegistry.PointerSize]);
        var e = Assert.Throws<BufferException>(() => MemoryRegistry.Dereference(holder.At(1)));
        Assert.That(e!.Message, Does.Contain("outside the exporter's memory"));
    }

    [Test]
    public void TryDereference_NullPointer_ReportsWithoutThrowing()
    {
        var holder = new ManagedMemoryBlock(new byte[MemoryRegistry.PointerSize]);

        bool followed = MemoryRegistry.TryDereference(holder.At(0), out _, out string? error);

        Assert.That(followed, Is.False);
        Assert.That(error, Is.EqualTo("suboffset pointer is NULL"));
    }

    [Test]
    public void TryResolve_CollectedBlock_IsForgotten()
    {
        long address = RegisterAndDrop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.That(MemoryRegistry.TryResolve(address, 1, out _), Is.False);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long RegisterAndDrop() => new ManagedMemoryBlock(new byte[64]).Address;
}
