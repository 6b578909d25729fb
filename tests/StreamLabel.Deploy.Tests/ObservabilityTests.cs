using System.Text.Json;
using System.Text.RegularExpressions;
using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>
/// The scrape config and the example Grafana dashboard agree with the silos: the PodMonitor scrapes every silo's
/// /metrics on its health port, and every metric a panel queries is listed in deploy/README.md, where each one named
/// after a meter instrument is that instrument's Prometheus name (OpenTelemetry's Prometheus exporter conventions) and
/// the instrument exists in src/.
/// </summary>
public sealed partial class ObservabilityTests
{
    private static string DashboardPath => Path.Combine(RepoPaths.Deploy, "grafana", "streamlabel.json");

    public static TheoryData<string> MonitoredOverlays() =>
        new(RepoPaths.OverlayNames().Where(o => RenderedOverlay.Of(o).OfKind("PodMonitor").Any()));

    [Fact]
    public void The_production_overlays_are_scraped() =>
        Assert.Superset(new HashSet<string> { "prod", "confluent" },
            RepoPaths.OverlayNames().Where(o => RenderedOverlay.Of(o).OfKind("PodMonitor").Any()).ToHashSet());

    [Theory, MemberData(nameof(MonitoredOverlays))]
    public void The_pod_monitor_scrapes_metrics_on_every_silos_health_port(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var monitor = Assert.Single(rendered.OfKind("PodMonitor"));
        var selector = KubernetesSchema.ReadStrict<k8s.Models.V1LabelSelector>(new YamlDotNet.Serialization.SerializerBuilder().Build().Serialize(monitor.Raw.Map("spec", "selector")));
        var scraped = rendered.Deployments(Workloads.SiloName).Where(d => NetworkPolicyEvaluator.Matches(selector, d.Spec.Template.Metadata.Labels)).Select(d => d.Metadata.Name);
        Assert.Equal(rendered.Deployments(Workloads.SiloName).Select(d => d.Metadata.Name).Order(), scraped.Order());
        var endpoint = Assert.Single(monitor.Raw.Maps("spec", "podMetricsEndpoints"));
        Assert.Equal("/metrics", endpoint.Text("path"));
        foreach (var c in rendered.Containers(Workloads.SiloName))
        {
            var port = c.Container.Ports.SingleOrDefault(p => p.Name == endpoint.Text("port"));
            Assert.True(port is not null, $"{c.Where} has no port named {endpoint.Text("port")}");
            Assert.Equal(new Uri(c.Value("Health__Urls")!).Port, port.ContainerPort);
        }
    }

