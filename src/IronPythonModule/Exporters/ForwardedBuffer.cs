// IronPython's own answer, handed on to an IronPython consumer of a Python exporter whose get
// method returned an IronPython buffer or our memoryview (see ReturnedViewExporter): every field is IronPython's,
// but obj, which names the exporter the consumer asked. Dispose releases IronPython's answer and
// then hands the returned object to the release method, exactly once.
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using IronPython.Runtime;

namespace NewBuffer.IronPython.Exporters;

internal sealed class ForwardedBuffer : IPythonBuffer
{
    private readonly IPythonBuffer _answer;
    private readonly object _obj;
    private readonly ReturnedViewExporter _exporter;
    private readonly object? _returned;
    private int _disposed;

    public ForwardedBuffer(IPythonBuffer answer, object obj, ReturnedViewExporter exporter, object? returned)
    {
        _answer = answer;
        _obj = obj;
        _exporter = exporter;
        _returned = returned;
    }

    public object Object => _obj;

    public bool IsReadOnly => _answer.IsReadOnly;

    public int Offset => _answer.Offset;

    public string? Format => _answer.Format;

    public int ItemCount => _answer.ItemCount;

    public int ItemSize => _answer.ItemSize;

    public int NumOfDims => _answer.NumOfDims;

    public IReadOnlyList<int>? Shape => _answer.Shape;

    public IReadOnlyList<int>? Strides => _answer.Strides;

    public IReadOnlyList<int>? SubOffsets => _answer.SubOffsets;

    public ReadOnlySpan<byte> AsReadOnlySpan() => _answer.AsReadOnlySpan();

    public Span<byte> AsSpan() => _answer.AsSpan();

    public MemoryHandle Pin() => _answer.Pin();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _answer.Dispose();
        }
        finally
        {
            _exporter.GiveBack(_returned);
        }
    }
}
