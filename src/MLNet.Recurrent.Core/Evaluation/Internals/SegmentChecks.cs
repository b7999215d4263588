using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Evaluation.Internals;

/// <summary>Checks shared by the translation metrics: one hypothesis per segment, streams as long as the hypotheses, a reference for every segment.</summary>
internal static class SegmentChecks
{
    /// <summary>Requires non-null hypotheses, at least one reference stream, every stream as long as the hypotheses and at least one non-null reference per segment.</summary>
    public static void Check(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string?>> referenceStreams)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(referenceStreams);
        if (referenceStreams.Count == 0) ThrowHelper.Argument(nameof(referenceStreams), "0 streams", "there must be at least one reference stream");
        for (int k = 0; k < referenceStreams.Count; k++)
        {
            if (referenceStreams[k] is null) ThrowHelper.Argument($"referenceStreams[{k}]", null, "every stream must hold one reference per hypothesis");
            if (referenceStreams[k].Count != hypotheses.Count)
                ThrowHelper.Argument($"referenceStreams[{k}]", $"{referenceStreams[k].Count} segments", $"it must hold one reference per hypothesis ({hypotheses.Count})");
        }
        for (int i = 0; i < hypotheses.Count; i++)
        {
            if (hypotheses[i] is null) ThrowHelper.Argument($"hypotheses[{i}]", null, "a hypothesis must be a string (empty for no output)");
            bool any = false;
            for (int k = 0; k < referenceStreams.Count && !any; k++) any = referenceStreams[k][i] is not null;
            if (!any) ThrowHelper.Argument($"referenceStreams[*][{i}]", null, $"segment {i} needs at least one reference");
        }
    }
}
