// An exporter for tests: answers with whatever view a callback builds and counts gets and releases.
using System;
using NewBuffer.Protocol;
using NUnit.Framework;

namespace NewBuffer.Tests.Support;

internal sealed class TestExporter : IBufferExporter
{
    private readonly Action<BufferView, BufferFlags> _fill;

    public TestExporter(Action<BufferView, BufferFlags> fill) => _fill = fill;

    public int Gets { get; private set; }

    public int Releases { get; private set; }

    public void GetBuffer(BufferView view, BufferFlags flags)
    {
        _fill(view, flags);
        view.Obj = this;
        Gets++;
    }

    public void ReleaseBuffer(BufferView view)
    {
        Assert.That(view.Obj, Is.SameAs(this), "obj is still set during release");
        Releases++;
    }
}
