using Microsoft.ML;
using MLNet.Recurrent.Core.Models;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>The labelled sequences of a training view, read into memory once, with what was skipped or cut.</summary>
internal sealed class TrainingData
{
    private TrainingData(InMemorySequences sequences, SequenceInput input, long rowsRead, long missingLabels, long emptyRows, int truncated, int longestRow, int longestUsed)
    {
        Sequences = sequences;
        Input = input;
        RowsRead = rowsRead;
        MissingLabels = missingLabels;
        EmptyRows = emptyRows;
        Truncated = truncated;
        LongestRow = longestRow;
        LongestUsed = longestUsed;
    }

    /// <summary>The sequences with their zero-based classes.</summary>
    public InMemorySequences Sequences { get; }

    /// <summary>What the network reads: for tokens, the keys kept and their ids.</summary>
    public SequenceInput Input { get; }

    /// <summary>Rows in the view.</summary>
    public long RowsRead { get; }

    /// <summary>Rows skipped because their label is the missing key.</summary>
    public long MissingLabels { get; }

    /// <summary>Rows skipped because their sequence has no steps (nothing for the network to read).</summary>
    public long EmptyRows { get; }

    /// <summary>Rows cut to the maximum length.</summary>
    public int Truncated { get; }

    /// <summary>The longest row before truncation.</summary>
    public int LongestRow { get; }

    /// <summary>The longest row after truncation.</summary>
    public int LongestUsed { get; }

    /// <summary>
    /// Reads every row (token key k as id k); polls for cancellation as it goes. For tokens, keys seen fewer than
    /// <paramref name="minTokenCount"/> times become the unknown id 0, so its embedding is trained for the words
    /// prediction will meet that training never saw; the rest are renumbered 1..V-1.
    /// </summary>
    public static TrainingData Read(IDataView view, DataViewSchema.Column features, DataViewSchema.Column label, SequenceInput input,
        int maxLength, int minTokenCount, TrainingSession session, CancellationToken cancellation)
    {
        var tokens = new List<int[]>();
        var frames = new List<float[]>();
        var labels = new List<int>();
        long rows = 0, missing = 0, empty = 0;
        int truncated = 0, longest = 0, longestUsed = 0;
        using (DataViewRowCursor cursor = view.GetRowCursor([features, label]))
        {
            var sequence = new SequenceRowReader(cursor, features, input, maxLength);
            var labelReader = new ClassLabelReader(cursor, label);
            while (cursor.MoveNext())
            {
                if ((rows++ & 255) == 0)
                {
                    session.ThrowIfCanceled();
                    cancellation.ThrowIfCancellationRequested();
                }
                int cls = labelReader.Read();
                if (cls < 0)
                {
                    missing++;
                    continue;
                }
                int full;
                ReadOnlySpan<int> ids = default;
                ReadOnlySpan<float> f = default;
                if (input.IsTokens) ids = sequence.ReadTokens(out full);
                else f = sequence.ReadFrames(out full);
                int used = input.IsTokens ? ids.Length : f.Length / input.FrameSize;
                if (used == 0)
                {
                    empty++; // nothing for the network to read
                    continue;
                }
                if (input.IsTokens) tokens.Add(ids.ToArray());
                else frames.Add(f.ToArray());
                labels.Add(cls);
                if (used < full) truncated++;
                longest = Math.Max(longest, full);
                longestUsed = Math.Max(longestUsed, used);
            }
        }
        SequenceInput kept = input;
        if (input.IsTokens)
        {
            kept = KeepFrequentTokens(tokens, input.KeyCount, minTokenCount);
            foreach (int[] row in tokens)
                for (int t = 0; t < row.Length; t++) row[t] = kept.TokenIds![row[t]];
        }
        InMemorySequences sequences = input.IsTokens
            ? InMemorySequences.Classified([.. tokens], [.. labels])
            : InMemorySequences.ClassifiedFrames([.. frames], input.FrameSize, [.. labels]);
        return new TrainingData(sequences, kept, rows, missing, empty, truncated, longest, longestUsed);
    }

    private static SequenceInput KeepFrequentTokens(List<int[]> rows, int keyCount, int minTokenCount)
    {
        var counts = new int[keyCount + 1];
        foreach (int[] row in rows)
            foreach (int id in row) counts[id]++;
        var ids = new int[keyCount + 1];
        int next = 1;
        for (int key = 1; key <= keyCount; key++) ids[key] = counts[key] >= minTokenCount ? next++ : 0;
        return SequenceInput.Tokens(ids);
    }
}
