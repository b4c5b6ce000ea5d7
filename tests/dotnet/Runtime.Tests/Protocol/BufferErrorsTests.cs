// The installed error factory decides what the core throws: a host's exceptions once installed,
// the core's own BufferException (InvalidViewException for a broken rule) otherwise.
using System;
using NewBuffer.Format;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Validation;
using NUnit.Framework;

namespace NewBuffer.Tests.Protocol;

[TestFixture]
[NonParallelizable]
public class BufferErrorsTests
{
    [TearDown]
    public void RestoreDefault() => BufferErrors.Factory = null!;

    [Test]
    public void Factory_Installed_CoreThrowsHostException()
    {
        BufferErrors.Factory = new HostFactory();

        var e = Assert.Throws<HostException>(() => StructFormat.Parse("Z"));

        Assert.That(e!.Kind, Is.EqualTo(BufferErrorKind.Struct));
        Assert.That(e.Message, Is.EqualTo("bad char in struct format"));
    }

    [Test]
    public void Factory_InstalledBrokenRule_HostExceptionOfTheRulesKind()
    {
        BufferErrors.Factory = new HostFactory();
        var view = BufferView.Create(null, new ManagedMemoryBlock(new byte[4]).At(0), 4, 1, true, 1, null, [5], [1], null);

        var e = Assert.Throws<HostException>(() => ViewVerifier.Verify(view, BufferFlags.FullRO, "memoryview"));

        Assert.That(e!.Kind, Is.EqualTo(BufferErrorKind.Value));
    }

    [Test]
    public void Factory_Default_ThrowsCoreExceptions()
    {
        Assert.That(BufferErrors.Factory, Is.SameAs(BufferErrors.Default));
        var view = BufferView.Create(null, new ManagedMemoryBlock(new byte[4]).At(0), 4, 1, true, 1, null, [5], [1], null);

        var e = Assert.Throws<InvalidViewException>(() => ViewVerifier.Verify(view, BufferFlags.FullRO, "memoryview"));

        Assert.That(e!.Rule, Is.EqualTo(ViewRule.LenMismatch));
    }

    private sealed class HostException(BufferErrorKind kind, string message) : Exception(message)
    {
        public BufferErrorKind Kind { get; } = kind;
    }

    private sealed class HostFactory : IBufferErrorFactory
    {
        public Exception Create(BufferErrorKind kind, string message) => new HostException(kind, message);
    }
}
