// The sizes native-mode format codes take: what "native" means for 'l'/'L', 'n'/'N' and 'P', and
// the largest size a format may have (CPython's PY_SSIZE_T_MAX; a host whose sequences are
// int-indexed, as IronPython's are with sys.maxsize 2**31-1, sets it lower).
using System;

namespace NewBuffer.Format;

/// <summary>Byte sizes of the native C long, ssize_t and pointer codes.</summary>
/// <param name="LongSize">Size of native 'l' and 'L'.</param>
/// <param name="SizeSize">Size of native 'n' and 'N'.</param>
/// <param name="PointerSize">Size of native 'P'.</param>
public sealed record NativeAbi(int LongSize, int SizeSize, int PointerSize)
{
    /// <summary>The largest size in bytes a format may describe ("total struct size too long" beyond it).</summary>
    public long MaxSize { get; init; } = nint.MaxValue;

    /// <summary>This process's C ABI, as CPython's struct module sees it.</summary>
    public static NativeAbi Platform { get; } = new(OperatingSystem.IsWindows() ? 4 : IntPtr.Size, IntPtr.Size, IntPtr.Size);
}
