namespace StreamLabel.Datasets.Tests;

public sealed class CsvDatasetReaderTests
{
    private static string Bundled(string file) => Path.Combine(AppContext.BaseDirectory, "data", file);

    [Fact]
    public void Reads_the_bundled_Elec2_stream_with_its_header()
    {
        var data = CsvDatasetReader.Read(Bundled("elec2.csv.gz"), "class");
        Assert.Equal(45_312, data.Count);
        Assert.Equal(8, data.FeatureCount);
        Assert.Equal(["DOWN", "UP"], data.Classes);
        Assert.Equal(26_075, data.Labels.Count(y => y == 0)); // DOWN count from data/SOURCES.md
    }

    [Fact]
    public void Reads_a_headerless_stream_and_orders_numeric_classes_by_value()
    {
        var data = CsvDatasetReader.Read(new StringReader("1,2,11\n3,4,2\n5,6,3\n"), "t");
        Assert.Equal(["c0", "c1"], data.FeatureNames);
        Assert.Equal(["2", "3", "11"], data.Classes);
        Assert.Equal([2, 0, 1], data.Labels);
    }

    [Fact]
    public void Names_the_line_and_column_of_a_bad_value()
    {
        var e = Assert.Throws<FormatException>(() => CsvDatasetReader.Read(new StringReader("a,b,y\n1,2,x\n3,oops,y\n"), "t", "y"));
        Assert.Contains("line 3", e.Message);
        Assert.Contains("'b'", e.Message);
    }

    [Fact]
    public void An_unknown_label_column_lists_the_columns()
    {
        var e = Assert.Throws<ArgumentException>(() => CsvDatasetReader.Read(new StringReader("a,b,y\n1,2,x\n3,4,y\n"), "t", "label"));
        Assert.Contains("a,b,y", e.Message);
    }
}
