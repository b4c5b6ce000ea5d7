using NewBuffer.Protocol;
using NUnit.Framework;

namespace NewBuffer.Tests.Protocol;

[TestFixture]
public class BufferFlagsTests
{
    // Values from CPython's Include/pybuffer.h (see shared/REFERENCE.md).
    [TestCase(BufferFlags.Simple, 0)]
    [TestCase(BufferFlags.Writable, 0x1)]
    [TestCase(BufferFlags.Format, 0x4)]
    [TestCase(BufferFlags.ND, 0x8)]
    [TestCase(BufferFlags.Strides, 0x18)]
    [TestCase(BufferFlags.CContiguous, 0x38)]
    [TestCase(BufferFlags.FContiguous, 0x58)]
    [TestCase(BufferFlags.AnyContiguous, 0x98)]
    [TestCase(BufferFlags.Indirect, 0x118)]
    [TestCase(BufferFlags.Contig, 0x9)]
    [TestCase(BufferFlags.ContigRO, 0x8)]
    [TestCase(BufferFlags.Strided, 0x19)]
    [TestCase(BufferFlags.StridedRO, 0x18)]
    [TestCase(BufferFlags.Records, 0x1d)]
    [TestCase(BufferFlags.RecordsRO, 0x1c)]
    [TestCase(BufferFlags.Full, 0x11d)]
    [TestCase(BufferFlags.FullRO, 284)]
    [TestCase(BufferFlags.Read, 0x100)]
    [TestCase(BufferFlags.Write, 0x200)]
    public void Value_MatchesCPython(BufferFlags flags, int value) => Assert.That((int)flags, Is.EqualTo(value));

    [Test]
    public void Wants_CompositeNeedsAllItsBits()
    {
        Assert.That(BufferFlags.Read.WantsIndirect(), Is.False, "0x100 alone is not INDIRECT");
        Assert.That(BufferFlags.FullRO.WantsIndirect(), Is.True);
        Assert.That(((BufferFlags)0x10).WantsStrides(), Is.False, "0x10 without ND");
        Assert.That(BufferFlags.CContiguous.WantsStrides() && BufferFlags.CContiguous.WantsShape(), Is.True);
        Assert.That(BufferFlags.AnyContiguous.WantsCContiguous(), Is.False);
        Assert.That(BufferFlags.Records.WantsWritable() && BufferFlags.Records.WantsFormat(), Is.True);
        Assert.That(BufferFlags.StridedRO.WantsFormat(), Is.False);
    }
}
