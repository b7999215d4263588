using Microsoft.ML;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.SequenceClassification;

/// <summary>The labelled sequences of a training view, read into memory once, with what was skipped or cut.</summary>
internal sealed class TrainingData
{
    private TrainingData(InMemorySequences sequences, long rowsRead, long missingLabels, int truncated, int longestRow, int longestUsed)
    {
        Sequences = sequences;
        RowsRead = rowsRead;
        MissingLabels = missingLabels;
        Truncated = truncated;
        LongestRow = longestRow;
        LongestUsed = longestUsed;
    }

    /// <summary>The sequences with their zero-based classes.</summary>
    public InMemorySequences Sequences { get; }

    /// <summary>Rows in the view.</summary>
    public long RowsRead { get; }

    /// <summary>Rows skipped because their label is the missing key.</summary>
    public long MissingLabels { get; }

    /// <summary>Rows cut to the maximum length.</summary>
    public int Truncated { get; }

    /// <summary>The longest row before truncation.</summary>
    public int LongestRow { get; }

    /// <summary>The longest row after truncation.</summary>
    public int LongestUsed { get; }

    /// <summary>Reads every row; polls for cancellation as it goes.</summary>
    public static TrainingData Read(IDataView view, DataViewSchema.Column features, DataViewSchema.Column label, SequenceInput input,
        int maxLength, TrainingSession session, CancellationToken cancellation)
    {
        var tokens = new List<int[]>();
        var frames = new List<float[]>();
        var labels = new List<int>();
        long rows = 0, missing = 0;
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
                int full, used;
                if (input.IsTokens)
                {
                    ReadOnlySpan<int> ids = sequence.ReadTokens(out full);
                    used = ids.Length;
                    tokens.Add(ids.ToArray());
                }
                else
                {
                    ReadOnlySpan<float> f = sequence.ReadFrames(out full);
                    used = f.Length / input.FrameSize;
                    frames.Add(f.ToArray());
                }
                labels.Add(cls);
                if (used < full) truncated++;
                longest = Math.Max(longest, full);
                longestUsed = Math.Max(longestUsed, used);
            }
        }
        InMemorySequences sequences = input.IsTokens
            ? InMemorySequences.Classified([.. tokens], [.. labels])
            : InMemorySequences.ClassifiedFrames([.. frames], input.FrameSize, [.. labels]);
        return new TrainingData(sequences, rows, missing, truncated, longest, longestUsed);
    }
}
