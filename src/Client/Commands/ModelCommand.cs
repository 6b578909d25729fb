using System.CommandLine;
using StreamLabel.Client.Cli;
using StreamLabel.Client.Output;

namespace StreamLabel.Client.Commands;

/// <summary>`streamlabel model KEY`: one model's metrics, recent accuracy series and drift times.</summary>
internal static class ModelCommand
{
    public static Command Create(CommandIO io) =>
        ClusterCommand.Create("model", "one model: metrics, recent accuracy series, drift times, tuning arms", parsed => RunAsync(parsed, io),
            ClusterCommand.Key(), CliOptions.Value("--points", "N", "series points in the table (default 10; JSON has all)"));

    private static async Task<int> RunAsync(ParsedArgs parsed, CommandIO io)
    {
        string key = parsed.Value("KEY")!;
        int points = parsed.Integer("--points", 1, 100_000) ?? 10;
        return await ClusterCommand.RunAsync(parsed, io, async q =>
        {
            var d = await q.ModelAsync(key);
            if (parsed.Json) { Json.Write(io.Out, d); return 0; }
            var m = d.Model;
            var facts = new Table("FIELD", "VALUE");
            facts.Add("key", m.Key).Add("silo", m.Silo).Add("events seen", m.EventsSeen).Add("events learned", m.EventsLearned)
                .Add("accuracy", Table.Percent(m.Accuracy)).Add("window accuracy", Table.Percent(m.WindowAccuracy)).Add("loss", m.Loss)
                .Add("corrections", m.Corrections).Add("down-weights", m.DownWeights).Add("drift events", m.DriftEvents)
                .Add("teacher agreement", Table.Percent(m.TeacherAgreement)).Add("model version", m.ModelVersion)
                .Add("teacher version", m.TeacherVersion).Add("teacher staleness s", m.TeacherStalenessSeconds).Add("events/s", m.EventsPerSecond)
                .Add("warm start rows", m.WarmStartRows);
            facts.Write(io.Out);
            io.Out.WriteLine();
            var series = new Table("EVENTS", "AT", "WINDOW_ACC", "LOSS", "CORRECTION_RATE", "TEACHER_AGREE");
            foreach (var p in d.Series.TakeLast(points))
                series.Add(p.Events, p.At, Table.Percent(p.WindowAccuracy), p.Loss, Table.Percent(p.CorrectionRate), Table.Percent(p.TeacherAgreement));
            series.Write(io.Out);
            io.Out.WriteLine();
            var drifts = new Table("DRIFT_AT_EVENT", "AT", "DETECTOR");
            foreach (var x in d.Drifts) drifts.Add(x.Events, x.At, x.Detector);
            drifts.Write(io.Out);
            if (d.Tuning is { } t)
            {
                // Only for tuned models (spec Tuning = bandit): which arm is served and how the others compare.
                io.Out.WriteLine();
                io.Out.WriteLine($"tuning: served arm {t.ServedArm}, {t.Switches} switches over {t.Events} labeled events");
                var arms = new Table("ARM", "SERVED", "REWARD", "SCORE", "LIVE", "STEPS");
                foreach (var a in t.Arms) arms.Add(a.Name, a.Name == t.ServedArm ? "*" : "", Table.Percent(a.Reward), a.Score, a.Live, a.Steps);
                arms.Write(io.Out);
            }
            return 0;
        });
    }
}
