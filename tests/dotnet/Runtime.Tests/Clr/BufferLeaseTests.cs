using System;
using System.Threading;
using NewBuffer.Clr;
using NewBuffer.Geometry;
using NewBuffer.Memory;
using NewBuffer.Protocol;
using NewBuffer.Tests.Support;
using NUnit.Framework;

namespace NewBuffer.Tests.Clr;

[TestFixture]
public class BufferLeaseTests
{
    [Test]
    public void Acquire_InvalidView_RefusedAndReleased()
    {
        var block = new ManagedMemoryBlock(new byte[8]);
        var exporter = new TestExporter((view, flags) =>
        {
            BufferAnswer.FillBytes(view, null, block.At(0), 8, false, flags);
            view.Len = 9;
        });

        var error = Assert.Throws<NewBuffer.Validation.InvalidViewException>(() => BufferLease.Acquire(exporter));
        Assert.That(error!.Message, Is.EqualTo("buffer: len is 9, but product(shape) * itemsize is 8"));
        Assert.That((exporter.Gets, exporter.Releases), Is.EqualTo((1, 1)));
    }

    [Test]
    public void Dispose_ReleasesExactlyOnce_ThenReadsFail()
    {
        var block = new ManagedMemoryBlock(new byte[8]);
        var exporter = new TestExporter((view, flags) => BufferAnswer.FillBytes(view, null, block.At(0), 8, false, flags));
        BufferLease lease = BufferLease.Acquire(exporter);
        lease.Dispose();
        lease.Dispose();

        Assert.That((exporter.Gets, exporter.Releases, lease.IsReleased), Is.EqualTo((1, 1, true)));
        Assert.Throws<BufferException>(() => lease.Read<byte>(0));
        Assert.Throws<BufferException>(() => lease.AsReadOnlySpan<byte>());
    }

    [Test]
    public void Items_WrongTypeOrNotContiguous_TypeAndBufferErrors()
    {
        var data = new int[2, 4];
        data[1, 3] = 9;
        using BufferLease lease = BufferLease.Acquire(ClrExport.Create(data));

        Assert.That(Assert.Throws<BufferException>(() => lease.AsReadOnlySpan<float>())!.Message, Is.EqualTo("buffer: items of format 'i' are not Single"));
        Assert.That(Assert.Throws<BufferException>(() => lease.Read<byte>(0, 0))!.Kind, Is.EqualTo(BufferErrorKind.Type));
        Assert.That(Assert.Throws<BufferException>(() => lease.AsReadOnlySpan<uint>())!.Message, Is.EqualTo("buffer: items of format 'i' are not UInt32"));
        Assert.That(lease.AsReadOnlySpan<int>()[7], Is.EqualTo(9));
    }

    [Test]
    public void Read_StridedView_FollowsStrides()
    {
        long[] data = [0, 1, 2, 3, 4, 5];
        var block = new ManagedMemoryBlock(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
        var exporter = new TestExporter((view, flags) =>
            BufferAnswer.FillFrom(view, null, block.At(40), new ViewLayout(8, [3], [-16]), "q", false, flags, "test"));
        using BufferLease lease = BufferLease.Acquire(exporter);

        Assert.That((lease.Read<long>(0), lease.Read<long>(1), lease.Read<long>(-1)), Is.EqualTo((5L, 3L, 1L)));
        Assert.That(Assert.Throws<BufferException>(() => lease.AsReadOnlySpan<long>())!.Message, Does.StartWith("buffer: a span needs a C-contiguous view"));
    }

    [Test]
    public void Dispose_FromAnotherThread_ReadsSucceedOrFailWithTheReleasedError()
    {
        for (int round = 0; round < 200; round++)
        {
            var data = new int[64];
            BufferLease lease = BufferLease.Acquire(ClrExport.Create(data));
            Exception? unexpected = null;
            var reader = new Thread(() =>
            {
                for (int i = 0; i < 1000 && unexpected is null; i++)
                {
                    try
                    {
                        lease.Read<int>(i % 64);
                    }
                    catch (BufferException e) when (e.Kind == BufferErrorKind.Value)
                    {
                    }
                    catch (Exception e)
                    {
                        unexpected = e;
                    }
                }
            });
            reader.Start();
            lease.Dispose();
            reader.Join();

            Assert.That(unexpected, Is.Null);
            Assert.Throws<BufferException>(() => lease.Read<int>(0));
        }
    }
}
