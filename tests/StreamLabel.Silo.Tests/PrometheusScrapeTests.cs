using StreamLabel.Silo.Tests.Support;
using Xunit.Abstractions;

namespace StreamLabel.Silo.Tests;

/// <summary>A real Prometheus scrapes a real silo's /metrics during the demo replay and answers the queries an operator
/// or autoscaler would ask: how fast is it learning, and how far behind is it.</summary>
public sealed class PrometheusScrapeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Prometheus_scrapes_the_silo_and_answers_the_learned_rate_and_the_consumer_lag()
    {
        // A paced replay long enough to be scraped many times while learning.
        await using var silo = SiloProcess.Start("--rate", "1500", "--events", "200000");
        await using var prometheus = PrometheusServer.Start("streamlabel-silo", $"127.0.0.1:{silo.HealthPort}");
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            double learnedRate = 0;
            List<(Dictionary<string, string> Labels, double Value)> lag = [];
            while (DateTime.UtcNow < deadline && (learnedRate <= 0 || lag.Count == 0))
            {
                await Task.Delay(1000);
                var rate = await prometheus.QueryAsync("sum(rate(streamlabel_events_learned_total{job=\"streamlabel-silo\"}[10s]))");
                learnedRate = rate.Count == 1 ? rate[0].Value : 0;
                lag = await prometheus.QueryAsync("streamlabel_kafka_consumer_lag{job=\"streamlabel-silo\"}");
            }
            output.WriteLine($"learned rate {learnedRate:F0} events/s; lag series {lag.Count}");
            Assert.True(learnedRate > 100, $"learned-events rate {learnedRate} from Prometheus");
            // The embedded broker has 8 partitions, all read by this one silo.
            Assert.Equal(8, lag.Count);
            Assert.All(lag, s => Assert.StartsWith("events:", s.Labels["partition"]));
            Assert.All(lag, s => Assert.True(s.Value >= 0));
            var up = await prometheus.QueryAsync("up{job=\"streamlabel-silo\"}");
            Assert.Equal(1.0, Assert.Single(up).Value);
            // The step and storage timings an operator reads beside the rate: bank steps, their busy time, and writes.
            double bankSteps = 0, busy = 0, persists = 0;
            var timings = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < timings && (bankSteps <= 0 || busy <= 0 || persists <= 0))
            {
                bankSteps = Sum(await prometheus.QueryAsync("streamlabel_bank_steps_total{job=\"streamlabel-silo\"}"));
                busy = Sum(await prometheus.QueryAsync("streamlabel_bank_busy_time_seconds_total{job=\"streamlabel-silo\"}"));
                persists = Sum(await prometheus.QueryAsync("streamlabel_student_persist_milliseconds_count{job=\"streamlabel-silo\"}"));
                await Task.Delay(1000);
            }
            output.WriteLine($"bank steps {bankSteps}, bank busy {busy:F2} s, persists {persists}");
            Assert.True(bankSteps > 0 && busy > 0, $"bank steps {bankSteps}, busy {busy} s");
            Assert.True(persists > 0, "no student write was timed");
            // Per-key accuracy: the demo's one key, as a series with its key label, a fraction.
            var keyAccuracy = await prometheus.QueryAsync("streamlabel_student_window_accuracy{job=\"streamlabel-silo\"}");
            var series = Assert.Single(keyAccuracy);
            Assert.False(string.IsNullOrEmpty(series.Labels["key"]));
            Assert.InRange(series.Value, 0.0, 1.0);
        }
        finally
        {
            output.WriteLine(silo.Output);
        }
    }

    private static double Sum(List<(Dictionary<string, string> Labels, double Value)> series) => series.Sum(s => s.Value);
}
