using System.Text.Json;
using StreamLabel.Client.Cli;
using StreamLabel.Client.Output;
using StreamLabel.Client.Queries;

namespace StreamLabel.Client.Dashboard;

/// <summary>The dashboard's JSON API (same shapes as `--json`) and its server-sent-event stream for live views.</summary>
internal static class ApiEndpoints
{
    public static void MapStreamLabelApi(this WebApplication app, DashboardSettings settings)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/info", () => Results.Json(new { orleansDashboard = settings.OrleansPath + "/", refreshMs = settings.RefreshMs }, Json.Compact));
        api.MapGet("/status", (ClusterQueries q) => Answer(q.StatusAsync));
        // ?after=KEY&limit=N: a page in key order (each row asks its student, so a page keeps only its students active).
        api.MapGet("/models", async (ClusterQueries q, string? after, int? limit) => limit is < 1
            ? Results.BadRequest(new { error = $"limit must be at least 1 (got {limit})" })
            : await Answer(() => q.ModelsAsync(after, limit ?? int.MaxValue)));
        api.MapGet("/models/{key}", (string key, ClusterQueries q) => Answer(() => q.ModelAsync(key)));
        api.MapGet("/models/{key}/spec", (string key, ClusterQueries q) => Answer(() => q.SpecAsync(key)));
        api.MapGet("/teachers", (ClusterQueries q) => Answer(() => q.TeachersAsync(null)));
        api.MapGet("/stream", StreamAsync);

        // Live views: one SSE message per refresh with the view's JSON; the browser's EventSource reconnects on its own.
        async Task StreamAsync(HttpContext context, ClusterQueries q, string view, string? key, string? after, int? limit)
        {
            if (limit is < 1) throw new BadHttpRequestException($"limit must be at least 1 (got {limit})");
            Func<Task<object>> read = view switch
            {
                "status" => async () => await q.StatusAsync(),
                "models" => async () => await q.ModelsAsync(after, limit ?? int.MaxValue),
                "model" when !string.IsNullOrEmpty(key) => async () => await q.ModelAsync(key),
                _ => throw new BadHttpRequestException("view must be status, models or model (with key)"),
            };
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            // Ends with the request or with the app: an open page must not hold Ctrl-C for the host's shutdown timeout.
            var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            var aborted = linked.Token;
            while (!aborted.IsCancellationRequested)
            {
                string payload;
                string kind = "data";
                try { payload = JsonSerializer.Serialize(await read(), Json.Compact); }
                catch (Exception e) when (e is CommandFailedException or OrleansException or TimeoutException)
                {
                    kind = "failure";
                    payload = JsonSerializer.Serialize(new { error = e.Message }, Json.Compact);
                }
                try
                {
                    await context.Response.WriteAsync($"event: {kind}\ndata: {payload}\n\n", aborted);
                    await context.Response.Body.FlushAsync(aborted);
                    await Task.Delay(settings.RefreshMs, aborted);
                }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    private static async Task<IResult> Answer<T>(Func<Task<T>> read)
    {
        try
        {
            return Results.Json(await read(), Json.Compact);
        }
        catch (CommandFailedException e)
        {
            return Results.Json(new { error = e.Message }, Json.Compact, statusCode: StatusCodes.Status404NotFound);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            return Results.Json(new { error = e.Message }, Json.Compact, statusCode: StatusCodes.Status502BadGateway);
        }
    }
}
