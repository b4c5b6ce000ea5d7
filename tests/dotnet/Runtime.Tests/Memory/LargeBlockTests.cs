// Views past 2 GiB: one native block of 3 GiB, exported with ClrExport.FromPointer and read through
// the core at offsets past 2**31. The block is allocated untouched (the OS maps pages only when
// written), so only the few pages the tests write cost memory; it is freed when the fixture ends, and
// the fixture is skipped, saying why, when the machine cannot reserve it.
using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using NewBuffer.Clr;
using NewBuffer.Format;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Validation;
using NewBuffer.Views;
using NUnit.Framework;

namespace NewBuffer.Tests.Memory;

[TestFixture]
[NonParallelizable]
public unsafe class LargeBlockTests
{
    private const long Size = 3L << 30;
    private const long TwoGiB = 1L << 31;

    private byte* _memory;
    private NativeBlockExport _export = null!;
    private BufferView _view = null!;
    private ArrayView _bytes = null!;

    [OneTimeSetUp]
    public void Allocate()
    {
        _memory = AllocZeroed(Size);
        _export = ClrExport.FromPointer((nint)_memory, Size, owner: null);
        _bytes = ArrayView.From(ViewVerifier.Acquire(_export, BufferFlags.FullRO, "test", out _view));
    }

    [OneTimeTearDown]
    public void Free()
    {
        if (_memory is null)
        {
            return;
        }

        _view?.Release();
        Assert.That(_export.TryClose(), Is.True, "a view of the 3 GiB block was never released");
        NativeMemory.Free(_memory);
        _memory = null;
    }

    [Test]
    public void Export_ThreeGiB_WholeLengthAndShape()
    {
        Assert.That((_bytes.Layout.ByteLength, _bytes.Layout.Shape[0], _bytes.Length()), Is.EqualTo((Size, Size, Size)));
        Assert.That(_bytes.Buf.Block!.Length, Is.EqualTo(Size));
    }

    [Test]
    public void GetItem_PastTwoGiB_ReadsThatByte()
    {
        _memory[TwoGiB + 5] = 42;
        _memory[Size - 1] = 7;
        Assert.That(_bytes.GetItem([TwoGiB + 5]), Is.EqualTo(42UL));
        Assert.That(_bytes.GetItem([-1]), Is.EqualTo(7UL));
        Assert.Throws<BufferException>(() => _bytes.GetItem([Size]));
    }

    [Test]
    public void SetItem_PastTwoGiB_WritesThatByte()
    {
        ArrayView writable = ArrayView.From(ViewVerifier.Acquire(_export, BufferFlags.Full, "test", out BufferView view));
        try
        {
            writable.SetItem([TwoGiB + 11], 99);
            Assert.That(_memory[TwoGiB + 11], Is.EqualTo(99));
        }
        finally
        {
            view.Release();
        }
    }

    [Test]
    public void Slice_AcrossTwoGiB_ToBytesAndToList()
    {
        for (int i = 0; i < 16; i++)
        {
            _memory[TwoGiB - 8 + i] = (byte)(i + 1);
        }

        long count = Slicing.Adjust(Size, TwoGiB - 8, TwoGiB + 8, null, out long first, out long step);
        ArrayView slice = _bytes.Slice(0, first, count, step);
        Assert.That(slice.ToBytes(), Is.EqualTo(Bytes(1, 16)));
        Assert.That(slice.Buf.Offset, Is.EqualTo(TwoGiB - 8));
    }

