// Checks a view once, before any consumer reads it (CPython's verify_structure, IronPython's
// VerifyStructure), against two sets of rules:
//   structure - the fields agree with each other and every element lies inside memory the exporter
//               supplied, following suboffset pointers level by level;
//   answer    - the view is what the request allowed (writable, contiguity, suboffsets), with
//               CPython's BufferError messages.
// A view that passes becomes a VerifiedView; nothing downstream re-checks the geometry. An answer
// the core built from a view it verified before (ArrayView.Answer) is vouched for here (Vouch) with
// the layout this check would produce, and then passes without being checked again.
//
// Consumers that read a view as the exporter made it (CPython's _testbuffer functions, pygame's
// Py_buffer importer) acquire with AcquireRaw instead, which checks only the arrays rule: shape,
// strides and suboffsets, when present, hold ndim entries each. A C Py_buffer holds that by
// construction (its arrays are pointers read ndim entries deep); ours are arrays an exporter sets
// one by one, and a raw reader indexing them up to ndim would run off their end.
//
// Bounded work: following suboffsets visits each distinct pointer position once; dimensions whose
// stride is 0 or length is 1 add no positions. Past MaxPointers positions the view is refused.
using System;
using System.Diagnostics.CodeAnalysis;
using NewBuffer.Format;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;

namespace NewBuffer.Validation;

/// <summary>Verifies views against the rules of PEP 3118 and against the request that produced them.</summary>
public static class ViewVerifier
{
    /// <summary>The most suboffset pointers a view may need followed.</summary>
    public const long MaxPointers = 1L << 24;

    /// <summary>Asks <paramref name="exporter"/> for a view and verifies it; on failure the view is released and the error thrown.</summary>
    /// <param name="exporter">The exporter.</param>
    /// <param name="flags">The request.</param>
    /// <param name="who">The consumer's name for messages, e.g. <c>"memoryview"</c>.</param>
    /// <param name="view">The raw view; release it when done with the result.</param>
    /// <exception cref="BufferException">The exporter refused, or its answer broke a rule.</exception>
    public static VerifiedView Acquire(IBufferExporter exporter, BufferFlags flags, string who, out BufferView view)
    {
        view = BufferView.Acquire(exporter, flags);
        if (!TryVerify(view, flags, who, out VerifiedView verified, out ViewError? error))
        {
            view.Release();
            throw error.ToException();
        }

        return verified;
    }

    /// <summary>Asks <paramref name="exporter"/> for a view a consumer reads as the exporter made it, checking
    /// only that shape, strides and suboffsets hold ndim entries each; on failure the view is released and
    /// the error (<see cref="ViewRule.ArrayLength"/>) thrown.</summary>
    /// <param name="exporter">The exporter.</param>
    /// <param name="flags">The request.</param>
    /// <param name="who">The consumer's name for messages, e.g. <c>"Py_buffer"</c>.</param>
    /// <returns>The raw view; release it when done.</returns>
    /// <exception cref="BufferException">The exporter refused, or its arrays do not hold ndim entries.</exception>
    public static BufferView AcquireRaw(IBufferExporter exporter, BufferFlags flags, string who)
    {
        BufferView view = BufferView.Acquire(exporter, flags);
        ViewError? error = CheckArrays(view, who);
        if (error is not null)
        {
            view.Release();
            throw error.ToException();
        }

        return view;
    }

    /// <summary>Verifies <paramref name="view"/> as the answer to <paramref name="flags"/>.</summary>
    /// <exception cref="InvalidViewException">A rule broke.</exception>
    public static VerifiedView Verify(BufferView view, BufferFlags flags, string who)
    {
        if (!TryVerify(view, flags, who, out VerifiedView verified, out ViewError? error))
        {
            throw error.ToException();
        }

        return verified;
    }

