using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StreamLabel.Grains.Student;
using StreamLabel.Grains.Telemetry;
using StreamLabel.Learning;
using StreamLabel.Learning.Bank;

namespace StreamLabel.Grains.Tests;

/// <summary>The student's history rules, without a cluster: series spacing and caps, EMAs, drift cap, clean accuracy.</summary>
public sealed class StudentMetricsKeeperTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

    private readonly BankSchedulerSet _bank = new(1);

    public void Dispose()
    {
        _services.Dispose();
        _bank.Dispose();
    }

    private StudentMetricsKeeper Keeper(StudentHistory? history = null, int seriesEvery = 10, int seriesPoints = 3) =>
        new(history ?? new StudentHistory(), new StudentOptions { SeriesEveryEvents = seriesEvery, SeriesPoints = seriesPoints, WindowSize = 4 },
            new StreamLabelMetrics(_services.GetRequiredService<IMeterFactory>(), _bank, Microsoft.Extensions.Options.Options.Create(new StudentOptions())));

    private static PrequentialResult Step(int labeled, double loss = 0.5, bool drift = false, double? agreement = null) =>
        new([], new int[labeled], labeled, 0, loss, 0, 0, drift, drift ? "adwin" : null, agreement, 1);

    private static LearnerCounters Counters(long seen, long learned = 0, long corrected = 0) =>
        new() { EventsSeen = seen, EventsLearned = learned, LabelsCorrected = corrected };

    [Fact]
    public void A_series_point_every_SeriesEveryEvents_labeled_events_keeping_the_last_SeriesPoints()
    {
        var keeper = Keeper();
        for (int i = 1; i <= 10; i++) keeper.Record(Step(5), 5, 0, Counters(5 * i, 5 * i, i), T0.AddSeconds(i));
        Assert.Equal([30L, 40L, 50L], keeper.History.Series.Select(p => p.Events));
        Assert.Equal(0.2, keeper.History.Series[^1].CorrectionRate, 12);
    }

    [Fact]
    public void Loss_and_teacher_agreement_are_moving_averages_and_a_step_without_loss_changes_nothing()
    {
        var keeper = Keeper();
        keeper.Record(Step(1, loss: 1.0, agreement: 1), 1, 0, Counters(1), T0);
        keeper.Record(Step(1, loss: 2.0, agreement: 0), 1, 0, Counters(2), T0);
        keeper.Record(Step(0, loss: double.NaN), 1, 0, Counters(3), T0);
        Assert.Equal(1.05, keeper.History.LossAverage, 12);
        Assert.Equal(0.95, keeper.History.TeacherAgreement, 12);
    }

    [Fact]
    public void The_last_100_drifts_are_kept()
    {
        var keeper = Keeper();
        for (int i = 1; i <= 105; i++) keeper.Record(Step(1, drift: true), 1, 0, Counters(i), T0);
        Assert.Equal(100, keeper.History.Drifts.Count);
        Assert.Equal(6, keeper.History.Drifts[0].Events);
        Assert.All(keeper.History.Drifts, d => Assert.Equal("adwin", d.Detector));
    }

    [Fact]
    public void Accuracy_is_against_clean_labels_when_events_carry_them()
    {
        var keeper = Keeper();
        Assert.True(keeper.Score(1, 1, clean: true));
        Assert.False(keeper.Score(0, 1, clean: true));
        Assert.True(keeper.Score(1, 1, clean: true));
        var counters = new LearnerCounters { EventsSeen = 3, EventsLabeled = 3, PredictedCorrectly = 0 };
        var view = keeper.View("k", counters, new Dictionary<string, long> { ["t:0"] = 7 }, 2, null, null, "silo", T0);
        Assert.Equal(2.0 / 3, view.Accuracy, 12);
        Assert.Equal(2.0 / 3, keeper.WindowAccuracy, 12);

        var unlabeledClean = Keeper();
        unlabeledClean.Score(1, 1, clean: false);
        Assert.Equal(0, unlabeledClean.History.CleanScored); // falls back to the learner's own accuracy
    }

    [Fact]
    public void A_new_model_starts_a_new_history_but_keeps_drifts_and_dead_letters()
    {
        var history = new StudentHistory { PredictionsPublished = 4, CleanScored = 9, TeacherVersion = 3 };
        var keeper = Keeper(history);
        keeper.Record(Step(1, drift: true), 1, 0, Counters(1), T0);
        keeper.DeadLettered();
        keeper.Score(1, 1, clean: false);
        var fresh = keeper.StartNewModel();
        Assert.Same(fresh, keeper.History);
        Assert.NotSame(history, fresh);
        Assert.Same(history.Drifts, fresh.Drifts);
        Assert.Equal((1L, 0L, 0L, (int?)null), (fresh.DeadLettered, fresh.PredictionsPublished, fresh.CleanScored, fresh.TeacherVersion));
        Assert.True(double.IsNaN(keeper.WindowAccuracy));
    }
}
