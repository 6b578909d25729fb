namespace StreamLabel.Grains;

/// <summary>One online model per key; fed by the Kafka stream, queried by operators.</summary>
public interface IStudentGrain : IGrainWithStringKey
{
    Task<ModelMetrics> GetMetricsAsync();
    Task<Prediction> PredictAsync(float[] features);
    Task<ModelSpec?> GetSpecAsync();
    /// <summary>Sets or replaces the spec; a changed spec bumps the version and starts a new model.</summary>
    Task<ModelSpec> SetSpecAsync(ModelSpec spec);
}
