using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.Tests.MlNetInternals;

public sealed class SequenceReaderTests
{
    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    [Fact]
    public void Key_sequence_reader_gives_zero_based_ids_and_minus_one_for_unseen_tokens()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "the cat saw the dog" } });
        var pipeline = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text").Append(ml.Transforms.Conversion.MapValueToKey("Tokens"));
        var model = pipeline.Fit(train);
        IDataView data = model.Transform(ml.Data.LoadFromEnumerable(new[]
        {
            new TextRow { Text = "the dog saw the cat" },
            new TextRow { Text = "a bird" },
            new TextRow { Text = "dog" },
        }));

        var column = data.Schema["Tokens"];
        var rows = new List<int[]>();
        using (var cursor = data.GetRowCursor([column]))
        {
            var reader = new KeySequenceReader(cursor, column);
            Assert.Equal(4, reader.KeyCount); // the, cat, saw, dog
            while (cursor.MoveNext()) rows.Add(reader.Read().ToArray());
        }
        // Keys follow first occurrence in training: the=0, cat=1, saw=2, dog=3.
        Assert.Equal([0, 3, 2, 0, 1], rows[0]);
        Assert.Equal([-1, -1], rows[1]);
        Assert.Equal([3], rows[2]);
    }

    private sealed class SparseRow
    {
        [VectorType(6)]
        public VBuffer<float> Features { get; set; }
    }

    [Fact]
    public void Frame_sequence_reader_densifies_sparse_rows_and_counts_frames()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(new[]
        {
            new SparseRow { Features = new VBuffer<float>(6, 2, [5f, 7f], [1, 4]) },
            new SparseRow { Features = new VBuffer<float>(6, [1f, 2f, 3f, 4f, 5f, 6f]) },
        });
        var column = data.Schema["Features"];
        var rows = new List<float[]>();
        using (var cursor = data.GetRowCursor([column]))
        {
            var reader = new FrameSequenceReader(cursor, column, frameSize: 3);
            while (cursor.MoveNext())
            {
                rows.Add(reader.Read(out int frames).ToArray());
                Assert.Equal(2, frames);
            }
        }
        Assert.Equal([0f, 5f, 0f, 0f, 7f, 0f], rows[0]);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], rows[1]);
    }

    [Fact]
    public void Frame_size_comes_from_dimensions()
    {
        Assert.Equal(5, FrameSequenceReader.FrameSizeOf(new VectorDataViewType(NumberDataViewType.Single, 0, 5)));
        Assert.Equal(0, FrameSequenceReader.FrameSizeOf(new VectorDataViewType(NumberDataViewType.Single)));
        Assert.Equal(0, FrameSequenceReader.FrameSizeOf(new VectorDataViewType(NumberDataViewType.Single, 15)));
    }
}
