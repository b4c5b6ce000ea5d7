// Vouching (ViewVerifier.Vouch via ArrayView.Answer): an answer built from a verified view is not
// verified again, so it must be exactly what full verification would produce, for every request and
// every derived view; and it must stop applying the moment anything could have made it wrong (a
// changed field, another request, a view built by hand).
using System;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Tests.Support;
using NewBuffer.Validation;
using NewBuffer.Views;
using NUnit.Framework;
using FsCheckProperty = FsCheck.NUnit.PropertyAttribute;

namespace NewBuffer.Tests.Validation;

[TestFixture]
public class VouchTests
{
    private static readonly BufferFlags[] Requests =
    [
        BufferFlags.Simple, BufferFlags.Writable, BufferFlags.Format, BufferFlags.ND, BufferFlags.Strides, BufferFlags.CContiguous,
        BufferFlags.FContiguous, BufferFlags.AnyContiguous, BufferFlags.Indirect, BufferFlags.ContigRO, BufferFlags.StridedRO,
        BufferFlags.Records, BufferFlags.RecordsRO, BufferFlags.Full, BufferFlags.FullRO, BufferFlags.ND | BufferFlags.Format,
    ];

    private static readonly string[] Formats = ["B", "b", "c", "i", "d", "@B", "x", "3s", "<i", "Zq"];

    [FsCheckProperty(MaxTest = 500)]
    public void Answer_OfAVerifiedOrDerivedView_VerifiesAsFullVerificationWould(int seed)
    {
        var random = new Random(seed);
        RandomView v = RandomViews.Create(random, allowSuboffsets: random.Next(4) == 0);
        string format = Formats[random.Next(Formats.Length)];
        BufferView source = BufferView.Create(null, v.Buf, v.Layout.ByteLength, v.Layout.ItemSize, random.Next(2) == 0,
            v.Layout.NDim, format, v.Layout.Shape.ToArray(), v.Layout.Strides.ToArray(), v.Layout.HasSuboffsets ? v.Layout.Suboffsets.ToArray() : null);
        // Verified without FORMAT, an itemsize-4 view reads as 'B': re-exported with FORMAT it does not verify.
        BufferFlags sourceFlags = random.Next(3) == 0 ? BufferFlags.Indirect : BufferFlags.FullRO;
        if (!ViewVerifier.TryVerify(source, sourceFlags, "t", out VerifiedView verified, out _))
        {
            return;
        }

        ArrayView view = Derive(random, ArrayView.From(verified));
        BufferFlags flags = Requests[random.Next(Requests.Length)];
        var answer = new BufferView();
        try
        {
            view.Answer(answer, "obj", flags);
        }
        catch (BufferException)
        {
            return;
        }

        bool vouchedOk = ViewVerifier.TryVerify(answer, flags, "t", out VerifiedView vouched, out ViewError? vouchedError);

        // The same fields, unvouched (Create copies them): what full verification says.
        BufferView copy = BufferView.Create(answer.Obj, answer.Buf, answer.Len, answer.ItemSize, answer.ReadOnly, answer.NDim, answer.Format,
            answer.HasShape ? answer.Shape.ToArray() : null, answer.HasStrides ? answer.Strides.ToArray() : null, answer.HasSuboffsets ? answer.Suboffsets.ToArray() : null);
        bool fullOk = ViewVerifier.TryVerify(copy, flags, "t", out VerifiedView full, out ViewError? fullError);

        Assert.That(vouchedOk, Is.EqualTo(fullOk), $"seed {seed}: {vouchedError?.Message ?? fullError?.Message}");
        if (fullOk)
        {
            Assert.That((vouched.Obj, vouched.Buf, vouched.Format, vouched.ReadOnly), Is.EqualTo((full.Obj, full.Buf, full.Format, full.ReadOnly)));
            Assert.That(vouched.Layout.ItemSize, Is.EqualTo(full.Layout.ItemSize));
            Assert.That(vouched.Layout.Shape.ToArray(), Is.EqualTo(full.Layout.Shape.ToArray()));
            Assert.That(vouched.Layout.Strides.ToArray(), Is.EqualTo(full.Layout.Strides.ToArray()));
            Assert.That(vouched.Layout.Suboffsets.ToArray(), Is.EqualTo(full.Layout.Suboffsets.ToArray()));
        }
        else
        {
            Assert.That(vouchedError!.Message, Is.EqualTo(fullError!.Message));
        }
    }

