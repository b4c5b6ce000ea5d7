// A fuzz case that failed: its seed (to replay it), what it did, and why it failed.
using System;

namespace NewBuffer.Tests.Support;

internal sealed class FuzzFailure : Exception
{
    public FuzzFailure(int seed, string log, Exception cause)
        : base($"seed {seed}: {cause.GetType().Name}: {cause.Message}\n  steps: {log}", cause)
    {
    }
}
