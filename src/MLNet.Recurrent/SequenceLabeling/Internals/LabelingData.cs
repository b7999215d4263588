using Microsoft.ML;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.SequenceLabeling.Internals;

/// <summary>The labelled sequences of a training view, read into memory once; every row is used, none skipped.</summary>
internal sealed class LabelingData
{
    private LabelingData(InMemorySequences sequences, SequenceInput input, WordSpellings? spellings, long steps, int longest, long[] classCounts)
    {
        Spellings = spellings;
        Sequences = sequences;
        Input = input;
        Steps = steps;
        Longest = longest;
        ClassCounts = classCounts;
    }

    /// <summary>The sequences with their zero-based per-step classes.</summary>
    public InMemorySequences Sequences { get; }

    /// <summary>What the network reads: for tokens, the keys kept and their ids.</summary>
    public SequenceInput Input { get; }

    /// <summary>The words' spellings, with character features; otherwise null.</summary>
    public WordSpellings? Spellings { get; }

    /// <summary>Labelled steps in all rows.</summary>
    public long Steps { get; }

    /// <summary>The longest row, in steps.</summary>
    public int Longest { get; }

    /// <summary>How many steps carry each class.</summary>
    public long[] ClassCounts { get; }

    /// <summary>
    /// Reads every row; an empty sequence, a label count that differs from the step count, a missing label key or
    /// a non-finite frame value throws, naming the column and row. Token keys seen fewer than
    /// <paramref name="minTokenCount"/> times become the unknown id 0; the rest are renumbered 1..V-1. With
    /// <paramref name="characterFeatures"/>, every token also gets its spelling from the column's key values.
    /// </summary>
    public static LabelingData Read(IDataView view, DataViewSchema.Column features, DataViewSchema.Column label, SequenceInput input,
        int classCount, int minTokenCount, bool characterFeatures, TrainingSession session, CancellationToken cancellation)
    {
        var tokens = new List<int[]>();
        var frames = new List<float[]>();
        var labels = new List<int[]>();
        var classCounts = new long[classCount];
        long rows = 0, steps = 0;
        int longest = 0;
        using (DataViewRowCursor cursor = view.GetRowCursor([features, label]))
        {
            var reader = new LabelingRowReader(cursor, features, label, input);
            while (cursor.MoveNext())
            {
                if ((rows++ & 255) == 0)
                {
                    session.ThrowIfCanceled();
                    cancellation.ThrowIfCancellationRequested();
                }
                int length;
                if (input.IsTokens)
                {
                    ReadOnlySpan<int> ids = reader.ReadTokens();
                    length = ids.Length;
                    if (length > 0) tokens.Add(ids.ToArray());
                }
                else
                {
                    ReadOnlySpan<float> f = reader.ReadFrames();
                    length = reader.StepsOf(f.Length);
                    if (length > 0) frames.Add(f.ToArray());
                }
                if (length == 0)
                    ThrowHelper.RowValue(features.Name, cursor.Position,
                        $"the sequence is empty; {SequenceLabeler.ComponentName} trains on rows with at least one step (filter empty rows out first)");
                int[] y = reader.ReadLabels(length).ToArray();
                foreach (int c in y) classCounts[c]++;
                labels.Add(y);
                steps += length;
                longest = Math.Max(longest, length);
            }
        }
        if (labels.Count == 0)
            throw new InvalidOperationException($"{SequenceLabeler.ComponentName}: the training data has no rows (columns '{features.Name}' and '{label.Name}'); training needs at least one.");
        SequenceInput kept = input;
        WordSpellings? spellings = null;
        int[][][]? characters = null;
        if (input.IsTokens && characterFeatures)
        {
            // The rows still hold one-based keys here (the identity map of SequenceInput.For), as the spellings need.
            spellings = WordSpellings.Build(features, input.KeyCount, tokens);
            characters = spellings.Spell(tokens);
        }
        if (input.IsTokens)
        {
            kept = SequenceInput.KeepFrequent(features.Name, tokens, input.KeyCount, minTokenCount);
            foreach (int[] row in tokens)
                for (int t = 0; t < row.Length; t++) row[t] = kept.TokenIds![row[t]];
        }
        InMemorySequences sequences = input.IsTokens
            ? characters is not null
                ? InMemorySequences.LabelledWithCharacters([.. tokens], characters, [.. labels])
                : InMemorySequences.Labelled([.. tokens], [.. labels])
            : InMemorySequences.LabelledFrames([.. frames], input.FrameSize, [.. labels]);
        return new LabelingData(sequences, kept, spellings, steps, longest, classCounts);
    }
}
