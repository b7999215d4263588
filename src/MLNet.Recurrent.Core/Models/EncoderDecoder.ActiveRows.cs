namespace MLNet.Recurrent.Core.Models;

public sealed partial class EncoderDecoder
{
    // A training or scoring pass runs decoder step t on rows [0, B_t) only, B_t being one past the last row whose target
    // has not ended by step t or later. Batches hold their longest targets first (Seq2SeqPairs.Fill), so B_t shrinks as
    // targets end and the padding after each shorter target costs no step. A row's steps past its target's end feed
    // nothing the loss reads, so skipping them changes no result; in any order of rows the prefix still holds every row
    // with a target left. The skipped rows' slots are cleared: the weight gradients sum over all T * B rows at once.
    private int[] _activeRows = [];   // [T] B_t, never increasing

    /// <summary>B_t for every step: one past the last row with a target at step t or later.</summary>
    private void CountActiveRows(ReadOnlySpan<int> targets, int tSteps, int b)
    {
        if (_activeRows.Length < tSteps) _activeRows = new int[tSteps];
        int active = 0;
        for (int t = tSteps - 1; t >= 0; t--)
        {
            for (int r = b - 1; r >= active; r--)
            {
                if (targets[t * b + r] == Seq2SeqBatch.IgnoreTarget) continue;
                active = r + 1;
                break;
            }
            _activeRows[t] = active;
        }
    }

    /// <summary>Clears step t's slots of rows [bt, B) that the all-rows products and the attention weights read.</summary>
    private void ClearEndedRows(int t, int b, int bt)
    {
        if (bt == b) return;
        int h = _hidden, n = b - bt, s = _attWeights.Shape[2];
        _x.Span.Slice((t * b + bt) * _decoderInput, n * _decoderInput).Clear();
        _hs.Span.Slice(((t + 1) * b + bt) * h, n * h).Clear();
        _combined.Span.Slice((t * b + bt) * (h + _annotation), n * (h + _annotation)).Clear();
        _o.Span.Slice((t * b + bt) * h, n * h).Clear();
        _od.Span.Slice((t * b + bt) * h, n * h).Clear();
        _attWeights.Span.Slice((t * b + bt) * s, n * s).Clear();
    }

    /// <summary>Clears step t's gradient slots of rows [bt, B) that the all-rows weight-gradient products read.</summary>
    private void ClearEndedGradients(int t, int b, int bt)
    {
        if (bt == b) return;
        int n = b - bt;
        _dGates.Span.Slice((t * b + bt) * _gates, n * _gates).Clear();
        if (!_lstm) _dHiddenGates.Span.Slice((t * b + bt) * _gates, n * _gates).Clear();
        _dEmb.Span.Slice((t * b + bt) * _embedding, n * _embedding).Clear();
    }
}
