// Native memory with guards on both sides, so a test can prove that code under test touched only
// the bytes an exporter supplied. On Linux each allocation gets its own mmap'd pages between two
// PROT_NONE pages: the block ends exactly at the right guard page (Align.End) or starts exactly at
// the left one (Align.Start), so one byte read past that edge faults, and the slack on the other
// side of the data pages holds canary bytes that catch writes. Elsewhere (or if mmap fails) the
// block sits between canary runs in ordinary native memory: writes are caught, reads are not.
//
// A fault kills the test host; that is the point, and it only happens when the code under test is
// wrong. Revoke() turns the data pages PROT_NONE as well, standing in for memory an exporter freed
// at release: any later access faults. Dispose forgets the block in the registry before unmapping,
// so no stale address can resolve into unmapped memory.
using System;
using System.Runtime.InteropServices;
using NewBuffer.Memory;

namespace NewBuffer.Tests.Support;

public sealed unsafe partial class GuardedMemory : IDisposable
{
    public const byte Canary = 0xCB;

    private const int CanaryBytes = 64;
    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;

    private readonly byte* _base;
    private readonly nuint _total;
    private readonly bool _mapped;
    private readonly byte* _start;
    private readonly long _length;
    private readonly byte* _slack;
    private readonly long _slackLength;
    private readonly byte* _slack2;
    private readonly long _slack2Length;
    private bool _disposed;

    private GuardedMemory(ReadOnlySpan<byte> content, Align align)
    {
        _length = content.Length;
        long page = Environment.SystemPageSize;
        long dataPages = Math.Max((_length + page - 1) / page, 1) * page;
        if (OperatingSystem.IsLinux() && (RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64))
        {
            _total = (nuint)(dataPages + 2 * page);
            nint mapped = Mmap(0, _total, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            if (mapped != -1 && mapped != 0)
            {
                _mapped = true;
                _base = (byte*)mapped;
                Protect(_base, page, ProtNone);
                Protect(_base + page + dataPages, page, ProtNone);
                byte* data = _base + page;
                _start = align == Align.End ? data + dataPages - _length : data;
                _slack = align == Align.End ? data : _start + _length;
                _slackLength = dataPages - _length;
            }
        }

        if (!_mapped)
        {
            _total = (nuint)(_length + 2 * CanaryBytes);
            _base = (byte*)NativeMemory.Alloc(_total);
            _start = _base + CanaryBytes;
            _slack = _base;
            _slackLength = CanaryBytes;
            _slack2 = _start + _length;
            _slack2Length = CanaryBytes;
        }

        new Span<byte>(_slack, (int)_slackLength).Fill(Canary);
        new Span<byte>(_slack2, (int)_slack2Length).Fill(Canary);
        content.CopyTo(new Span<byte>(_start, (int)_length));
        Block = new NativeMemoryBlock((nint)_start, _length, owner: this);
    }

    /// <summary>Which edge of the block touches a guard page (the other edge has canaries).</summary>
    public enum Align
    {
        End,
        Start,
    }

    public NativeMemoryBlock Block { get; }

    public static GuardedMemory Allocate(ReadOnlySpan<byte> content, Align align) => new(content, align);

    /// <summary>Throws when a canary byte next to the block changed: something wrote outside it.</summary>
    public void AssertCanariesIntact()
    {
        if (_disposed)
        {
            return;
        }

        if (new Span<byte>(_slack, (int)_slackLength).ContainsAnyExcept(Canary)
            || new Span<byte>(_slack2, (int)_slack2Length).ContainsAnyExcept(Canary))
        {
            throw new InvalidOperationException($"a write landed outside the {_length}-byte block at 0x{(nint)_start:x}");
        }
    }

    /// <summary>Makes the block itself inaccessible (mmap) or poisons it (fallback), like memory freed at release.</summary>
    public void Revoke()
    {
        MemoryRegistry.Forget(Block);
        if (_mapped)
        {
            Protect(_base, (long)_total, ProtNone);
        }
        else
        {
            new Span<byte>(_start, (int)_length).Fill(0xDD);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        MemoryRegistry.Forget(Block);
        if (_mapped)
        {
            _ = Munmap((nint)_base, _total);
        }
        else
        {
            NativeMemory.Free(_base);
        }
    }

    private static void Protect(byte* at, long length, int protection)
    {
        if (Mprotect((nint)at, (nuint)length, protection) != 0)
        {
            throw new InvalidOperationException($"mprotect failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static partial int Mprotect(nint address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);
}
