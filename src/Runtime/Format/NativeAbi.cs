// The sizes native-mode format codes take: what "native" means for 'l'/'L', 'n'/'N' and 'P'.
using System;

namespace NewBuffer.Format;

/// <summary>Byte sizes of the native C long, ssize_t and pointer codes.</summary>
/// <param name="LongSize">Size of native 'l' and 'L'.</param>
/// <param name="SizeSize">Size of native 'n' and 'N'.</param>
/// <param name="PointerSize">Size of native 'P'.</param>
public sealed record NativeAbi(int LongSize, int SizeSize, int PointerSize)
{
    /// <summary>This process's C ABI, as CPython's struct module sees it.</summary>
    public static NativeAbi Platform { get; } = new(OperatingSystem.IsWindows() ? 4 : IntPtr.Size, IntPtr.Size, IntPtr.Size);
}
