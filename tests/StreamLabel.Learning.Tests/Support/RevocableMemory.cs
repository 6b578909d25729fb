using System.Buffers;

namespace StreamLabel.Learning.Tests.Support;

/// <summary>
/// Caller-owned memory that can be revoked (like a pooled buffer returned too early): reading it afterwards throws
/// <see cref="ObjectDisposedException"/>. Lets a test make a real bank step fail after its input was accepted.
/// </summary>
internal sealed class RevocableMemory(float[] values) : MemoryManager<float>
{
    private bool _revoked;

    public void Revoke() => _revoked = true;

    public override Span<float> GetSpan() => _revoked ? throw new ObjectDisposedException(nameof(RevocableMemory)) : values;

    public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

    public override void Unpin() { }

    protected override void Dispose(bool disposing) => _revoked = true;
}
