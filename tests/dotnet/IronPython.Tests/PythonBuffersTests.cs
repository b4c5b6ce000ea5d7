// The C# API between .NET memory and Python (NewBuffer.IronPython.PythonBuffers): a host hands an
// array to Python in one call, and reads Python exporters of every style as spans or item by item.
using System;
using System.IO;
using IronPython.Runtime.Exceptions;
using Microsoft.Scripting.Hosting;
using NewBuffer.Clr;
using BufferFlags = NewBuffer.Protocol.BufferFlags;
using NUnit.Framework;

namespace NewBuffer.IronPython.Tests;

[TestFixture]
public class PythonBuffersTests
{
    private const string Exporters = """
        import newbuffer, array

        class Mixin(newbuffer.BufferMixin):
            def __init__(self):
                self.data = bytearray(array.array('d', [1.5, 2.5, 3.5, 4.5]).tobytes())
                self.releases = 0
            def _get_buffer(self, view, flags):
                # Every other double, backwards: a strided view no span can cover.
                view.obj = self
                view.buf = newbuffer.register_memory(self.data)
                view.buf += 24
                view.len = 16
                view.readonly = False
                view.itemsize = 8
                view.format = 'd'
                view.ndim = 1
                view.shape = (2,)
                view.strides = (-16,)
            def _release_buffer(self, view):
                self.releases += 1

        class Delegating:
            def __init__(self):
                self.data = array.array('i', [7, 8, 9])
            def __buffer__(self, flags):
                return memoryview(self.data)

        class Lying(newbuffer.BufferMixin):
            def _get_buffer(self, view, flags):
                view.obj = self
                view.buf = newbuffer.register_memory(b'abcd')
                view.len = 5
                view.itemsize = 1
                view.ndim = 1
        """;

    private ScriptEngine _engine = null!;
    private ScriptScope _scope = null!;

    [SetUp]
    public void SetUp()
    {
        _engine = PythonEngines.Create(new StringWriter());
        _scope = _engine.CreateScope();
        _engine.Execute(Exporters, _scope);
    }

    [Test]
    public void MemoryView_OfADoubleArray_PythonReadsAndWritesIt()
    {
        double[] data = [1.0, 2.0, 3.0];
        _scope.SetVariable("m", PythonBuffers.MemoryView(data));

        _engine.Execute("assert (m.format, m.tolist()) == ('d', [1.0, 2.0, 3.0]); m[2] = 9.5; assert bytes(m[:1]) == b'\\0' * 6 + b'\\xf0?'", _scope);

        Assert.That(data[2], Is.EqualTo(9.5));
    }

    [Test]
    public void Acquire_StridedMixinView_ReadItemByItem_ReleasedOnceOnDispose()
    {
        dynamic mixin = _engine.Execute("Mixin()", _scope);
        using (BufferLease lease = PythonBuffers.Acquire((object)mixin))
        {
            Assert.That((lease.Read<double>(0), lease.Read<double>(1)), Is.EqualTo((4.5, 2.5)));
            Assert.Throws<IndexOutOfRangeException>(() => lease.Read<double>(2));
            Assert.That(Assert.Throws<global::IronPython.Runtime.Exceptions.BufferException>(() => lease.AsReadOnlySpan<double>())!.Message, Does.StartWith("buffer: a span needs a C-contiguous view"));
        }

        Assert.That((int)mixin.releases, Is.EqualTo(1));
    }

    [Test]
    public void Acquire_DelegatingExporter_AsASpan_WritesLandInPythonsArray()
    {
        object exporter = _engine.Execute("Delegating()", _scope);
        using (BufferLease lease = PythonBuffers.Acquire(exporter, BufferFlags.Full))
        {
            Span<int> items = lease.AsSpan<int>();
            Assert.That(items.ToArray(), Is.EqualTo(new[] { 7, 8, 9 }));
            items[0] = -7;
        }

        _scope.SetVariable("x", exporter);
        Assert.That(_engine.Execute<int>("x.data[0]", _scope), Is.EqualTo(-7));
    }

    [Test]
    public void Acquire_InvalidView_PythonsValueError()
    {
        object lying = _engine.Execute("Lying()", _scope);

        var error = Assert.Throws<ValueErrorException>(() => PythonBuffers.Acquire(lying));

        Assert.That(error!.Message, Is.EqualTo("buffer: the view reaches bytes 0 to 5 of a memory block of 4 bytes"));
    }

    [Test]
    public void MemoryView_InARuntimeThatNeverImportedNewbuffer_GenericAliasIsATypeError()
    {
        ScriptEngine engine = PythonEngines.Create(new StringWriter());
        ScriptScope scope = engine.CreateScope();
        scope.SetVariable("m", PythonBuffers.MemoryView(new byte[2]));

        Assert.That(engine.Execute<string>("m.tolist() and type(m).__name__", scope), Is.EqualTo("memoryview"));
        var error = Assert.Throws<TypeErrorException>(() => engine.Execute("type(m).__class_getitem__(int)", scope));
        Assert.That(error!.Message, Is.EqualTo("memoryview[...] needs newbuffer imported in this runtime"));
    }

    [Test]
    public void Acquire_NoBuffer_PythonsTypeError()
    {
        var error = Assert.Throws<TypeErrorException>(() => PythonBuffers.Acquire(new object()));
        Assert.That(error!.Message, Is.EqualTo("a bytes-like object is required, not 'object'"));
    }
}