    [Test]
    public void Slice_StepOfOneGiB_ItemsAtEachGiB()
    {
        _memory[0] = 1;
        _memory[1L << 30] = 2;
        _memory[TwoGiB] = 3;
        ArrayView every = _bytes.Slice(0, 0, 3, 1L << 30);
        Assert.That(every.ToBytes(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(every.ToList(ClrValueBoxer.Instance, items => items), Is.EqualTo(new object[] { 1UL, 2UL, 3UL }));

        ArrayView backwards = _bytes.Slice(0, TwoGiB, 3, -(1L << 30));
        Assert.That(backwards.ToBytes(), Is.EqualTo(new byte[] { 3, 2, 1 }));
    }

    [Test]
    public void Slice_StepOfOneMiBOverTheWholeBlock_RowReadInPieces()
    {
        long step = 1L << 20, count = Size / step;
        for (long k = 0; k < count; k++)
        {
            _memory[k * step] = (byte)k;
        }

        ArrayView every = _bytes.Slice(0, 0, count, step);
        byte[] expected = new byte[count];
        for (long k = 0; k < count; k++)
        {
            expected[k] = (byte)k;
        }

        Assert.That(every.ToBytes(), Is.EqualTo(expected));
        object[] list = (object[])every.ToList(ClrValueBoxer.Instance, items => items)!;
        Assert.That((list.Length, list[2049], list[^1]), Is.EqualTo((3072, (ulong)(2049 & 0xFF), (ulong)(3071 & 0xFF))));
    }

    [Test]
    public void Cast_ToLongsAndToTwoDimensions_IndexPastTwoGiB()
    {
        *(long*)(_memory + TwoGiB + 64) = -1234567890123L;
        ArrayView longs = _bytes.Cast("q", null);
        Assert.That(longs.Layout.Shape[0], Is.EqualTo(Size / 8));
        Assert.That(longs.GetItem([(TwoGiB + 64) / 8]), Is.EqualTo(-1234567890123L));

        _memory[TwoGiB + 5] = 77;
        ArrayView matrix = _bytes.Cast("B", [3, 1L << 30]);
        Assert.That(matrix.GetItem([2, 5]), Is.EqualTo(77UL));
        Assert.That(matrix.Take(0, 2).Slice(0, 5, 1, 1).ToBytes(), Is.EqualTo(new byte[] { 77 }));
    }

    [Test]
    public void ToBytesAndToList_WholeBlock_MemoryError()
    {
        var bytes = Assert.Throws<BufferException>(() => _bytes.ToBytes());
        Assert.That((bytes!.Kind, bytes.Message), Is.EqualTo((BufferErrorKind.Memory, $"buffer: cannot copy {Size} bytes into one array")));
        var list = Assert.Throws<BufferException>(() => _bytes.ToList(ClrValueBoxer.Instance, items => items));
        Assert.That(list!.Kind, Is.EqualTo(BufferErrorKind.Memory));
    }

    [Test]
    public void CopyFrom_StridedPastTwoGiB_NoOverlapAndOverlap()
    {
        ArrayView writable = ArrayView.From(ViewVerifier.Acquire(_export, BufferFlags.Full, "test", out BufferView view));
        try
        {
            for (int k = 0; k < 64; k++)
            {
                _memory[TwoGiB + 1000 + (k * 4096L)] = (byte)(k + 1);
            }

            // Disjoint: rows straight across, 2 GiB apart.
            writable.Slice(0, 1000, 64, 4096).CopyFrom(writable.Slice(0, TwoGiB + 1000, 64, 4096));
            for (int k = 0; k < 64; k++)
            {
                Assert.That(_memory[1000 + (k * 4096L)], Is.EqualTo(k + 1));
            }

            // Overlapping extents past 2 GiB (staged): odd bytes onto even ones.
            long at = TwoGiB + 100;
            for (int k = 0; k < 20; k++)
            {
                _memory[at + k] = (byte)k;
            }

            writable.Slice(0, at, 10, 2).CopyFrom(writable.Slice(0, at + 1, 10, 2));
            Assert.That(new Span<byte>(_memory + at, 20).ToArray(), Is.EqualTo(new byte[] { 1, 1, 3, 3, 5, 5, 7, 7, 9, 9, 11, 11, 13, 13, 15, 15, 17, 17, 19, 19 }));
        }
        finally
        {
            view.Release();
        }
    }

    [Test]
    public void CopyTo_MoreThanOnePieceOverlappingForward_Memmove()
    {
        // 1 GiB + 8 KiB moved 4 KiB up: the pieces must go from the end, or the second would read bytes the first overwrote.
        long count = MemoryBlock.MaxPiece + 8192L, shift = 4096, origin = TwoGiB - (1L << 29);
        long[] marks = [0, MemoryBlock.MaxPiece - 4097, MemoryBlock.MaxPiece - 3, MemoryBlock.MaxPiece + 5, count - 1];
        for (int i = 0; i < marks.Length; i++)
        {
            _memory[origin + marks[i]] = (byte)(i + 10);
        }

        BufferPointer start = _bytes.Buf.Add(origin);
        start.CopyTo(start.Add(shift), count);
        for (int i = 0; i < marks.Length; i++)
        {
            Assert.That(_memory[origin + shift + marks[i]], Is.EqualTo(i + 10), $"mark {marks[i]}");
        }

        // And back down, overlapping the other way: pieces from the start.
        start.Add(shift).CopyTo(start, count);
        for (int i = 0; i < marks.Length; i++)
        {
            Assert.That(_memory[origin + marks[i]], Is.EqualTo(i + 10), $"mark {marks[i]} back");
        }
    }

    [Test]
    public void ValueEquals_HalvesOfMoreThanOnePiece_DifferenceInTheSecondPieceFound()
    {
        // A block of its own, zeroed and untouched but for the bytes below: two halves of just over one piece.
        const long half = MemoryBlock.MaxPiece + 4096L;
        byte* memory = AllocZeroed(2 * half);
        try
        {
            var block = new NativeMemoryBlock((nint)memory, 2 * half, owner: null);
            var low = new ArrayView(block.At(0), ViewLayout.Contiguous(1, [half]), "B", readOnly: true);
            var high = new ArrayView(block.At(half), ViewLayout.Contiguous(1, [half]), "B", readOnly: true);
            memory[half + MemoryBlock.MaxPiece + 3] = 8;
            Assert.That(ValueComparison.ValueEquals(low, high), Is.False);
            memory[MemoryBlock.MaxPiece + 3] = 8;
            Assert.That(ValueComparison.ValueEquals(low, high), Is.True);
        }
        finally
        {
            NativeMemory.Free(memory);
        }
    }

    [Test]
    public void BufferLease_ThreeGiB_ReadsPastTwoGiBButNoSpan()
    {
        _memory[TwoGiB + 3] = 5;
        using BufferLease lease = BufferLease.Acquire(_export);
        Assert.That(lease.Read<byte>(TwoGiB + 3), Is.EqualTo(5));
        var error = Assert.Throws<BufferException>(() => lease.AsReadOnlySpan<byte>());
        Assert.That(error!.Message, Is.EqualTo($"buffer: {Size} items do not fit one span; read it with Read"));
    }

    [Test]
    public void SafeBuffer_ThreeGiB_PinnedBlockPastTwoGiB()
    {
        using var buffer = new BorrowedBuffer(_memory, Size);
        _memory[TwoGiB + 9] = 31;
        using BufferLease lease = BufferLease.Acquire(ClrExport.Create(buffer));
        Assert.That((lease.Layout.ByteLength, lease.Read<byte>(TwoGiB + 9)), Is.EqualTo((Size, (byte)31)));
    }

    [Test]
    public void MemoryMappedFile_SparseThreeGiB_ReadAndWrittenPastTwoGiB()
    {
        string path = Path.Combine(Path.GetTempPath(), $"newbuffer-large-{Guid.NewGuid():N}.bin");
        try
        {
            using MemoryMappedFile file = MemoryMappedFile.CreateFromFile(path, FileMode.CreateNew, null, Size);
            using MemoryMappedViewAccessor accessor = file.CreateViewAccessor(0, Size);
            accessor.Write(TwoGiB + 17, (byte)123);
            using BufferLease lease = BufferLease.Acquire(ClrExport.Create(accessor), BufferFlags.Full);
            Assert.That((lease.Layout.ByteLength >= Size, lease.Read<byte>(TwoGiB + 17)), Is.EqualTo((true, (byte)123)));
            lease.Write((byte)45, TwoGiB + 18);
            Assert.That(accessor.ReadByte(TwoGiB + 18), Is.EqualTo(45));
        }
        catch (IOException e)
        {
            Assert.Ignore($"cannot map a sparse file of {Size} bytes here ({e.Message})");
        }
        finally
        {
            File.Delete(path);
        }
    }

    // calloc of this size maps fresh pages, which the OS zeroes only when first touched.
    private static byte* AllocZeroed(long size)
    {
        try
        {
            return (byte*)NativeMemory.AllocZeroed((nuint)size);
        }
        catch (OutOfMemoryException e)
        {
            Assert.Ignore($"cannot reserve a native block of {size} bytes here ({e.Message})");
            return null;
        }
    }

    private static byte[] Bytes(int from, int count)
    {
        var result = new byte[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = (byte)(from + i);
        }

        return result;
    }

    // A SafeBuffer over memory the fixture owns (it frees nothing itself).
    private sealed class BorrowedBuffer : SafeBuffer
    {
        public BorrowedBuffer(byte* memory, long length)
            : base(ownsHandle: false)
        {
            SetHandle((nint)memory);
            Initialize((ulong)length);
        }

        protected override bool ReleaseHandle() => true;
    }
}
