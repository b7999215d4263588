using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// An <see cref="ISequenceSource"/> seen as the batches a <see cref="SequenceNetwork"/> reads: each batch as long
/// as its longest sequence, with token ids or frames and one target per sequence or per step, as the network's
/// options say.
/// </summary>
internal sealed class SequenceBatchSource(SequenceNetwork network, ISequenceSource data) : IBatchSource<SequenceBatch>
{
    public int Count => data.Count;

    public int LengthOf(int index) => data.LengthOf(index);

    public void Fill(ReadOnlySpan<int> indices, SequenceBatch batch)
    {
        int steps = 0;
        foreach (int i in indices) steps = Math.Max(steps, data.LengthOf(i));
        var options = network.Options;
        batch.Reset(indices.Length, steps, options.TokenInput ? 0 : options.FrameSize, options.PerStepOutput);
        for (int row = 0; row < indices.Length; row++) data.Fill(indices[row], batch, row);
    }
}
