using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;
using StreamLabel.Deploy.Tests.Support;

namespace StreamLabel.Deploy.Tests;

/// <summary>Secrets are referenced from Secrets that deploy/README.md tells operators to create, never written into manifests.</summary>
public sealed partial class SecretHandlingTests
{
    public static TheoryData<string> Overlays() => new(RepoPaths.OverlayNames());

    [Theory, MemberData(nameof(Overlays))]
    public void Secret_like_settings_come_from_secret_references(string overlay) =>
        Assert.Empty(LiteralSecrets(RenderedOverlay.Of(overlay)));

    [Theory, MemberData(nameof(Overlays))]
    public void Every_referenced_secret_is_rendered_or_documented_in_the_deploy_readme(string overlay)
    {
        var rendered = RenderedOverlay.Of(overlay);
        var generated = rendered.All<V1Secret>().ToDictionary(s => s.Metadata.Name, s => (s.Data?.Keys ?? []).Concat(s.StringData?.Keys ?? []).ToHashSet());
        var documented = DocumentedSecrets();
        foreach (var d in rendered.All<V1Deployment>())
        {
            var pod = d.Spec.Template.Spec;
            var refs = pod.Containers.SelectMany(c => c.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef).OfType<V1SecretKeySelector>().Select(r => (r.Name, r.Key))
                .Concat((pod.Volumes ?? []).Where(v => v.Secret is not null).SelectMany(v => (v.Secret.Items ?? []).Select(i => (v.Secret.SecretName, i.Key))));
            foreach (var (name, key) in refs)
            {
                var ok = generated.TryGetValue(name, out var keys) ? keys.Contains(key) : documented.Contains((name, key));
                Assert.True(ok, $"{overlay}: Deployment/{d.Metadata.Name} reads key {key} of Secret {name}, which is neither rendered nor listed in deploy/README.md");
            }
        }
    }

    [Fact]
    public void A_literal_password_is_caught()
    {
        var prod = RenderedOverlay.Of("prod");
        var text = string.Join("\n---\n", prod.Objects.Select(o => o.Yaml))
            .Replace("Kafka__Client__sasl.username: streamlabel", "Kafka__Client__sasl.username: streamlabel\n  Kafka__Client__sasl.password: hunter2");
        var problems = LiteralSecrets(RenderedOverlay.Parse("prod-broken", text)).ToList();
        Assert.Contains(problems, p => p.Contains("Kafka__Client__sasl.password"));
    }

    [Fact]
    public void A_connection_string_with_a_password_in_a_generated_secret_is_caught()
    {
        var dev = RenderedOverlay.Of("dev");
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("redis:6379,password=hunter2"));
        var original = Convert.ToBase64String(Encoding.UTF8.GetBytes("redis:6379"));
        var text = string.Join("\n---\n", dev.Objects.Select(o => o.Yaml)).Replace(original, encoded);
        Assert.Contains(LiteralSecrets(RenderedOverlay.Parse("dev-broken", text)), p => p.Contains("password"));
    }

    /// <summary>Secret names and keys from the table in deploy/README.md's "Secrets" section: | `name` | `key` | ... |.</summary>
    public static HashSet<(string Name, string Key)> DocumentedSecrets()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Deploy, "README.md"));
        return SecretRow().Matches(readme).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToHashSet();
    }

    private static IEnumerable<string> LiteralSecrets(RenderedOverlay overlay)
    {
        foreach (var d in overlay.All<V1Deployment>())
        foreach (var c in d.Spec.Template.Spec.Containers)
        foreach (var e in c.Env ?? [])
            if (SecretName().IsMatch(e.Name) && e.ValueFrom?.SecretKeyRef is null)
                yield return $"{overlay.Overlay}: Deployment/{d.Metadata.Name} env {e.Name} is not from a secretKeyRef";
        foreach (var cm in overlay.All<V1ConfigMap>())
        foreach (var (key, value) in cm.Data ?? new Dictionary<string, string>())
            if (SecretName().IsMatch(key) || SecretValue().IsMatch(value))
                yield return $"{overlay.Overlay}: ConfigMap/{cm.Metadata.Name} holds {key}, a secret in plain sight";
        foreach (var s in overlay.All<V1Secret>())
        foreach (var (key, bytes) in s.Data ?? new Dictionary<string, byte[]>())
            if (SecretName().IsMatch(key) || SecretValue().IsMatch(Encoding.UTF8.GetString(bytes)))
                yield return $"{overlay.Overlay}: Secret/{s.Metadata.Name} key {key} has a password or token written into the manifests";
    }

    // Connection strings are secrets too: a Redis or PostgreSQL string may carry a password.
    [GeneratedRegex(@"password|passwd|token|secret|credential|connectionstring|sasl\.jaas|ssl\.key\.", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"password\s*=|pwd\s*=|://[^/\s:@]+:[^/\s@]+@", RegexOptions.IgnoreCase)]
    private static partial Regex SecretValue();

    [GeneratedRegex(@"^\|\s*`([a-z0-9.-]+)`\s*\|\s*`([A-Za-z0-9._-]+)`\s*\|", RegexOptions.Multiline)]
    private static partial Regex SecretRow();
}