    /// <summary>Verifies <paramref name="view"/> as the answer to <paramref name="flags"/>; reports the first broken rule.</summary>
    public static bool TryVerify(
        BufferView view,
        BufferFlags flags,
        string who,
        out VerifiedView verified,
        [NotNullWhen(false)] out ViewError? error)
    {
        ArgumentNullException.ThrowIfNull(view);
        verified = default;
        error = null;
        ViewLayout? layout = view.VouchedLayout(flags);
        if (layout is null)
        {
            if (flags.WantsWritable() && view.ReadOnly)
            {
                error = Answer(ViewRule.NotWritable, $"{who}: underlying buffer is not writable");
                return false;
            }

            error = CheckFields(view, flags, who, out layout)
                ?? CheckMemory(view, layout!, who)
                ?? CheckAnswer(view, layout!, flags, who);
            if (error is not null)
            {
                return false;
            }
        }

        // Without a shape the consumer sees plain bytes, whatever format came with them.
        bool seesBytes = !view.HasShape && view.NDim == 1;
        string? format = !flags.WantsFormat() ? null : seesBytes ? "B" : view.Format ?? "B";
        verified = new VerifiedView(view.Obj, view.Buf, layout!, format, view.ReadOnly);
        return true;
    }

    private static ViewError? CheckFields(BufferView view, BufferFlags flags, string who, out ViewLayout? layout)
    {
        layout = null;
        int ndim = view.NDim;
        if (ndim < 0)
        {
            return Invalid(ViewRule.NDimRange, $"{who}: ndim must not be negative, not {ndim}");
        }

        if (ndim > ViewLayout.MaxNDim)
        {
            return Invalid(ViewRule.NDimRange, $"{who}: number of dimensions must not exceed {ViewLayout.MaxNDim}");
        }

        if (view.ItemSize <= 0)
        {
            return Invalid(ViewRule.ItemSize, $"{who}: itemsize must be positive, not {view.ItemSize}");
        }

        if (view.Len < 0)
        {
            return Invalid(ViewRule.LenNegative, $"{who}: len must not be negative, not {view.Len}");
        }

        if (!view.HasShape && ndim > 1)
        {
            return Invalid(ViewRule.ShapeMissing, $"{who}: shape is NULL but ndim is {ndim}");
        }

        if (!view.HasShape && ndim == 1)
        {
            // A simple request's answer: the consumer disregards itemsize and sees len bytes. (The
            // _testbuffer ndarray shows such views raw instead, itemsize kept: RawView.ShapelessLength.)
            layout = ViewLayout.Own(1, [view.Len], [1], null);
            return null;
        }

        ViewError? error = CheckArrays(view, who);
        if (error is not null)
        {
            return error;
        }

        ReadOnlySpan<long> shape = view.Shape;
        long bytes = view.ItemSize;
        for (int i = 0; i < ndim; i++)
        {
            if (shape[i] < 0)
            {
                return Invalid(ViewRule.ShapeNegative, $"{who}: shape[{i}] is negative ({shape[i]})");
            }

            if (shape[i] != 0 && bytes > long.MaxValue / shape[i])
            {
                return Invalid(ViewRule.ShapeTooLarge, $"{who}: product(shape) * itemsize does not fit in a signed 64-bit size");
            }

            bytes *= shape[i];
        }

        if (view.Len != bytes)
        {
            return new ViewError(ViewRule.LenMismatch, BufferErrorKind.Value, $"{who}: len is {view.Len}, but product(shape) * itemsize is {bytes}", ndim);
        }

        if (flags.WantsFormat())
        {
            error = CheckFormat(view, who);
            if (error is not null)
            {
                return error;
            }
        }

        // The layout shares the view's arrays: neither ever changes them in place.
        long[] strides = view.StridesArray ?? ViewLayout.ContiguousStrides(shape, view.ItemSize);
        layout = ViewLayout.Own(view.ItemSize, view.ShapeArray ?? [], strides, view.SuboffsetsArray);
        return null;
    }

