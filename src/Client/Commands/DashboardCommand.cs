using System.CommandLine;
using Microsoft.Extensions.Configuration;
using StreamLabel.Client.Cli;
using StreamLabel.Client.Connection;
using StreamLabel.Client.Dashboard;
using StreamLabel.Client.Output;
using StreamLabel.Client.Queries;

namespace StreamLabel.Client.Commands;

/// <summary>`streamlabel dashboard [--urls U] [--token T] [--refresh-ms N]`: serves the dashboard until Ctrl-C; prints its URL first.</summary>
internal static class DashboardCommand
{
    public static Command Create(CommandIO io) =>
        ClusterCommand.Create("dashboard", "serves the web dashboard until Ctrl-C; prints its URL first", parsed => RunAsync(parsed, io),
            CliOptions.Value("--urls", "URLS", "where to listen (default http://127.0.0.1:5080, or Dashboard:Urls; port 0 picks a free port)"),
            CliOptions.Value("--token", "T", "access token, 16+ characters; required to listen beyond loopback (or Dashboard:Token)"),
            CliOptions.Value("--refresh-ms", "N", "live update period (default 1000, or Dashboard:RefreshMs)"));

    private static async Task<int> RunAsync(ParsedArgs parsed, CommandIO io)
    {
        var connection = ConnectionSettings.From(parsed);
        var settings = Settings(parsed);
        var app = DashboardServer.Build(settings, connection);
        try
        {
            await app.StartAsync(io.Cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException || !io.Cancellation.IsCancellationRequested)
        {
            await app.DisposeAsync();
            throw new CommandFailedException($"dashboard could not start ({connection.Describe()}, urls {settings.Urls}): {e.Message}", e);
        }
        string url = DashboardServer.ListeningUrls(app).FirstOrDefault() ?? settings.Urls;
        url = url.TrimEnd('/') + "/";
        var view = new DashboardView(url, url.TrimEnd('/') + settings.OrleansPath + "/", !string.IsNullOrEmpty(settings.Token));
        if (parsed.Json) Json.Write(io.Out, view);
        else
        {
            io.Out.WriteLine($"dashboard: {url}");
            io.Out.WriteLine($"orleans runtime view: {view.OrleansDashboardUrl}");
            if (view.TokenRequired) io.Out.WriteLine("access token required (open the page once with ?token=TOKEN)");
        }
        io.Out.Flush();
        try
        {
            await Task.Delay(Timeout.Infinite, io.Cancellation);
        }
        catch (OperationCanceledException) { }
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        return 0;
    }

    internal static DashboardSettings Settings(ParsedArgs parsed)
    {
        var config = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        if (parsed.Value("--config") is { } file) config.AddJsonFile(Path.GetFullPath(file), optional: false);
        var section = config.AddEnvironmentVariables().Build().GetSection("Dashboard");
        var s = new DashboardSettings();
        int refresh = int.TryParse(section["RefreshMs"], out var r) ? r : s.RefreshMs;
        s = s with
        {
            Urls = parsed.Value("--urls") ?? section["Urls"] ?? s.Urls,
            Token = parsed.Value("--token") ?? section["Token"] ?? s.Token,
            RefreshMs = parsed.Integer("--refresh-ms") ?? refresh,
            OrleansPath = section["OrleansPath"] ?? s.OrleansPath,
            TrustForwardedHeaders = section.GetValue<bool?>("TrustForwardedHeaders") ?? s.TrustForwardedHeaders,
        };
        s.Validate();
        return s;
    }
}
