namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// Labelled examples that <see cref="EpochPlan{TBatch}"/> can batch: it asks for lengths to bucket them, then has a
/// group of them written into a batch.
/// </summary>
/// <typeparam name="TBatch">The network's batch type.</typeparam>
public interface IBatchSource<in TBatch>
{
    /// <summary>N: the number of examples.</summary>
    int Count { get; }

    /// <summary>The length (steps) of example <paramref name="index"/>, used to group similar lengths.</summary>
    int LengthOf(int index);

    /// <summary>
    /// Resets <paramref name="batch"/> and writes the examples <paramref name="indices"/> into its rows, in order unless
    /// the source documents another order.
    /// </summary>
    void Fill(ReadOnlySpan<int> indices, TBatch batch);
}