    /// <summary>Vouches for <paramref name="view"/>, just filled by <see cref="BufferAnswer.FillFrom(BufferView, object?, BufferPointer, ViewLayout, Geometry.ViewFlags, string, bool, BufferFlags, string)"/>
    /// from <paramref name="source"/>, the layout of a view verified before, as the answer to <paramref name="flags"/>:
    /// a later verification of it for the same request takes the layout this check would have built, unchecked.</summary>
    /// <param name="view">The answer.</param>
    /// <param name="flags">The request it answers.</param>
    /// <param name="source">The verified layout the answer was made from.</param>
    /// <param name="formatMatches">The format parses to the itemsize (the one check that depends on the format's text).</param>
    /// <remarks>Views with suboffsets are not vouched for: their pointers live in memory that may have changed.</remarks>
    internal static void Vouch(BufferView view, BufferFlags flags, ViewLayout source, bool formatMatches)
    {
        if (source.HasSuboffsets || (flags.WantsFormat() && !formatMatches))
        {
            return;
        }

        ViewLayout layout;
        if (view.HasShape ? view.HasStrides || HasExactContiguousStrides(source) : view.NDim == 0)
        {
            layout = source;
        }
        else if (view.HasShape)
        {
            layout = ViewLayout.Contiguous(source.ItemSize, source.Shape);
        }
        else
        {
            layout = ViewLayout.Own(1, [view.Len], [1], null);
        }

        view.Vouch(flags, layout);
    }

    /// <summary>The strides a view without strides is read with (C order, length-1 dimensions included).</summary>
    private static bool HasExactContiguousStrides(ViewLayout layout)
    {
        long step = layout.ItemSize;
        for (int i = layout.NDim - 1; i >= 0; i--)
        {
            if (layout.Strides[i] != step)
            {
                return false;
            }

            step *= Math.Max(layout.Shape[i], 1);
        }

        return true;
    }

    private static ViewError? CheckFormat(BufferView view, string who)
    {
        if (view.Format is null)
        {
            return view.ItemSize == 1 ? null
                : Invalid(ViewRule.FormatMissing, $"{who}: format is NULL (unsigned bytes) but itemsize is {view.ItemSize}");
        }

        // A format the codec cannot parse is not an error yet (CPython's memoryview accepts any
        // format and fails only when items are unpacked); a parsable one must agree with itemsize.
        if (StructFormat.TryParse(view.Format, out StructFormat? parsed, out _) && parsed.Size != view.ItemSize)
        {
            return Invalid(ViewRule.FormatItemSize, $"{who}: itemsize {view.ItemSize} does not match format '{view.Format}' of size {parsed.Size}");
        }

        return null;
    }

    private static ViewError? CheckMemory(BufferView view, ViewLayout layout, string who)
    {
        if (layout.ItemCount == 0)
        {
            return null;
        }

        if (view.Buf.IsNull)
        {
            return Invalid(ViewRule.NullBuf, $"{who}: buf is NULL but the view has {layout.ItemCount} items");
        }

        long budget = MaxPointers;
        return CheckLevel(view.Buf, layout, 0, who, ref budget);
    }

