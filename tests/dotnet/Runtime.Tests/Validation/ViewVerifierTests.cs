using System;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Tests.Support;
using NewBuffer.Validation;
using NUnit.Framework;

namespace NewBuffer.Tests.Validation;

[TestFixture]
public class ViewVerifierTests
{
    private static BufferView Valid(ManagedMemoryBlock? block = null) => BufferView.Create(
        null, (block ?? new ManagedMemoryBlock(new byte[24])).At(0), 24, 4, false, 2, "i", [2, 3], [12, 4], null);

    private static ViewError Fails(BufferView view, BufferFlags flags = BufferFlags.FullRO)
    {
        Assert.That(ViewVerifier.TryVerify(view, flags, "memoryview", out _, out ViewError? error), Is.False);
        return error!;
    }

    private static void AssertRule(ViewError error, ViewRule rule, BufferErrorKind kind, string message)
    {
        Assert.That(error.Rule, Is.EqualTo(rule));
        Assert.That(error.Kind, Is.EqualTo(kind));
        Assert.That(error.Message, Is.EqualTo(message));
    }

    [Test]
    public void Verify_ValidView_GivesItsLayout()
    {
        VerifiedView v = ViewVerifier.Verify(Valid(), BufferFlags.FullRO, "memoryview");

        Assert.That(v.Layout.Shape.ToArray(), Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(v.Layout.IsCContiguous, Is.True);
        Assert.That(v.Format, Is.EqualTo("i"));
    }

    [Test]
    public void Verify_NullStrides_MeansCContiguous()
    {
        BufferView view = Valid();
        view.SetStrides(null);
        Assert.That(ViewVerifier.Verify(view, BufferFlags.FullRO, "m").Layout.Strides.ToArray(), Is.EqualTo(new long[] { 12, 4 }));
    }

    [Test]
    public void Verify_NullShapeOneDim_SeesLenBytes()
    {
        BufferView view = Valid();
        view.NDim = 1;
        view.SetShape(null);
        view.SetStrides(null);
        VerifiedView v = ViewVerifier.Verify(view, BufferFlags.Simple, "m");
        Assert.That((v.Layout.ItemSize, v.Layout.Shape[0], v.Format), Is.EqualTo((1L, 24L, (string?)null)));
    }

    [Test]
    public void Verify_FormatNotRequested_FormatIsNull()
    {
        Assert.That(ViewVerifier.Verify(Valid(), BufferFlags.StridedRO, "m").Format, Is.Null);
    }

    [TestCase(-1, "memoryview: ndim must not be negative, not -1")]
    [TestCase(65, "memoryview: number of dimensions must not exceed 64")]
    public void Verify_NDimOutOfRange_Fails(int ndim, string message)
    {
        BufferView view = Valid();
        view.NDim = ndim;
        AssertRule(Fails(view), ViewRule.NDimRange, BufferErrorKind.Value, message);
    }

    [Test]
    public void Verify_ItemSizeZero_Fails()
    {
        BufferView view = Valid();
        view.ItemSize = 0;
        AssertRule(Fails(view), ViewRule.ItemSize, BufferErrorKind.Value, "memoryview: itemsize must be positive, not 0");
    }

    [Test]
    public void Verify_LenNegative_Fails()
    {
        BufferView view = Valid();
        view.Len = -4;
        AssertRule(Fails(view), ViewRule.LenNegative, BufferErrorKind.Value, "memoryview: len must not be negative, not -4");
    }

    [Test]
    public void Verify_ShapeNullWithTwoDims_Fails()
    {
        BufferView view = Valid();
        view.SetShape(null);
        AssertRule(Fails(view), ViewRule.ShapeMissing, BufferErrorKind.Value, "memoryview: shape is NULL but ndim is 2");
    }

    [Test]
    public void Verify_NegativeShape_Fails()
    {
        BufferView view = Valid();
        view.SetShape([2, -3]);
        AssertRule(Fails(view), ViewRule.ShapeNegative, BufferErrorKind.Value, "memoryview: shape[1] is negative (-3)");
    }

    [Test]
    public void Verify_HugeShape_Fails()
    {
        BufferView view = Valid();
        view.SetShape([long.MaxValue / 2, 3]);
        AssertRule(Fails(view), ViewRule.ShapeTooLarge, BufferErrorKind.Value, "memoryview: product(shape) * itemsize does not fit in a signed 64-bit size");
    }

    [Test]
    public void Verify_LenDisagreesWithShape_Fails()
    {
        BufferView view = Valid();
        view.Len = 20;
        ViewError error = Fails(view);
        AssertRule(error, ViewRule.LenMismatch, BufferErrorKind.Value, "memoryview: len is 20, but product(shape) * itemsize is 24");
        Assert.That(error.NDim, Is.EqualTo(view.NDim));
    }

    [Test]
    public void Verify_ZeroDimLenNotItemSize_Fails()
    {
        var view = BufferView.Create(null, new ManagedMemoryBlock(new byte[8]).At(0), 8, 4, false, 0, "i", null, null, null);
        ViewError error = Fails(view);
        AssertRule(error, ViewRule.LenMismatch, BufferErrorKind.Value, "memoryview: len is 8, but product(shape) * itemsize is 4");
        Assert.That(error.NDim, Is.EqualTo(0));
    }

    [TestCase("shape")]
    [TestCase("strides")]
    [TestCase("suboffsets")]
    public void Verify_ArrayShorterThanNDim_Fails(string field)
    {
        BufferView view = Valid();
        switch (field)
        {
            case "shape": view.SetShape([6]); break;
            case "strides": view.SetStrides([4]); break;
            default: view.SetSuboffsets([-1]); break;
        }

        AssertRule(Fails(view), ViewRule.ArrayLength, BufferErrorKind.Value, $"memoryview: {field} has 1 entries but ndim is 2");
    }

    [Test]
    public void Verify_NullFormatWithItemSize4_Fails()
    {
        BufferView view = Valid();
        view.Format = null;
        AssertRule(Fails(view), ViewRule.FormatMissing, BufferErrorKind.Value, "memoryview: format is NULL (unsigned bytes) but itemsize is 4");
    }

    [Test]
    public void Verify_FormatSizeDisagreesWithItemSize_Fails()
    {
        BufferView view = Valid();
        view.Format = "h";
        AssertRule(Fails(view), ViewRule.FormatItemSize, BufferErrorKind.Value, "memoryview: itemsize 4 does not match format 'h' of size 2");
    }

    [Test]
    public void Verify_UnparsableFormat_IsLeftForTheReader()
    {
        BufferView view = Valid();
        view.Format = "T{i:x:}";
        Assert.That(ViewVerifier.Verify(view, BufferFlags.FullRO, "m").Format, Is.EqualTo("T{i:x:}"));
    }

    [Test]
    public void Verify_NullBufWithItems_Fails()
    {
        BufferView view = Valid();
        view.Buf = default;
        AssertRule(Fails(view), ViewRule.NullBuf, BufferErrorKind.Value, "memoryview: buf is NULL but the view has 6 items");
    }

    [Test]
    public void Verify_NullBufEmptyView_Passes()
    {
        var view = BufferView.Create(null, default, 0, 1, true, 1, "B", [0], [1], null);
        Assert.That(ViewVerifier.TryVerify(view, BufferFlags.FullRO, "m", out _, out _), Is.True);
    }

    [TestCase(new long[] { 16, 4 }, 0, "memoryview: the view reaches bytes 0 to 28 of a memory block of 24 bytes", TestName = "Verify_StridesRunPastEnd_Fails")]
    [TestCase(new long[] { -12, 4 }, 0, "memoryview: the view reaches bytes -12 to 12 of a memory block of 24 bytes", TestName = "Verify_StridesRunBeforeStart_Fails")]
    [TestCase(new long[] { 12, 4 }, 4, "memoryview: the view reaches bytes 4 to 28 of a memory block of 24 bytes", TestName = "Verify_OffsetBufRunsPastEnd_Fails")]
    public void Verify_OutOfBounds(long[] strides, long offset, string message)
    {
        BufferView view = Valid();
        view.SetStrides(strides);
        view.Buf = view.Buf.Add(offset);
        AssertRule(Fails(view), ViewRule.OutOfBounds, BufferErrorKind.Value, message);
    }

    private static BufferView Pil(long rowLength, long suboffset, out ManagedMemoryBlock pointers)
    {
        var rows = new[] { new ManagedMemoryBlock(new byte[rowLength]), new ManagedMemoryBlock(new byte[rowLength]) };
        pointers = new ManagedMemoryBlock(new byte[2 * MemoryRegistry.PointerSize]);
        MemoryRegistry.WritePointer(pointers.At(0), rows[0].At(0));
        MemoryRegistry.WritePointer(pointers.At(MemoryRegistry.PointerSize), rows[1].At(0));
        GC.KeepAlive(rows);
        return BufferView.Create(null, pointers.At(0), 6, 1, false, 2, "B", [2, 3], [MemoryRegistry.PointerSize, 1], [suboffset, -1]);
    }

    [Test]
    public void Verify_PilRowsLargeEnough_Passes()
    {
        BufferView view = Pil(4, 1, out _);
        Assert.That(ViewVerifier.TryVerify(view, BufferFlags.FullRO, "m", out VerifiedView v, out _), Is.True);
        Assert.That(v.Layout.HasSuboffsets, Is.True);
    }

    [Test]
    public void Verify_PilSuboffsetRunsPastRow_Fails()
    {
        BufferView view = Pil(4, 2, out _);
        AssertRule(Fails(view), ViewRule.SuboffsetPointer, BufferErrorKind.Value,
            "memoryview: the view reaches bytes 2 to 5 of a memory block of 4 bytes (below suboffset dimension 0)");
    }

    [Test]
    public void Verify_PilPointerToNowhere_Fails()
    {
        BufferView view = Pil(4, 0, out ManagedMemoryBlock pointers);
        BitConverter.TryWriteBytes(pointers.Memory.Span[MemoryRegistry.PointerSize..], 0x5000L);
        AssertRule(Fails(view), ViewRule.SuboffsetPointer, BufferErrorKind.Value,
            "memoryview: suboffset pointer 0x5000 does not point into memory the runtime knows (suboffset dimension 0)");
    }

    [Test]
    public void Verify_PilWithoutIndirectRequest_Fails()
    {
        AssertRule(Fails(Pil(4, 0, out _), BufferFlags.RecordsRO), ViewRule.RequiresSuboffsets, BufferErrorKind.Buffer,
            "memoryview: underlying buffer requires suboffsets");
    }

    [Test]
    public void Verify_ReadOnlyAnswerToWritable_Fails()
    {
        BufferView view = Valid();
        view.ReadOnly = true;
        AssertRule(Fails(view, BufferFlags.Full), ViewRule.NotWritable, BufferErrorKind.Buffer, "memoryview: underlying buffer is not writable");
    }

    // A Fortran-ordered 3x2 matrix, the C-ordered 2x3 one, and a 2x2 one with gaps.
    [TestCase(BufferFlags.CContiguous, new long[] { 3, 2 }, new long[] { 4, 12 }, ViewRule.NotCContiguous, "memoryview: underlying buffer is not C-contiguous")]
    [TestCase(BufferFlags.FContiguous, new long[] { 2, 3 }, new long[] { 12, 4 }, ViewRule.NotFContiguous, "memoryview: underlying buffer is not Fortran contiguous")]
    [TestCase(BufferFlags.AnyContiguous, new long[] { 2, 2 }, new long[] { 12, 8 }, ViewRule.NotContiguous, "memoryview: underlying buffer is not contiguous")]
    [TestCase(BufferFlags.ND, new long[] { 3, 2 }, new long[] { 4, 12 }, ViewRule.NotCContiguous, "memoryview: underlying buffer is not C-contiguous")]
    public void Verify_AnswerIgnoringContiguityRequest_Fails(BufferFlags flags, long[] shape, long[] strides, ViewRule rule, string message)
    {
        BufferView view = Valid();
        view.SetShape(shape);
        view.SetStrides(strides);
        view.Len = shape[0] * shape[1] * 4;
        AssertRule(Fails(view, flags), rule, BufferErrorKind.Buffer, message);
    }

    [Test]
    public void Verify_TooManyPointers_FailsBeforeReadingAny()
    {
        // Overlapping unit strides keep the extent small while the positions number 2^25.
        var pointers = new ManagedMemoryBlock(new byte[4096 + 8192 + MemoryRegistry.PointerSize]);
        var view = BufferView.Create(null, pointers.At(0), 4096 * 8192, 1, false, 2, "B", [4096, 8192], [1, 1], [-1, 0]);
        AssertRule(Fails(view), ViewRule.TooManyPointers, BufferErrorKind.Value,
            $"memoryview: the view has more than {ViewVerifier.MaxPointers} suboffset pointers to follow");
    }

    [TestCase("shape", new long[] { 6 })]
    [TestCase("strides", new long[] { 12, 4, 1 })]
    [TestCase("suboffsets", new long[] { -1 })]
    public void AcquireRaw_ArrayNotNDimLong_ReleasesAndThrows(string field, long[] entries)
    {
        var exporter = new TestExporter((v, _) =>
        {
            v.CopyLayoutFrom(Valid());
            (field switch { "shape" => (Action<long[]>)v.SetShape, "strides" => v.SetStrides, _ => v.SetSuboffsets })(entries);
        });

        var e = Assert.Throws<InvalidViewException>(() => ViewVerifier.AcquireRaw(exporter, BufferFlags.FullRO, "Py_buffer"));

        AssertRule(e!.Error, ViewRule.ArrayLength, BufferErrorKind.Value, $"Py_buffer: {field} has {entries.Length} entries but ndim is 2");
        Assert.That((exporter.Gets, exporter.Releases), Is.EqualTo((1, 1)));
    }

    [Test]
    public void AcquireRaw_ShapelessViewWithLongerStrides_Throws()
    {
        // The verifier ignores the strides of a shapeless view; a raw reader would index them.
        var exporter = new TestExporter((v, _) =>
        {
            v.CopyLayoutFrom(Valid());
            v.NDim = 1;
            v.SetShape(null);
        });

        var e = Assert.Throws<InvalidViewException>(() => ViewVerifier.AcquireRaw(exporter, BufferFlags.FullRO, "ndarray"));

        Assert.That(e!.Message, Is.EqualTo("ndarray: strides has 2 entries but ndim is 1"));
    }

    [Test]
    public void AcquireRaw_OtherwiseInvalidView_IsTheExportersAnswer()
    {
        var exporter = new TestExporter((v, _) =>
        {
            v.CopyLayoutFrom(Valid());
            v.Len = 5;
            v.ItemSize = -1;
        });

        BufferView view = ViewVerifier.AcquireRaw(exporter, BufferFlags.FullRO, "Py_buffer");

        Assert.That((view.Len, view.ItemSize, view.Shape.ToArray()), Is.EqualTo((5L, -1L, new long[] { 2, 3 })));
        view.Release();
        Assert.That((exporter.Gets, exporter.Releases), Is.EqualTo((1, 1)));
    }

    [Test]
    public void Acquire_InvalidAnswer_ReleasesAndThrows()
    {
        var exporter = new TestExporter((v, f) =>
        {
            BufferAnswer.FillBytes(v, null, new ManagedMemoryBlock(new byte[4]).At(0), 4, false, f);
            v.Len = 5;
        });

        var e = Assert.Throws<InvalidViewException>(() => ViewVerifier.Acquire(exporter, BufferFlags.FullRO, "memoryview", out _));

        Assert.That(e!.Rule, Is.EqualTo(ViewRule.LenMismatch));
        Assert.That((exporter.Gets, exporter.Releases), Is.EqualTo((1, 1)));
    }
}
