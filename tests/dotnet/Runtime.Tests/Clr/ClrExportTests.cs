using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using NewBuffer.Clr;
using NewBuffer.Format;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Validation;
using NUnit.Framework;

namespace NewBuffer.Tests.Clr;

[TestFixture]
public class ClrExportTests
{
    [Test]
    public void ElementFormats_EveryRow_SizedAsTheCodecSizesItsFormat()
    {
        foreach ((Type type, string format, int size) in ClrElementFormats.All)
        {
            Assert.That(StructFormat.Parse(format).Size, Is.EqualTo(size), type.Name);
            Assert.That(size, Is.EqualTo(Buffer.ByteLength(Array.CreateInstance(type == typeof(Half) ? typeof(short) : type, 1))), type.Name);
        }
    }

    [Test]
    public void Array_OneDimension_FormatShapeAndValues()
    {
        double[] data = [1.5, -2.0, 3.25];
        using BufferLease lease = BufferLease.Acquire(ClrExport.Create(data));

        Assert.That((lease.Format, lease.Layout.ItemSize, lease.Layout.Shape.ToArray(), lease.ReadOnly), Is.EqualTo(("d", 8L, new long[] { 3 }, false)));
        Assert.That(lease.AsReadOnlySpan<double>().ToArray(), Is.EqualTo(data));
    }

    [Test]
    public void Array_HalfAndChar_HalfFloatsAndUtf16CodeUnits()
    {
        using BufferLease halves = BufferLease.Acquire(ClrExport.Create(new[] { (Half)1.5, (Half)(-2) }));
        using BufferLease chars = BufferLease.Acquire(ClrExport.Create("hé".ToCharArray()));

        Assert.That((halves.Format, halves.Read<Half>(1)), Is.EqualTo(("e", (Half)(-2))));
        Assert.That((chars.Format, chars.Read<ushort>(1), chars.Read<char>(1)), Is.EqualTo(("H", (ushort)0xE9, 'é')));
    }

    [Test]
    public void Array_TwoDimensions_RowMajorShapeAndStrides_WritesLandInTheArray()
    {
        var data = new int[2, 3];
        data[1, 2] = 12;
        using BufferLease lease = BufferLease.Acquire(ClrExport.Create(data), BufferFlags.Full);

        Assert.That((lease.Layout.Shape.ToArray(), lease.Layout.Strides.ToArray()), Is.EqualTo((new long[] { 2, 3 }, new long[] { 12, 4 })));
        Assert.That(lease.Read<int>(1, 2), Is.EqualTo(12));
        lease.Write(-7, 0, 1);
        Assert.That(data[0, 1], Is.EqualTo(-7));
    }

    [Test]
    public void Array_JaggedOrOfObjects_RefusedSayingWhy()
    {
        Assert.That(ClrExport.TryCreate(new int[][] { [1] }), Is.Null);
        Assert.That(ClrExport.Refusal(new int[][] { [1] }), Does.StartWith("a jagged array (Int32[][]) is not one block of memory"));
        Assert.That(ClrExport.Refusal(new string[1]), Does.Contain("elements of type String have no struct format"));
        Assert.That(ClrExport.Refusal(new object()), Is.Null);
        Assert.That(ClrExport.IsExportable(new int[0, 0]), Is.True);
    }

    [Test]
    public void Array_PinnedOnlyWhileExported()
    {
        var data = new long[4];
        IBufferExporter exporter = ClrExport.Create(data);
        BufferView view = BufferView.Acquire(exporter, BufferFlags.FullRO);
        long address = view.Buf.Address;

        Assert.That(MemoryRegistry.TryResolve(address, 8, out _), Is.True);
        view.Release();
        Assert.That(MemoryRegistry.TryResolve(address, 8, out _), Is.False, "the address outlived the pin");
    }

