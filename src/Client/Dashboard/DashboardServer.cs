using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.FileProviders;
using Orleans.Dashboard;
using StreamLabel.Client.Connection;
using StreamLabel.Client.Queries;

namespace StreamLabel.Client.Dashboard;

/// <summary>
/// The web dashboard: static pages (embedded in the client), the /api JSON + SSE endpoints, and Microsoft.Orleans.Dashboard
/// under <see cref="DashboardSettings.OrleansPath"/>, all in this Orleans client process.
/// </summary>
public static class DashboardServer
{
    public static WebApplication Build(DashboardSettings settings, ConnectionSettings connection)
    {
        settings.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(settings.Urls);
        builder.UseOrleansClient(c =>
        {
            c.UseStreamLabelCluster(connection);
            c.AddDashboard(); // the runtime view's client side; the silos run AddDashboard() for the data
        });
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(sp => new ClusterQueries(sp.GetRequiredService<IClusterClient>()));
        builder.Services.AddRouting();

        if (settings.LoopbackOnly) builder.Services.AddHostFiltering(o => o.AllowedHosts = ["localhost", "127.0.0.1", "[::1]"]);
        if (settings.TrustForwardedHeaders)
            builder.Services.Configure<ForwardedHeadersOptions>(o =>
            {
                o.ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedFor;
                o.KnownIPNetworks.Clear(); // the ingress controller's pod address is not known ahead
                o.KnownProxies.Clear();
            });

        var app = builder.Build();
        if (settings.LoopbackOnly) app.UseHostFiltering();
        if (settings.TrustForwardedHeaders) app.UseForwardedHeaders();
        if (!string.IsNullOrEmpty(settings.Token))
        {
            var gate = new TokenGate(settings.Token);
            app.Use((context, next) => gate.InvokeAsync(context, _ => next()));
        }
        var pages = new EmbeddedFileProvider(typeof(DashboardServer).Assembly, "StreamLabel.Client.wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = pages });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = pages });
        app.MapStreamLabelApi(settings);
        app.MapOrleansDashboard(settings.OrleansPath);
        return app;
    }

    /// <summary>The base URLs the server actually listens on (port 0 resolved), after start.</summary>
    public static IReadOnlyList<string> ListeningUrls(WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}