    /// <summary>Checks the dimensions from <paramref name="from"/> up to and including the next one with a suboffset, then each pointer found there.</summary>
    private static ViewError? CheckLevel(BufferPointer origin, ViewLayout layout, int from, string who, ref long budget)
    {
        int to = from;
        while (to < layout.NDim && layout.SuboffsetAt(to) < 0)
        {
            to++;
        }

        bool indirect = to < layout.NDim;
        long elementSize = indirect ? MemoryRegistry.PointerSize : layout.ItemSize;
        int end = indirect ? to + 1 : to;
        if (!layout.TryExtent(from, end, elementSize, out long low, out long high))
        {
            return Invalid(
                from == 0 ? ViewRule.OutOfBounds : ViewRule.SuboffsetPointer,
                $"{who}: shape and strides reach beyond 2**63 bytes from " + (from == 0 ? "buf" : $"a suboffset pointer (dimension {from - 1})"));
        }

        if (!origin.Add(low).CanAccess(high - low))
        {
            long length = origin.Block?.Length ?? 0;
            return Invalid(
                from == 0 ? ViewRule.OutOfBounds : ViewRule.SuboffsetPointer,
                $"{who}: the view reaches bytes {origin.Offset + low} to {origin.Offset + high} of a memory block of {length} bytes"
                + (from == 0 ? string.Empty : $" (below suboffset dimension {from - 1})"));
        }

        if (!indirect)
        {
            return null;
        }

        long positions = 1;
        for (int d = from; d <= to; d++)
        {
            if (layout.Strides[d] != 0)
            {
                positions = layout.Shape[d] > budget / positions ? budget + 1 : positions * layout.Shape[d];
            }
        }

        budget -= positions;
        if (budget < 0)
        {
            return Invalid(ViewRule.TooManyPointers, $"{who}: the view has more than {MaxPointers} suboffset pointers to follow");
        }

        var index = new long[to - from + 1];
        while (true)
        {
            BufferPointer at = origin;
            for (int d = from; d <= to; d++)
            {
                at = at.Add(layout.Strides[d] * index[d - from]);
            }

            ViewError? error = MemoryRegistry.TryDereference(at, out BufferPointer pointer, out string? refused)
                ? CheckLevel(pointer.Add(layout.SuboffsetAt(to)), layout, to + 1, who, ref budget)
                : Invalid(ViewRule.SuboffsetPointer, $"{who}: {refused} (suboffset dimension {to})");

            if (error is not null)
            {
                return error;
            }

            // Next position: odometer over the dimensions whose stride moves the pointer.
            int k = index.Length - 1;
            while (k >= 0 && (layout.Strides[from + k] == 0 || ++index[k] == layout.Shape[from + k]))
            {
                index[k--] = 0;
            }

            if (k < 0)
            {
                return null;
            }
        }
    }

    private static ViewError? CheckAnswer(BufferView view, ViewLayout layout, BufferFlags flags, string who)
    {
        if (layout.HasSuboffsets && !flags.WantsIndirect())
        {
            return Answer(ViewRule.RequiresSuboffsets, $"{who}: underlying buffer requires suboffsets");
        }

        if (flags.WantsCContiguous() && !layout.IsCContiguous)
        {
            return Answer(ViewRule.NotCContiguous, $"{who}: underlying buffer is not C-contiguous");
        }

        if (flags.WantsFContiguous() && !layout.IsFContiguous)
        {
            return Answer(ViewRule.NotFContiguous, $"{who}: underlying buffer is not Fortran contiguous");
        }

        if (flags.WantsAnyContiguous() && !layout.IsAnyContiguous)
        {
            return Answer(ViewRule.NotContiguous, $"{who}: underlying buffer is not contiguous");
        }

        if (!flags.WantsStrides() && view.HasStrides && !layout.IsCContiguous)
        {
            return Answer(ViewRule.NotCContiguous, $"{who}: underlying buffer is not C-contiguous");
        }

        return null;
    }

    /// <summary>The arrays rule: each array present holds ndim entries.</summary>
    private static ViewError? CheckArrays(BufferView view, string who) =>
        (view.HasShape ? CheckLength(view.Shape.Length, view.NDim, "shape", who) : null)
        ?? (view.HasStrides ? CheckLength(view.Strides.Length, view.NDim, "strides", who) : null)
        ?? (view.HasSuboffsets ? CheckLength(view.Suboffsets.Length, view.NDim, "suboffsets", who) : null);

    private static ViewError? CheckLength(int length, int ndim, string field, string who) =>
        length == ndim ? null : Invalid(ViewRule.ArrayLength, $"{who}: {field} has {length} entries but ndim is {ndim}");

    private static ViewError Invalid(ViewRule rule, string message) => new(rule, BufferErrorKind.Value, message);

    private static ViewError Answer(ViewRule rule, string message) => new(rule, BufferErrorKind.Buffer, message);
}
