using System.Buffers;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using StreamLabel.Learning;
using StreamLabel.Learning.Tuning;
using StreamLabel.Streaming.Kafka.DeadLetters;
using StreamLabel.Streaming.Kafka.Events;
using StreamLabel.Streaming.Kafka.ExactlyOnce;

namespace StreamLabel.Grains.Student;

public sealed partial class StudentGrain
{
    /// <summary>
    /// A delivery of this key's events (one poll of one partition). Duplicates of applied events are skipped,
    /// invalid ones dead-lettered, the rest applied in offset order in steps of at most Student:MaxBatchSize (larger
    /// while catching up a backlog, see <see cref="StepSize"/>).
    /// </summary>
    public async Task OnNextAsync(IList<SequentialItem<StreamEvent>> items)
    {
        ThrowIfFailed(); // a delivery after a failed one would be judged by a ledger that holds the failed offsets
        var valid = new List<StreamEvent>(items.Count);
        var pending = new List<Task>(); // dead letters and predictions
        int accepted = 0;
        try
        {
            foreach (var item in items)
            {
                var e = item.Item;
                if (_ledger.Check(e) != EventVerdict.Apply) continue; // a duplicate, or a gap the reader will fill again
                var reason = Validate(e, out var detail);
                if (reason is null) valid.Add(e);
                else
                {
                    pending.Add(deadLetters.WriteAsync(e, reason, detail));
                    _metrics.DeadLettered();
                }
                // Marked in delivery order so the ledger can judge the next event; the effect follows below, in this turn.
                _ledger.MarkApplied(e);
                accepted++;
            }
            int stepSize = StepSize(valid.Count);
            for (int start = 0; start < valid.Count; start += stepSize)
                await StepAsync(valid, start, Math.Min(stepSize, valid.Count - start), pending);
            // Dead letters and predictions must be acknowledged before these offsets can become durable.
            await Task.WhenAll(pending);
        }
        catch (Exception ex)
        {
            // The in-memory model and ledger may hold part of this delivery: drop the activation, unsaved (a deactivation
            // on request would otherwise save it), so the last durable state and Kafka's redelivery rebuild it without
            // applying anything twice or losing a dead letter or a prediction.
            _failed = true;
            LogStepFailed(ex, Key);
            DeactivateOnIdle();
            throw;
        }
        if (accepted == 0) return;

        _eventsSincePersist += accepted;
        StartTimers();
        if (_teacher.CountEvents(accepted)) _ = PullTeacherAsync(CancellationToken.None);
        // A key without a spec only dead-letters, and those are acknowledged above: its ledger is saved now, or its first
        // event would hold the partition's commit back until Student:PersistEveryEvents of its events had arrived.
        if (CanPersist && (_learner is null || _eventsSincePersist >= _options.PersistEveryEvents)) await PersistAsync();
    }

    /// <summary>Student:MaxBatchSize; Student:MaxBacklogBatchSize when the delivery is a backlog (more than BacklogSteps
    /// normal steps' worth of events), so catching up takes fewer, larger steps.</summary>
    private int StepSize(int events) =>
        _options.MaxBacklogBatchSize > 0 && events > _options.MaxBatchSize * _options.BacklogSteps ? _options.MaxBacklogBatchSize : _options.MaxBatchSize;

    /// <summary>Null when the event can be applied, else the dead-letter reason.</summary>
    private string? Validate(StreamEvent e, out string? detail)
    {
        detail = null;
        if (_learner is null && _overCap is { } cap)
        {
            detail = $"key '{Key}' is over Models:Patterns MaxKeys {cap.MaxKeys} of pattern '{cap.Pattern}': raise the cap, or set a spec with `streamlabel spec set`";
            return DeadLetterReasons.KeyCap;
        }
        if (_learner is null)
        {
            detail = $"no model spec for key '{Key}': set one with `streamlabel spec set` or Models:Patterns";
            return DeadLetterReasons.NoModelSpec;
        }
        if (e.Features.Length != _learner.Spec.FeatureCount)
        {
            detail = $"{e.Features.Length} features, the model expects {_learner.Spec.FeatureCount}";
            return DeadLetterReasons.FeatureCountMismatch;
        }
        if (LabelIndex(e.Label) == -2)
        {
            detail = $"label '{e.Label}' is not one of {string.Join(",", _classIndex.Keys)}";
            return DeadLetterReasons.UnknownLabel;
        }
        return null;
    }