    [Test]
    public void Memories_ReadOnlyMemoryIsReadOnly_SegmentsKeepTheirOffset()
    {
        short[] data = [1, 2, 3, 4];
        using BufferLease segment = BufferLease.Acquire(ClrExport.Create(new ArraySegment<short>(data, 1, 2)));
        using BufferLease memory = BufferLease.Acquire(ClrExport.Create(new Memory<short>(data, 2, 2)));
        using BufferLease readOnly = BufferLease.Acquire(ClrExport.Create(new ReadOnlyMemory<short>(data)));

        Assert.That(segment.AsReadOnlySpan<short>().ToArray(), Is.EqualTo(new short[] { 2, 3 }));
        Assert.That(memory.AsReadOnlySpan<short>().ToArray(), Is.EqualTo(new short[] { 3, 4 }));
        Assert.That(readOnly.ReadOnly, Is.True);
        var error = Assert.Throws<BufferException>(() => BufferLease.Acquire(ClrExport.Create(new ReadOnlyMemory<short>(data)), BufferFlags.Full));
        Assert.That(error!.Message, Is.EqualTo("ReadOnlyMemory<Int16>: underlying buffer is not writable"));
    }

    [Test]
    public void MemoryMappedViewAccessor_SizedByCapacity_ReadOnlyWhenMappedSo()
    {
        using var file = MemoryMappedFile.CreateNew(null, 4096);
        using (MemoryMappedViewAccessor writer = file.CreateViewAccessor(100, 16))
        {
            using BufferLease lease = BufferLease.Acquire(ClrExport.Create(writer), BufferFlags.Full);
            Assert.That(lease.Layout.Shape[0], Is.EqualTo(writer.Capacity));
            lease.AsSpan<byte>()[0] = 42;
        }

        using MemoryMappedViewAccessor reader = file.CreateViewAccessor(100, 16, MemoryMappedFileAccess.Read);
        using BufferLease read = BufferLease.Acquire(ClrExport.Create(reader));
        Assert.That((read.ReadOnly, read.AsReadOnlySpan<byte>()[0]), Is.EqualTo((true, (byte)42)));
    }

    [Test]
    public void SafeBuffer_DisposedWhileExported_MemoryStaysUntilRelease_ThenRefused()
    {
        var buffer = new NativeBuffer(64);
        IBufferExporter exporter = ClrExport.Create(buffer);
        BufferLease lease = BufferLease.Acquire(exporter, BufferFlags.Full);
        buffer.Dispose();

        lease.AsSpan<byte>()[63] = 1;
        Assert.That(buffer.Freed, Is.False, "freed under an open export");
        lease.Dispose();
        Assert.That(buffer.Freed, Is.True);
        var error = Assert.Throws<BufferException>(() => BufferLease.Acquire(exporter));
        Assert.That(error!.Message, Is.EqualTo("NativeBuffer: no memory to export (it was disposed)"));
    }

    [Test]
    public unsafe void NativeBlock_BoundedByItsLength_CloseRefusedWhileExported()
    {
        nint memory = (nint)NativeMemory.AllocZeroed(32);
        try
        {
            NativeBlockExport block = ClrExport.FromPointer(memory, 32, owner: null, format: "i");
            BufferLease lease = BufferLease.Acquire(block, BufferFlags.Full);
            Assert.That((lease.Format, lease.Layout.Shape[0]), Is.EqualTo(("i", 8L)));
            lease.Write(5, 7);
            Assert.That(((int*)memory)[7], Is.EqualTo(5));
            Assert.Throws<BufferException>(() => lease.Read<int>(8));

            Assert.That(block.TryClose(), Is.False);
            lease.Dispose();
            Assert.That(block.TryClose(), Is.True);
            var error = Assert.Throws<BufferException>(() => BufferLease.Acquire(block));
            Assert.That((error!.Kind, error.Message), Is.EqualTo((BufferErrorKind.Buffer, "native block: closed by its owner; its memory may be gone")));
        }
        finally
        {
            NativeMemory.Free((void*)memory);
        }

        Assert.Throws<ArgumentException>(() => ClrExport.FromPointer(1, 6, null, format: "i"));
        Assert.Throws<ArgumentException>(() => ClrExport.FromPointer(1, 4, null, format: "y"));
    }

    private sealed class NativeBuffer : SafeBuffer
    {
        public NativeBuffer(int length)
            : base(ownsHandle: true)
        {
            unsafe
            {
                SetHandle((nint)NativeMemory.AllocZeroed((nuint)length));
            }

            Initialize((ulong)length);
        }

        public bool Freed { get; private set; }

        protected override unsafe bool ReleaseHandle()
        {
            NativeMemory.Free((void*)handle);
            Freed = true;
            return true;
        }
    }
}
