using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.SequenceClassification;
using MLNet.Recurrent.Tests.TestSupport;

namespace MLNet.Recurrent.Tests.Reliability;

/// <summary>
/// Issue 14, item 4: what a column's type declares (key count, class count) is checked against documented limits
/// before anything is sized by it.
/// </summary>
public sealed class DeclaredSizeLimitTests
{
    private sealed class Row
    {
        public uint[] Tokens { get; set; } = [];

        public uint Label { get; set; }
    }

    private static IDataView Rows(MLContext ml, ulong keyCount, ulong classCount)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema["Tokens"].ColumnType = new VectorDataViewType(new KeyDataViewType(typeof(uint), keyCount));
        schema["Label"].ColumnType = new KeyDataViewType(typeof(uint), classCount);
        Row[] rows = [new() { Tokens = [1, 2, 3], Label = 1 }, new() { Tokens = [2, 3], Label = 2 }, new() { Tokens = [3], Label = 1 }];
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    private static ArgumentOutOfRangeException FitFails(ulong keyCount, ulong classCount, out long allocated)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Rows(ml, keyCount, classCount);
        var estimator = ml.Transforms.Recurrent.LstmSequenceClassifier(SentenceData.SmallOptions(epochs: 1));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return e;
    }

    [Fact]
    public void Key_column_declaring_2_to_the_30_keys_is_rejected_naming_the_column_before_allocating_per_key()
    {
        var e = FitFails(1UL << 30, 3, out long allocated);
        Assert.Contains("Column 'Tokens'", e.Message);
        Assert.Contains("at most 16777216 keys", e.Message);
        Assert.Contains("it declares 1073741824", e.Message);
        Assert.True(allocated < 64 << 20, $"fitting allocated {allocated:N0} bytes before failing");
    }

    [Fact]
    public void Label_declaring_100_million_classes_is_rejected_naming_the_column_before_naming_the_classes()
    {
        var e = FitFails(10, 100_000_000, out long allocated);
        Assert.Contains("Column 'Label'", e.Message);
        Assert.Contains("at most 65536 classes (RecurrentLimits.MaxClassCount); it declares 100000000", e.Message);
        Assert.True(allocated < 64 << 20, $"fitting allocated {allocated:N0} bytes before failing");
    }

    [Fact]
    public void Key_and_class_counts_at_the_limits_are_accepted()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Transforms.Recurrent.LstmSequenceClassifier(SentenceData.SmallOptions(epochs: 1)).Fit(Rows(ml, 1 << 16, 1 << 16));
        Assert.Equal(1 << 16, model.ClassCount);
        Assert.Equal(1 << 16, model.TokenKeyCount);
    }
}
