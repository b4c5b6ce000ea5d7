using NewBuffer.Memory;
using NewBuffer.Protocol;
using NUnit.Framework;

namespace NewBuffer.Tests.Memory;

[TestFixture]
public class BufferPointerTests
{
    [Test]
    public void Slice_InsideBlock_GivesThoseBytes()
    {
        var block = new ManagedMemoryBlock(new byte[] { 1, 2, 3, 4 });
        Assert.That(block.At(1).Slice(2).ToArray(), Is.EqualTo(new byte[] { 2, 3 }));
    }

    [TestCase(-1L, 1L)]
    [TestCase(3L, 2L)]
    [TestCase(4L, 1L)]
    public void Slice_OutsideBlock_ThrowsValueError(long offset, long count)
    {
        var block = new ManagedMemoryBlock(new byte[4]);
        var e = Assert.Throws<BufferException>(() => block.At(offset).Slice(count));
        Assert.That(e!.Message, Is.EqualTo($"buffer: {count} bytes at offset {offset} lie outside the exporter's memory of 4 bytes"));
    }

    [Test]
    public void Slice_NullPointer_ThrowsValueError()
    {
        var e = Assert.Throws<BufferException>(() => default(BufferPointer).Slice(1));
        Assert.That(e!.Message, Is.EqualTo("buffer: access through a NULL pointer"));
    }

    [Test]
    public void Add_MovesOutsideWithoutFailing_AndBackIn()
    {
        var block = new ManagedMemoryBlock(new byte[] { 7, 8 });
        BufferPointer p = block.At(0).Add(-10).Add(11);
        Assert.That(p.Slice(1)[0], Is.EqualTo(8));
    }

    [Test]
    public void Address_IsBlockAddressPlusOffset()
    {
        var block = new ManagedMemoryBlock(new byte[4]);
        Assert.That(block.At(3).Address, Is.EqualTo(block.Address + 3));
        Assert.That(default(BufferPointer).Address, Is.Zero);
    }
}
