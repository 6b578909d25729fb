using System.Security.Cryptography;
using System.Text;

namespace StreamLabel.Client.Dashboard;

/// <summary>
/// When a token is configured, every request must carry it: `Authorization: Bearer T`, header `X-StreamLabel-Token`,
/// the cookie set after a first `?token=T` visit (so pages, their fetches and EventSource streams work), or `?token=T`.
/// </summary>
internal sealed class TokenGate(string token)
{
    public const string CookieName = "streamlabel_token";
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var r = context.Request;
        string? auth = r.Headers.Authorization;
        string? presented = auth is not null && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim()
            : r.Headers["X-StreamLabel-Token"].FirstOrDefault() ?? r.Cookies[CookieName];
        string? query = r.Query["token"].FirstOrDefault();
        if (Matches(presented) || Matches(query))
        {
            if (Matches(query))
                context.Response.Cookies.Append(CookieName, query!, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", Secure = r.IsHttps });
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await context.Response.WriteAsync("dashboard access token required: send 'Authorization: Bearer TOKEN' or open the page once with ?token=TOKEN\n");
    }

    private bool Matches(string? candidate) =>
        !string.IsNullOrEmpty(candidate) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _expected);
}
