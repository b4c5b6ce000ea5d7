// Pre-boxed small integers and booleans. Unpacking bytes ('B', 'b', 'c'-sized data) is the
// commonest memoryview.tolist() case; handing out shared boxes for small values keeps that loop
// allocation-free. Boxes are immutable, so sharing them is safe.
namespace NewBuffer.Format;

internal static class BoxCache
{
    private const long MinSigned = -128;
    private const long MaxCached = 255;

    private static readonly object[] s_signed = CreateSigned();
    private static readonly object[] s_unsigned = CreateUnsigned();
    private static readonly object s_true = true;
    private static readonly object s_false = false;

    public static object Box(long value) =>
        value >= MinSigned && value <= MaxCached ? s_signed[value - MinSigned] : value;

    public static object Box(ulong value) => value <= MaxCached ? s_unsigned[value] : value;

    public static object Box(bool value) => value ? s_true : s_false;

    private static object[] CreateSigned()
    {
        var boxes = new object[MaxCached - MinSigned + 1];
        for (long i = 0; i < boxes.Length; i++)
            boxes[i] = i + MinSigned;
        return boxes;
    }

    private static object[] CreateUnsigned()
    {
        var boxes = new object[MaxCached + 1];
        for (ulong i = 0; i < (ulong)boxes.Length; i++)
            boxes[i] = i;
        return boxes;
    }
}
