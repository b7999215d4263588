
namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// Labelled sequences that a trainer can batch: it asks for lengths to bucket them, then has each one written
/// into a row of a <see cref="SequenceBatch"/>. <see cref="InMemorySequences"/> holds them in arrays (the ML.NET layer
/// reads its columns into one).
/// </summary>
public interface ISequenceSource
{
    /// <summary>N: the number of sequences.</summary>
    int Count { get; }

    /// <summary>The number of steps of sequence <paramref name="index"/>.</summary>
    int LengthOf(int index);

    /// <summary>Writes sequence <paramref name="index"/>'s inputs and targets into row <paramref name="row"/> of <paramref name="batch"/>.</summary>
    void Fill(int index, SequenceBatch batch, int row);
}