    /// <summary>Class index of a label; -1 for no label (predict only); -2 for a label outside the class list.</summary>
    private int LabelIndex(string? label) => label is null ? -1 : _classIndex.TryGetValue(label, out var i) ? i : -2;

    /// <summary>Produce→learned latency of the events that carry a "ts" (only while someone listens to the histogram).</summary>
    private void RecordLatency(List<StreamEvent> events, int start, int rows)
    {
        long learnedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int r = start; r < start + rows; r++)
            if (events[r].TimestampMs is long ts) meters.LearnLatencyMilliseconds.Record(learnedMs - ts);
    }

    /// <summary>One test-then-train step over events[start..start+rows): predict, score, learn, and publish predictions
    /// of unlabeled events.</summary>
    private async Task StepAsync(List<StreamEvent> events, int start, int rows, List<Task> publishes)
    {
        var learner = _learner!;
        int f = learner.Spec.FeatureCount;
        // Pooled: the learner reads them only during the step, which is awaited here before they go back.
        var features = ArrayPool<float>.Shared.Rent(rows * f);
        var labels = ArrayPool<int>.Shared.Rent(rows);
        try
        {
            for (int r = 0; r < rows; r++)
            {
                events[start + r].Features.CopyTo(features, r * f);
                labels[r] = LabelIndex(events[start + r].Label);
            }
            var now = DateTimeOffset.UtcNow;
            var distill = _teacher.ForStep(now);
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = await learner.TestThenTrainAsync(features.AsMemory(0, rows * f), rows, labels.AsMemory(0, rows), distill);
            meters.StepMilliseconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (meters.LearnLatencyMilliseconds.Enabled) RecordLatency(events, start, rows);
            Score(learner, events, start, rows, features, labels, result, now, publishes);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(features);
            ArrayPool<int>.Shared.Return(labels);
        }
    }

    /// <summary>After a step: buffer labeled rows for the teacher, publish predictions of unlabeled ones, score.</summary>
    private void Score(IAsyncLearner learner, List<StreamEvent> events, int start, int rows, float[] features, int[] labels,
        PrequentialResult result, DateTimeOffset now, List<Task> publishes)
    {
        int f = learner.Spec.FeatureCount, k = learner.Spec.ClassCount;
        int correctAgainstReference = 0;
        bool teach = HasTeacher; // without a teacher no pull would send the rows
        for (int r = 0; r < rows; r++)
        {
            var e = events[start + r];
            if (labels[r] >= 0) { if (teach) _teacher.Observe(features.AsSpan(r * f, f), labels[r], result.Predicted[r]); }
            else
            {
                publishes.Add(_predictions.PublishAsync(e, result.Probabilities.AsSpan(r * k, k), state.State.Spec!.Classes[result.Predicted[r]],
                    result.Version, _teacher.TeacherVersion));
                _metrics.PredictionPublished();
            }
            int reference = e.CleanLabel is not null && _classIndex.TryGetValue(e.CleanLabel, out var clean) ? clean : labels[r];
            if (reference >= 0 && _metrics.Score(result.Predicted[r], reference, clean: e.CleanLabel is not null)) correctAgainstReference++;
        }
        _metrics.Record(result, rows, correctAgainstReference, learner.Counters, now, (learner as TunedAsyncLearner)?.Status);
        tally.Stepped(Key, rows, learner.Counters.EventsSeen, now);
    }
}
