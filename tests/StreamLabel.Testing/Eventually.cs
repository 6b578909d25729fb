namespace StreamLabel.Testing;

/// <summary>Polls for a condition instead of sleeping a fixed time.</summary>
public static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> holds; throws with <paramref name="describe"/>'s text on timeout.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describe, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return;
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"condition not met within {timeout}: {await describe()}");
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(250));
        }
    }
}
