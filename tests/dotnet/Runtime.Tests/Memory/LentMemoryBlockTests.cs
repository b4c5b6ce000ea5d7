// LentMemoryBlock reads its lender's span on every access and pins only when an address is needed,
// once, until the lender takes the pin back at release.
using System;
using System.Buffers;
using NewBuffer.Memory;
using NUnit.Framework;

namespace NewBuffer.Tests.Memory;

[TestFixture]
public class LentMemoryBlockTests
{
    private sealed class Lender(byte[] data) : IMemoryLender
    {
        public int Pins { get; private set; }

        public Span<byte> GetSpan() => data.AsSpan(2);

        public MemoryHandle Pin()
        {
            Pins++;
            return data.AsMemory().Pin();
        }
    }

    [Test]
    public void Span_ReadsAndWritesTheLentMemory_WithoutPinning()
    {
        byte[] data = [0, 1, 2, 3, 4, 5];
        var lender = new Lender(data);
        var block = new LentMemoryBlock(lender, 3);

        block.GetSpan(0, 3)[0] = 9;

        Assert.That((data[2], block.Length, block.GetSpan(1, 2).Length, lender.Pins, block.IsPinned), Is.EqualTo(((byte)9, 3L, 2, 0, false)));
    }

    [Test]
    public unsafe void Address_PinsOnceAndPointsAtTheSpansFirstByte()
    {
        byte[] data = [0, 1, 2, 3, 4, 5];
        var lender = new Lender(data);
        var block = new LentMemoryBlock(lender, 4);

        using MemoryHandle second = block.Pin(1);
        long address = block.Address;

        Assert.That(lender.Pins, Is.EqualTo(1));
        Assert.That(*(byte*)address, Is.EqualTo(2));
        Assert.That(*(byte*)second.Pointer, Is.EqualTo(3));
        block.TakePin().Dispose();
        Assert.That(block.TakePin().Pointer == null, Is.True, "the pin is handed back once");
    }
}
