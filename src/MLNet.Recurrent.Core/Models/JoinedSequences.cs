namespace MLNet.Recurrent.Core.Models;

/// <summary>Two sources seen as one: indices 0..first.Count-1 are <c>first</c>'s, the rest <c>second</c>'s.</summary>
internal sealed class JoinedSequences(ISequenceSource first, ISequenceSource second) : ISequenceSource
{
    public int Count => first.Count + second.Count;

    public int LengthOf(int index) => index < first.Count ? first.LengthOf(index) : second.LengthOf(index - first.Count);

    public void Fill(int index, SequenceBatch batch, int row)
    {
        if (index < first.Count) first.Fill(index, batch, row);
        else second.Fill(index - first.Count, batch, row);
    }
}
