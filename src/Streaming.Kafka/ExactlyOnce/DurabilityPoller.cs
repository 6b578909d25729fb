namespace StreamLabel.Streaming.Kafka.ExactlyOnce;

/// <summary>Asks the grains of keys with undurable events for their durable offsets (pull: see IDurableOffsetSource).</summary>
internal sealed class DurabilityPoller(IGrainFactory grains, KafkaStreamOptions options, Action<string, string> onFailure)
{
    /// <summary>One answer per key; null where the grain did not answer in time (its events stay undurable).</summary>
    public async Task<List<(string Key, DurableOffsets? Answer)>> AskAsync(string[] keys)
    {
        var asks = new Task<(string, DurableOffsets?)>[keys.Length];
        for (int i = 0; i < keys.Length; i++) asks[i] = AskOneAsync(keys[i]);
        return [.. await Task.WhenAll(asks)];
    }

    private async Task<(string, DurableOffsets?)> AskOneAsync(string key)
    {
        try
        {
            var source = grains.GetGrain<IDurableOffsetSource>(key, options.DurableOffsetGrainClassPrefix);
            return (key, await source.GetDurableOffsetsAsync().WaitAsync(options.DurabilityCallTimeout));
        }
        catch (Exception e)
        {
            onFailure(key, e.Message);
            return (key, null);
        }
    }
}
