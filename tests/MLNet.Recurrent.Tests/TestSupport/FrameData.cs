using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Recurrent.Tests.TestSupport;

/// <summary>Sequence-of-frames data for tests: rows of T frames of D features, T varying by row.</summary>
internal static class FrameData
{
    public sealed class Row
    {
        public float[] Features { get; set; } = [];
    }

    /// <summary>
    /// <paramref name="rowCount"/> rows of 1..6 frames of <paramref name="frameSize"/> features; feature j is
    /// centred on 10 j - 5 with spread 1 + j, so every feature has its own scale.
    /// </summary>
    public static float[][] Make(int rowCount, int frameSize, int seed)
    {
        var random = new Random(seed);
        var rows = new float[rowCount][];
        for (int r = 0; r < rowCount; r++)
        {
            int frames = 1 + random.Next(6);
            rows[r] = new float[frames * frameSize];
            for (int t = 0; t < frames; t++)
                for (int j = 0; j < frameSize; j++)
                    rows[r][t * frameSize + j] = 10f * j - 5f + (1f + j) * (float)(random.NextDouble() * 2 - 1);
        }
        return rows;
    }

    /// <summary>A data view whose "Features" column has type <paramref name="type"/> (a float vector type).</summary>
    public static IDataView ToDataView(MLContext ml, float[][] rows, VectorDataViewType type)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = type;
        return ml.Data.LoadFromEnumerable(rows.Select(f => new Row { Features = f }), definition);
    }

    /// <summary>The frames type the design uses: variable length with dimensions [0, D].</summary>
    public static VectorDataViewType FramesType(int frameSize) => new(NumberDataViewType.Single, 0, frameSize);

    /// <summary>Every row of a float vector column, densified.</summary>
    public static float[][] ReadColumn(IDataView view, string column)
    {
        var col = view.Schema[column];
        var result = new List<float[]>();
        using var cursor = view.GetRowCursor([col]);
        var getter = cursor.GetGetter<VBuffer<float>>(col);
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            result.Add(buffer.DenseValues().ToArray());
        }
        return [.. result];
    }

    /// <summary>Reference statistics in double, two passes: per-feature mean and population std.</summary>
    public static (double[] Mean, double[] Std) Moments(float[][] rows, int frameSize)
    {
        var mean = new double[frameSize];
        var std = new double[frameSize];
        long n = 0;
        foreach (float[] row in rows)
            for (int i = 0; i < row.Length; i++) { mean[i % frameSize] += row[i]; if (i % frameSize == 0) n++; }
        for (int j = 0; j < frameSize; j++) mean[j] /= n;
        foreach (float[] row in rows)
            for (int i = 0; i < row.Length; i++) { double d = row[i] - mean[i % frameSize]; std[i % frameSize] += d * d; }
        for (int j = 0; j < frameSize; j++) std[j] = Math.Sqrt(std[j] / n);
        return (mean, std);
    }
}
