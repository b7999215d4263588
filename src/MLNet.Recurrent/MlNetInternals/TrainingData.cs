using Microsoft.ML;
using MLNet.Recurrent.Core.Models;

using MLNet.Recurrent.Core.Text;

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

    /// <summary>The token id rows of <see cref="Sequences"/> (empty for frames), for language model pretraining.</summary>
    public IReadOnlyList<int[]> TokenRows { get; private init; } = [];

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
    /// <param name="view">The training rows.</param>
    /// <param name="features">The sequence column (checked).</param>
    /// <param name="label">The label column (checked).</param>
    /// <param name="input">What the sequence column holds.</param>
    /// <param name="maxLength">Rows are cut to this many steps; 0 never.</param>
    /// <param name="minTokenCount">Keys seen fewer times share the unknown id.</param>
    /// <param name="session">The fit's session, for cancellation.</param>
    /// <param name="cancellation">Polled as rows are read.</param>
    /// <param name="side">The side-input column (checked), or null; its rows are kept sparse.</param>
    public static TrainingData Read(IDataView view, DataViewSchema.Column features, DataViewSchema.Column label, SequenceInput input,
        int maxLength, int minTokenCount, TrainingSession session, CancellationToken cancellation, DataViewSchema.Column? side = null)
    {
        var sideIndices = new List<int[]>();
        var sideValues = new List<float[]>();
        var tokens = new List<int[]>();
        var frames = new List<float[]>();
        var labels = new List<int>();
        long rows = 0, missing = 0, empty = 0;
        int truncated = 0, longest = 0, longestUsed = 0;
        using (DataViewRowCursor cursor = view.GetRowCursor(side is { } s ? [features, label, s] : [features, label]))
        {
            var sequence = new SequenceRowReader(cursor, features, input, maxLength);
            var labelReader = new ClassLabelReader(cursor, label);
            SideFeatureReader? sideReader = side is { } sideColumn ? new SideFeatureReader(cursor, sideColumn) : null;
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
                if (sideReader is not null)
                {
                    ReadOnlySpan<int> slots = sideReader.Read(out ReadOnlySpan<float> values);
                    sideIndices.Add(slots.ToArray());
                    sideValues.Add(values.ToArray());
                }
                if (used < full) truncated++;
                longest = Math.Max(longest, full);
                longestUsed = Math.Max(longestUsed, used);
            }
        }
        SequenceInput kept = input;
        if (input.IsTokens)
        {
            kept = SequenceInput.KeepFrequent(features.Name, tokens, input.KeyCount, minTokenCount);
            foreach (int[] row in tokens)
                for (int t = 0; t < row.Length; t++) row[t] = kept.TokenIds![row[t]];
        }
        InMemorySequences sequences = input.IsTokens
            ? InMemorySequences.Classified([.. tokens], [.. labels])
            : InMemorySequences.ClassifiedFrames([.. frames], input.FrameSize, [.. labels]);
        if (side is not null) sequences.WithSideFeatures([.. sideIndices], [.. sideValues]);
        return new TrainingData(sequences, kept, rows, missing, empty, truncated, longest, longestUsed) { TokenRows = tokens };
    }
}
