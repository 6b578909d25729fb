using System.Net;
using StreamLabel.Silo.Hosting;

namespace StreamLabel.Silo.Tests;

/// <summary>/diagnostics forces full collections: loopback callers may use it, others only with the configured token.</summary>
public sealed class DiagnosticsAccessTests
{
    private static readonly IPAddress PodAddress = IPAddress.Parse("10.1.2.3");

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Loopback_callers_need_no_token(string address) =>
        Assert.True(DiagnosticsAccess.Allows(IPAddress.Parse(address), null, null));

    [Fact]
    public void Other_callers_are_refused_when_no_token_is_configured()
    {
        Assert.False(DiagnosticsAccess.Allows(PodAddress, null, null));
        Assert.False(DiagnosticsAccess.Allows(PodAddress, "Bearer ", ""));
        Assert.False(DiagnosticsAccess.Allows(null, null, null));
    }

    [Fact]
    public void Other_callers_need_the_exact_bearer_token()
    {
        Assert.True(DiagnosticsAccess.Allows(PodAddress, "Bearer s3cret", "s3cret"));
        Assert.False(DiagnosticsAccess.Allows(PodAddress, "Bearer s3cre", "s3cret"));
        Assert.False(DiagnosticsAccess.Allows(PodAddress, "Bearer s3cret2", "s3cret"));
        Assert.False(DiagnosticsAccess.Allows(PodAddress, "s3cret", "s3cret"));
        Assert.False(DiagnosticsAccess.Allows(PodAddress, null, "s3cret"));
    }
}