    [Test]
    public void Verify_AnswerChangedAfterwards_IsVerifiedInFull()
    {
        ArrayView view = Verified(new byte[8], 1, [8]);
        var answer = new BufferView();
        view.Answer(answer, null, BufferFlags.FullRO);
        answer.Len = 9;

        var e = Assert.Throws<InvalidViewException>(() => ViewVerifier.Verify(answer, BufferFlags.FullRO, "t"));
        Assert.That(e!.Message, Is.EqualTo("t: len is 9, but product(shape) * itemsize is 8"));
    }

    [Test]
    public void Verify_AnswerWithReplacedShape_IsVerifiedInFull()
    {
        ArrayView view = Verified(new byte[8], 1, [8]);
        var answer = new BufferView();
        view.Answer(answer, null, BufferFlags.FullRO);
        answer.SetShape([16]);
        answer.Len = 16;

        var e = Assert.Throws<InvalidViewException>(() => ViewVerifier.Verify(answer, BufferFlags.FullRO, "t"));
        Assert.That(e!.Message, Is.EqualTo("t: the view reaches bytes 0 to 16 of a memory block of 8 bytes"));
    }

    [Test]
    public void Verify_ForAnotherRequest_IsVerifiedInFull()
    {
        ArrayView view = Verified(new byte[8], 1, [8]);
        var answer = new BufferView();
        view.Answer(answer, null, BufferFlags.FullRO);
        answer.ReadOnly = false;
        answer.ReadOnly = true;

        var e = Assert.Throws<InvalidViewException>(() => ViewVerifier.Verify(answer, BufferFlags.Full, "t"));
        Assert.That(e!.Message, Is.EqualTo("t: underlying buffer is not writable"));
    }

    [Test]
    public void Verify_AnswerOfAViewBuiltByHand_IsVerifiedInFull()
    {
        // The public constructor trusts nothing: this view reaches past its 8 bytes.
        var byHand = new ArrayView(new ManagedMemoryBlock(new byte[8]).At(4), ViewLayout.Contiguous(1, [8]), "B", false);
        var answer = new BufferView();
        byHand.Answer(answer, null, BufferFlags.FullRO);

        var e = Assert.Throws<InvalidViewException>(() => ViewVerifier.Verify(answer, BufferFlags.FullRO, "t"));
        Assert.That(e!.Message, Is.EqualTo("t: the view reaches bytes 4 to 12 of a memory block of 8 bytes"));
    }

    [Test]
    public void Verify_SliceOutOfRange_IsVerifiedInFull()
    {
        ArrayView view = Verified(new byte[8], 1, [8]);
        var answer = new BufferView();
        view.Slice(0, 4, 8, 1).Answer(answer, null, BufferFlags.FullRO);

        Assert.Throws<InvalidViewException>(() => ViewVerifier.Verify(answer, BufferFlags.FullRO, "t"));
    }

    [Test]
    public void Verify_CopiedAnswer_KeepsTheVouchAndTheLayout()
    {
        // A delegating exporter copies the inner answer (CopyLayoutFrom): the copy is the same answer.
        ArrayView view = Verified(new byte[24], 4, [2, 3], "i");
        var inner = new BufferView();
        view.Answer(inner, null, BufferFlags.FullRO);
        var outer = new BufferView();
        outer.CopyLayoutFrom(inner);

        Assert.That(ViewVerifier.Verify(outer, BufferFlags.FullRO, "t").Layout, Is.SameAs(view.Layout));
    }

    private static ArrayView Verified(byte[] data, long itemSize, long[] shape, string format = "B")
    {
        long length = itemSize;
        foreach (long n in shape)
        {
            length *= n;
        }

        BufferView source = BufferView.Create(null, new ManagedMemoryBlock(data).At(0), length, itemSize, false, shape.Length, format, shape, null, null);
        return ArrayView.From(ViewVerifier.Verify(source, BufferFlags.FullRO, "t"));
    }

    private static ArrayView Derive(Random random, ArrayView view)
    {
        for (int step = random.Next(4); step > 0; step--)
        {
            try
            {
                view = random.Next(5) switch
                {
                    0 => view.AsReadOnly(),
                    1 => view.Cast(random.Next(2) == 0 ? "B" : "i", null),
                    2 when view.Layout.NDim > 0 && view.Layout.Shape[0] > 0 => view.Take(0, random.Next((int)view.Layout.Shape[0])),
                    3 when view.Layout.NDim > 0 => Slice(random, view),
                    _ => view.GetContiguous(Order.C, writable: false, out _),
                };
            }
            catch (BufferException)
            {
            }
        }

        return view;
    }

    private static ArrayView Slice(Random random, ArrayView view)
    {
        long count = Slicing.Adjust(view.Layout.Shape[0], random.Next(-4, 5), random.Next(-4, 5), random.Next(2) == 0 ? 1 : -2, out long first, out long step);
        return view.Slice(0, first, count, step);
    }
}
