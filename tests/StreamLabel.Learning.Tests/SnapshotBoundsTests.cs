using System.Buffers.Binary;
using StreamLabel.Learning.Teacher;

namespace StreamLabel.Learning.Tests;

/// <summary>A snapshot or a teacher checkpoint is a file: dimensions it claims beyond <see cref="SpecLimits"/> fail with
/// an error naming the field, before a model of that size is allocated.</summary>
public sealed class SnapshotBoundsTests
{
    private static byte[] LearnerSnapshot()
    {
        using var learner = new OnlineLearner(new LearnerSpec { FeatureCount = 4, ClassCount = 2, HiddenLayers = [8], Seed = 3, Device = "cpu" });
        return learner.Snapshot();
    }

    // Offsets in a learner snapshot: magic (4 bytes), format (4), then the spec's feature count, class count, layer count, widths.
    [Theory]
    [InlineData(8, 1_000_000, "FeatureCount")]
    [InlineData(12, 100_000, "ClassCount")]
    [InlineData(16, 1_000_000, "HiddenLayers count")]
    [InlineData(20, 1_000_000, "HiddenLayers[0]")]
    public void A_snapshot_claiming_huge_dimensions_fails_naming_the_field_before_allocating(int at, int value, string field)
    {
        var bytes = LearnerSnapshot();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), value);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => OnlineLearner.Restore(bytes, "cpu"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated before the snapshot was refused");
    }

    [Fact]
    public void A_snapshot_whose_shape_has_too_many_weights_fails_before_allocating()
    {
        // Within each field's bound, but 65,536 features x 4,096 units is far beyond the weight limit.
        var bytes = LearnerSnapshot();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), SpecLimits.MaxFeatureCount);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), SpecLimits.MaxHiddenWidth);
        var e = Assert.Throws<InvalidDataException>(() => OnlineLearner.Restore(bytes, "cpu"));
        Assert.Contains("weights", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_teacher_checkpoint_claiming_a_huge_window_fails_naming_the_option()
    {
        using var teacher = new EnsembleTeacher(new LearnerSpec { FeatureCount = 4, ClassCount = 2, Device = "cpu", Seed = 1 }, new TeacherOptions { Members = 2, HiddenLayers = [8] });
        var bytes = teacher.Snapshot();
        // Magic, format, then the options: members, layer count, widths, learning rate (8 bytes), window rows.
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8 + 4 + 4 + 4 + 8), 5_000_000);
        var e = Assert.Throws<InvalidDataException>(() => EnsembleTeacher.Restore(bytes, "cpu"));
        Assert.Contains("WindowRows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_learner_spec_beyond_the_limits_names_the_field()
    {
        var wide = new LearnerSpec { FeatureCount = 8, ClassCount = 2, HiddenLayers = [5_000], Device = "cpu" };
        Assert.Contains("HiddenLayers[0]", Assert.Throws<ArgumentException>(() => wide.Validate()).Message, StringComparison.Ordinal);
        var inputs = new LearnerSpec { FeatureCount = 100_000, ClassCount = 2, Device = "cpu" };
        Assert.Contains("FeatureCount", Assert.Throws<ArgumentException>(() => inputs.Validate()).Message, StringComparison.Ordinal);
    }
}
