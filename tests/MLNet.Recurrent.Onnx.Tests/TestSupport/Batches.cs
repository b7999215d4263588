using MLNet.Recurrent.Core.Models;

namespace MLNet.Recurrent.Onnx.Tests.TestSupport;

/// <summary>Deterministic variable-length batches, laid out both ways: the engine's time-major batch and ONNX's batch-major tensors.</summary>
internal sealed class Batches
{
    public required SequenceBatch Batch { get; init; }
    public required int[] Lengths { get; init; }
    public required int Steps { get; init; }
    public long[] Tokens { get; init; } = [];   // [B, T]
    public float[] Frames { get; init; } = [];  // [B, T, D]

    public static Batches TokenBatch(int vocabulary, int[] lengths, int seed, bool perStep)
    {
        var random = new Random(seed);
        int b = lengths.Length, steps = lengths.Max();
        var batch = new SequenceBatch();
        batch.Reset(b, steps, 0, perStepTargets: perStep);
        var tokens = new long[b * steps];
        for (int s = 0; s < b; s++)
        {
            var ids = new int[lengths[s]];
            for (int t = 0; t < ids.Length; t++) tokens[s * steps + t] = ids[t] = random.Next(vocabulary);
            batch.SetTokens(s, ids);
        }
        return new Batches { Batch = batch, Lengths = lengths, Steps = steps, Tokens = tokens };
    }

    public static Batches FrameBatch(int frameSize, int[] lengths, int seed, bool perStep)
    {
        var random = new Random(seed);
        int b = lengths.Length, steps = lengths.Max();
        var batch = new SequenceBatch();
        batch.Reset(b, steps, frameSize, perStepTargets: perStep);
        var frames = new float[b * steps * frameSize];
        for (int s = 0; s < b; s++)
        {
            var x = new float[lengths[s] * frameSize];
            for (int i = 0; i < x.Length; i++) frames[s * steps * frameSize + i] = x[i] = (float)(random.NextDouble() * 2 - 1);
            batch.SetFrames(s, x);
        }
        return new Batches { Batch = batch, Lengths = lengths, Steps = steps, Frames = frames };
    }

    /// <summary>Engine per-step rows (time-major, <c>[T*B, K]</c>) reordered batch-major (<c>[B, T, K]</c>).</summary>
    public float[] BatchMajor(ReadOnlySpan<float> timeMajor, int k)
    {
        int b = Lengths.Length;
        var result = new float[timeMajor.Length];
        for (int t = 0; t < Steps; t++)
            for (int s = 0; s < b; s++)
                timeMajor.Slice((t * b + s) * k, k).CopyTo(result.AsSpan((s * Steps + t) * k, k));
        return result;
    }
}
