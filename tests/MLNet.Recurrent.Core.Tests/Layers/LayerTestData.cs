using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Tests.Layers;

/// <summary>Small builders for layer tests: seeded random data and tensors filled from arrays.</summary>
internal static class LayerTestData
{
    /// <summary><paramref name="count"/> values from U(-scale, scale), seeded.</summary>
    public static float[] Uniform(int seed, int count, float scale = 1f)
    {
        var rng = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)((2 * rng.NextDouble() - 1) * scale);
        return values;
    }

    /// <summary>A tensor of the given shape holding a copy of <paramref name="data"/>.</summary>
    public static Tensor TensorOf(float[] data, params int[] shape)
    {
        var t = new Tensor(shape);
        data.CopyTo(t.Span);
        return t;
    }

    /// <summary><c>sum_i c_i y_i</c> in double: a loss whose gradient with respect to y is c.</summary>
    public static double Dot(ReadOnlySpan<float> coefficients, ReadOnlySpan<float> values)
    {
        double sum = 0;
        for (int i = 0; i < values.Length; i++) sum += (double)coefficients[i] * values[i];
        return sum;
    }
}
