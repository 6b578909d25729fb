using StreamLabel.Grains.Specs;
using StreamLabel.Learning;

namespace StreamLabel.Grains.Student;

public sealed partial class StudentGrain
{
    public Task<ModelSpec?> GetSpecAsync() => Task.FromResult(state.State.Spec);

    /// <summary>
    /// Sets the spec. An identical spec (ignoring its version) changes nothing; a different one bumps the version and
    /// starts a new model. Applied offsets are kept: events already applied to the old model are not replayed. A spec
    /// beyond <see cref="StreamLabel.Specs.SpecLimits"/>, or one whose model cannot be built, is refused and changes nothing.
    /// </summary>
    public async Task<ModelSpec> SetSpecAsync(ModelSpec spec)
    {
        ModelSpecValidator.ThrowIfInvalid(spec);
        ThrowIfFailed();
        var current = state.State.Spec;
        if (current is not null && SameShape(current, spec)) return current;
        var next = spec with { Version = (current?.Version ?? 0) + 1 };
        int warmStart;
        try
        {
            warmStart = await BuildAsync(next, snapshot: null);
        }
        catch (Exception e) when (e is not (ArgumentException or OutOfMemoryException))
        {
            // The caller gets why, without the inner exception (Orleans may have no codec for a native library's type).
            throw new ArgumentException($"spec: model '{Key}' could not be built from it ({e.GetType().Name}: {e.Message}); the model is unchanged", nameof(spec));
        }
        state.State.Spec = next;
        state.State.History = _metrics.StartNewModel();
        if (warmStart > 0) _metrics.WarmStarted(warmStart);
        await PersistAsync();
        await ModelRegistry.RegisterAsync(GrainFactory, Key, next.TeacherGroup);
        // A new model counts its events from zero, in the silo's tally and in the registry's totals.
        tally.Activated(Key, _learner!.Counters.EventsSeen);
        await ModelRegistry.RecordEventsSeenAsync(GrainFactory, Key, _learner.Counters.EventsSeen);
        return next;
    }

    /// <summary>Equal in every field but the version; the lists compare by content, not by reference.</summary>
    private static bool SameShape(ModelSpec a, ModelSpec b) =>
        a.Classes.SequenceEqual(b.Classes) && a.HiddenLayers.SequenceEqual(b.HiddenLayers)
        && a with { Version = b.Version, Classes = b.Classes, HiddenLayers = b.HiddenLayers } == b;

    public async Task<Prediction> PredictAsync(float[] features)
    {
        var learner = _learner ?? throw new InvalidOperationException($"model '{Key}' has no spec yet");
        if (features.Length != learner.Spec.FeatureCount)
            throw new ArgumentException($"model '{Key}' expects {learner.Spec.FeatureCount} features, got {features.Length}", nameof(features));
        if (features.Any(v => !float.IsFinite(v))) throw new ArgumentException("features must be finite numbers", nameof(features));
        var p = await learner.PredictProbabilitiesAsync(features, 1);
        int best = Array.IndexOf(p, p.Max());
        return new Prediction(Key, p, state.State.Spec!.Classes[best], ModelVersion, _teacher.TeacherVersion);
    }

    private int ModelVersion => (int)Math.Min(int.MaxValue, _learner?.Version ?? 0);
}
