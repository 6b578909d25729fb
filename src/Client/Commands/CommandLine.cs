using StreamLabel.Client.Cli;

namespace StreamLabel.Client.Commands;

/// <summary>
/// Dispatches `streamlabel COMMAND ...`. Exit codes: 0 ok, 1 the request failed (cluster unreachable, unknown model,
/// bad file), 2 usage error (unknown command/option, bad value). Results go to <c>stdout</c>, messages to <c>stderr</c>.
/// </summary>
public static class CommandLine
{
    public const string Usage = """
        usage: streamlabel COMMAND [options] [--json]
          status                                   silos, models, events/s, consumer lag, dead letters
          models                                   one row per model key
          model KEY                                one model: metrics, accuracy series, drift times
          predict KEY --features 1,2,3             probabilities, predicted class, model version
          spec show KEY | spec set KEY [--features N] [--classes a,b] [--hidden 32,16] [...]
          replay FILE.csv[.gz] --label-column C [--key K | --key-column C] [--noise R] [--noise-kind symmetric|pairflip]
                 [--drift-at F] [--rate EVENTS_PER_S] [--seed S] [--events N] [--topic T] [--bootstrap SERVERS]
                 [--config FILE]   (Kafka:BootstrapServers, Kafka:Client:* librdkafka settings such as SASL/TLS; also env
                                    Kafka__Client__sasl.password etc.)
          teacher load FILE [--group G] | teacher status [--group G]
          dashboard [--urls http://127.0.0.1:5080] [--token T]
        connection (every cluster command): --gateway HOST:PORT (default 127.0.0.1:30000) | --membership redis|adonet
          --connection STRING; --cluster-id ID --service-id ID; --config appsettings.json; --timeout SECONDS
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        if (args.Length == 0)
        {
            stderr.WriteLine(Usage);
            return 2;
        }
        if (args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine(Usage);
            return 0;
        }
        var io = new CommandIO(stdout, stderr, cancellationToken);
        var rest = args[1..];
        try
        {
            return args[0] switch
            {
                "status" => await StatusCommand.RunAsync(rest, io),
                "models" => await ModelsCommand.RunAsync(rest, io),
                "model" => await ModelCommand.RunAsync(rest, io),
                "predict" => await PredictCommand.RunAsync(rest, io),
                "spec" => await SpecCommand.RunAsync(rest, io),
                "replay" => await ReplayCommand.RunAsync(rest, io),
                "teacher" => await TeacherCommand.RunAsync(rest, io),
                "dashboard" => await DashboardCommand.RunAsync(rest, io),
                _ => throw new UsageException($"unknown command '{args[0]}' (commands: status, models, model, predict, spec, replay, teacher, dashboard)"),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"streamlabel: {e.Message}");
            stderr.WriteLine("run `streamlabel --help` for usage");
            return 2;
        }
        catch (ArgumentException e)
        {
            // Values rejected by the dataset/replay code (e.g. a label column that does not exist).
            stderr.WriteLine($"streamlabel: {e.Message}");
            return 2;
        }
        catch (CommandFailedException e)
        {
            stderr.WriteLine($"streamlabel: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine("streamlabel: cancelled");
            return 130;
        }
        catch (Exception e)
        {
            // Anything else (a grain's exception, a Redis or Kafka client error): one line naming the command, no stack trace.
            stderr.WriteLine($"streamlabel: {args[0]} failed: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }
}

/// <summary>Where a command writes, and its cancellation.</summary>
public sealed record CommandIO(TextWriter Out, TextWriter Error, CancellationToken Cancellation);
