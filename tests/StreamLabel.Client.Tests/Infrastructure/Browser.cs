using Microsoft.Playwright;

namespace StreamLabel.Client.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium; STREAMLABEL_CHROMIUM overrides) driven by Microsoft.Playwright's bundled
/// driver, headless, with a fresh profile and no background networking (the build machines have no internet).
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public static string Executable => Environment.GetEnvironmentVariable("STREAMLABEL_CHROMIUM") ?? "/usr/bin/chromium";
    private IPlaywright? _playwright;
    private string _profile = "";
    public IBrowserContext Context { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"Chromium not found at {Executable}: install Debian's 'chromium' package (scripts/test.sh does)");
        _playwright = await Playwright.CreateAsync();
        _profile = Path.Combine(Path.GetTempPath(), "streamlabel-chromium-" + Guid.NewGuid().ToString("N"));
        Context = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            ChromiumSandbox = false, // adds --no-sandbox: CI runs as root
            Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
    }

    public async Task DisposeAsync()
    {
        // Bounded: a browser that does not close must not hold the test run (its process goes with the driver).
        if (Context is not null)
            try { await Context.CloseAsync().WaitAsync(TimeSpan.FromSeconds(30)); } catch (TimeoutException) { }
        _playwright?.Dispose();
        try { if (_profile != "") System.IO.Directory.Delete(_profile, recursive: true); } catch (IOException) { }
    }
}
