using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Extensions;

namespace StreamLabel.Client.Dashboard;

/// <summary>
/// When a token is configured, every request must carry it: `Authorization: Bearer T`, header `X-StreamLabel-Token`,
/// or the cookie a browser gets for it. A `?token=T` link is only exchanged for that cookie: the answer is a redirect
/// to the same address without the token, so it does not stay in the address bar, the history or proxy logs.
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
        if (Matches(r.Query["token"].FirstOrDefault()))
        {
            // Secure behind TLS, also where an ingress terminates it (forwarded headers make IsHttps true then).
            context.Response.Cookies.Append(CookieName, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", Secure = r.IsHttps });
            context.Response.Redirect(WithoutToken(r));
            return;
        }
        if (Matches(presented))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await context.Response.WriteAsync("dashboard access token required: send 'Authorization: Bearer TOKEN' or open the page once with ?token=TOKEN\n");
    }

    /// <summary>The request's path and query without its token parameter (relative, so it stays on the host the browser used).</summary>
    private static string WithoutToken(HttpRequest r)
    {
        var query = new QueryBuilder(r.Query.Where(p => p.Key != "token").SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? ""))));
        return r.PathBase + r.Path + query.ToQueryString();
    }

    private bool Matches(string? candidate) =>
        !string.IsNullOrEmpty(candidate) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _expected);
}