    [Fact]
    public void The_dashboard_has_the_panels_operators_need_each_with_a_query()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var panels = json.RootElement.GetProperty("panels").EnumerateArray().ToList();
        var titles = panels.Select(p => p.GetProperty("title").GetString()!).ToList();
        foreach (var needed in new[] { "Events learned", "Consumer lag per partition", "Dead letters by reason", "Window accuracy", "Teacher pull latency", "Bank step time" })
            Assert.Contains(titles, t => t.StartsWith(needed, StringComparison.Ordinal));
        Assert.All(panels, p => Assert.Contains(p.GetProperty("targets").EnumerateArray(), t => !string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString())));
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
    }

    [Fact]
    public void Every_metric_the_dashboard_queries_is_documented_and_each_instrument_metric_exists() =>
        Assert.Empty(MetricProblems(File.ReadAllText(DashboardPath), File.ReadAllText(Path.Combine(RepoPaths.Deploy, "README.md"))));

    [Theory]
    [InlineData("dashboard", "streamlabel_events_learned_total", "streamlabel_events_learnt_total", "queries streamlabel_events_learnt_total, which is not listed")]
    [InlineData("readme", "| `streamlabel_student_step_milliseconds` |", "| `streamlabel_student_step_seconds` |", "streamlabel.student.step is exported as streamlabel_student_step_milliseconds")]
    [InlineData("readme", "instrument `streamlabel.drifts`", "instrument `streamlabel.drift`", "instrument streamlabel.drift is not created anywhere")]
    [InlineData("readme", "| `streamlabel_kafka_consumer_lag` | gauge", "| `streamlabel_kafka_consumer_lag_total` | gauge", "streamlabel.kafka.consumer_lag is exported as streamlabel_kafka_consumer_lag")]
    [InlineData("readme", "| counter | instrument `streamlabel.teacher.pulls` |", "| counter | planned: instrument `streamlabel.teacher.pulls` |", "streamlabel.teacher.pulls exists in src/ but is listed as planned")]
    public void A_misnamed_metric_is_caught(string where, string find, string replace, string expected)
    {
        var dashboard = File.ReadAllText(DashboardPath);
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Deploy, "README.md"));
        Assert.Contains(find, where == "dashboard" ? dashboard : readme);
        var problems = where == "dashboard" ? MetricProblems(dashboard.Replace(find, replace), readme) : MetricProblems(dashboard, readme.Replace(find, replace));
        Assert.Contains(problems, p => p.Contains(expected));
    }

    private static IEnumerable<string> MetricProblems(string dashboard, string readme)
    {
        var documented = MetricRow().Matches(readme).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        if (documented.Count == 0) yield return "deploy/README.md lists no metrics";
        using var json = JsonDocument.Parse(dashboard);
        var queried = json.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!)
            .SelectMany(e => MetricName().Matches(e).Select(m => HistogramSeries().Replace(m.Value, ""))).ToHashSet();
        foreach (var metric in queried.Where(m => !documented.ContainsKey(m)))
            yield return $"the dashboard queries {metric}, which is not listed in deploy/README.md";
        var instruments = Instruments().ToDictionary(i => i.Name, i => i.Prometheus);
        foreach (var (metric, source) in documented)
        {
            var instrument = InstrumentName().Match(source);
            if (!instrument.Success) continue; // another exporter's metric, or a planned one
            var name = instrument.Groups[1].Value;
            if (source.Contains("planned", StringComparison.OrdinalIgnoreCase))
            {
                if (instruments.ContainsKey(name)) yield return $"{name} exists in src/ but is listed as planned";
            }
            else if (!instruments.TryGetValue(name, out var exported)) yield return $"{metric}: instrument {name} is not created anywhere in src/";
            else if (exported != metric) yield return $"{name} is exported as {exported}, not {metric}";
        }
    }

    /// <summary>Meter instruments created in src/ and their Prometheus names: dots to underscores, the unit spelled out
    /// (annotations like {event} dropped), counters suffixed _total.</summary>
    private static IEnumerable<(string Name, string Prometheus)> Instruments()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/")))
        {
            var text = File.ReadAllText(file);
            var constants = StringConstant().Matches(text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            foreach (Match m in InstrumentCall().Matches(text))
            {
                var name = m.Groups["literal"].Success ? m.Groups["literal"].Value : constants.GetValueOrDefault(m.Groups["constant"].Value);
                if (name is null) continue;
                var unit = m.Groups["unit"].Value switch { "ms" => "_milliseconds", "s" => "_seconds", "By" => "_bytes", "1" => "_ratio", var u when u.StartsWith('{') || u == "" => "", var u => "_" + u };
                var total = m.Groups["kind"].Value.EndsWith("Counter", StringComparison.Ordinal) && !m.Groups["kind"].Value.Contains("UpDown") ? "_total" : "";
                yield return (name, name.Replace('.', '_') + unit + total);
            }
        }
    }

    [GeneratedRegex(@"^\|\s*`([a-z_:]+)`\s*\|[^|]*\|([^|]*)\|", RegexOptions.Multiline)]
    private static partial Regex MetricRow();

    [GeneratedRegex(@"\b(?:streamlabel|kafka)_[a-z_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"_(bucket|sum|count)$")]
    private static partial Regex HistogramSeries();

    [GeneratedRegex(@"`(streamlabel\.[a-z_.]+)`")]
    private static partial Regex InstrumentName();

    [GeneratedRegex(@"const string (\w+) = ""([^""]+)""")]
    private static partial Regex StringConstant();

    // Observable instruments take their callback between the name and the unit; their type argument may be inferred.
    [GeneratedRegex(@"Create(?<kind>Counter|Histogram|UpDownCounter|Gauge|ObservableCounter|ObservableGauge|ObservableUpDownCounter)(?:<\w+>)?\(\s*(?:""(?<literal>[^""]+)""|(?<constant>\w+))\s*,\s*(?:\w+\s*,\s*)?""(?<unit>[^""]*)""")]
    private static partial Regex InstrumentCall();
}
