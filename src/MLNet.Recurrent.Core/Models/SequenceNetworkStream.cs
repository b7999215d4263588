using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// The lean path of generation and streaming labelling: one token (or one frame of D features) per row in, that
/// step's logits out, the recurrent state carried from step to step. A step is an embedding row copy (or the frame), <see cref="RecurrentLayer.Step"/> with pre-packed weights, and the output
/// layer as one small product with a pre-packed weight; nothing else runs and nothing is allocated. Created by
/// <see cref="SequenceNetwork.CreateStream"/>; the numbers equal a forward pass over the same tokens (to float rounding).
/// </summary>
/// <remarks>
/// The stream packs the network's weights when it is created; call <see cref="Refresh"/> after the weights change
/// (an optimizer step, a load). It is used by one thread at a time.
/// </remarks>
public sealed class SequenceNetworkStream
{
    private readonly Embedding? _embedding;
    private readonly int _frameSize;
    private readonly RecurrentLayer _rnn;
    private readonly Linear _output;
    private readonly Gemm.PackedMatrix _packedOutput;
    private readonly Tensor _embedded, _top;
    private RecurrentState _state;
    private RecurrentState? _spare;

    internal SequenceNetworkStream(Embedding? embedding, int frameSize, RecurrentLayer rnn, Linear output, int batch)
    {
        _embedding = embedding;
        _frameSize = frameSize;
        _rnn = rnn;
        _output = output;
        _state = rnn.CreateState(batch);
        rnn.PackStepWeights(_state);
        _packedOutput = Gemm.Pack(transposeB: true, k: output.InputSize, n: output.OutputSize, output.Weight.Value, ldb: output.InputSize);
        _embedded = new Tensor(batch, InputSize);
        _top = new Tensor(batch, rnn.OutputSize);
    }

    /// <summary>B: the rows stepped together.</summary>
    public int BatchSize => _state.Batch;

    /// <summary>Whether the stream reads token ids (<see cref="Step"/>); otherwise frames (<see cref="StepFrames"/>).</summary>
    public bool TokenInput => _embedding is not null;

    /// <summary>E or D: the width of one step's recurrent input.</summary>
    public int InputSize => _embedding?.EmbeddingSize ?? _frameSize;

    /// <summary>K: logits per row.</summary>
    public int OutputSize => _output.OutputSize;

    /// <summary>The recurrent state (h, and c for LSTM, of every layer), to read or to set.</summary>
    public RecurrentState State => _state;

    /// <summary>Sets every row back to the initial state.</summary>
    public void Reset() => _state.Reset();

    /// <summary>Repacks the weights after they changed (an optimizer step, a load); the state is kept.</summary>
    public void Refresh()
    {
        _rnn.PackStepWeights(_state);
        _packedOutput.Repack(transpose: true, _output.Weight.Value, _output.InputSize);
    }

    /// <summary>Consumes one token per row and writes each row's logits for the next token.</summary>
    /// <param name="tokens">[B] the token each row reads now, each in [0, V_in).</param>
    /// <param name="logits">[B, K]: written.</param>
    public void Step(ReadOnlySpan<int> tokens, Span<float> logits)
    {
        if (_embedding is null) ThrowHelper.InvalidOperation($"The stream reads frames of {_frameSize} features; call StepFrames.");
        int batch = _state.Batch, e = _embedding.EmbeddingSize;
        if (tokens.Length != batch) ThrowHelper.Argument(nameof(tokens), $"{tokens.Length} tokens", $"the stream has {batch} rows");
        ThrowHelper.ThrowIfTooShort(logits.Length, (long)batch * _output.OutputSize, nameof(logits));
        ReadOnlySpan<float> table = _embedding.Weight.Value;
        Span<float> x = _embedded.Span;
        for (int b = 0; b < batch; b++)
        {
            if ((uint)tokens[b] >= (uint)_embedding.VocabularySize)
                ThrowHelper.OutOfRange($"tokens[{b}]", tokens[b], $"it must be in [0, {_embedding.VocabularySize})");
            table.Slice(tokens[b] * e, e).CopyTo(x.Slice(b * e, e));
        }
        StepInput(logits);
    }

    /// <summary>Consumes one frame per row and writes each row's logits for that step.</summary>
    /// <param name="frames">[B, D] the frame each row reads now, row-major; every value finite.</param>
    /// <param name="logits">[B, K]: written.</param>
    public void StepFrames(ReadOnlySpan<float> frames, Span<float> logits)
    {
        if (_embedding is not null) ThrowHelper.InvalidOperation("The stream reads token ids; call Step.");
        int batch = _state.Batch;
        if (frames.Length != batch * _frameSize)
            ThrowHelper.Argument(nameof(frames), $"{frames.Length} values", $"the stream has {batch} rows of {_frameSize} features");
        ThrowHelper.ThrowIfTooShort(logits.Length, (long)batch * _output.OutputSize, nameof(logits));
        for (int i = 0; i < frames.Length; i++)
            if (!float.IsFinite(frames[i]))
                ThrowHelper.Argument($"frames[{i}]", frames[i], $"feature {i % _frameSize} of row {i / _frameSize} must be finite");
        frames.CopyTo(_embedded.Span);
        StepInput(logits);
    }

    private void StepInput(Span<float> logits)
    {
        int batch = _state.Batch, k = _output.OutputSize, width = _rnn.OutputSize;
        _rnn.Step(_embedded.Span, _state, _top.Span);
        Span<float> y = logits[..(batch * k)];
        if (_output.Bias is { } bias)
        {
            for (int b = 0; b < batch; b++) bias.Value.CopyTo(y.Slice(b * k, k));
        }
        Gemm.Multiply(false, batch, 1f, _top.Span, width, _packedOutput, _output.Bias is null ? 0f : 1f, y, k);
    }

    /// <summary>
    /// Rebuilds the rows from existing ones: new row i takes the state of old row <c>sourceRows[i]</c>; the batch size
    /// becomes <c>sourceRows.Length</c> (beam search). Allocates only when the batch size changes.
    /// </summary>
    /// <param name="sourceRows">For each new row, the old row it continues; each in [0, B).</param>
    public void Reorder(ReadOnlySpan<int> sourceRows)
    {
        int batch = _state.Batch, rows = sourceRows.Length;
        ThrowHelper.ThrowIfNotPositive(rows, "sourceRows.Length");
        for (int i = 0; i < rows; i++)
            if ((uint)sourceRows[i] >= (uint)batch) ThrowHelper.OutOfRange($"sourceRows[{i}]", sourceRows[i], $"it must be in [0, {batch})");
        var target = _spare is { } spare && spare.Batch == rows ? spare : _rnn.CreateState(rows);
        if (target.PackedInput is null)
        {
            // Share the packed weights: they are read-only while stepping.
            target.PackedInput = _state.PackedInput;
            target.PackedHidden = _state.PackedHidden;
        }
        int layers = _rnn.Options.Layers, h = _rnn.Options.HiddenSize;
        GatherRows(_state.Hidden, target.Hidden, sourceRows, layers, batch, h);
        if (!_state.Cell.IsEmpty) GatherRows(_state.Cell, target.Cell, sourceRows, layers, batch, h);
        (_spare, _state) = (_state, target);
        if (_embedded.Dim(0) != rows)
        {
            _embedded.Resize(rows, InputSize);
            _top.Resize(rows, _rnn.OutputSize);
        }
    }

    private static void GatherRows(ReadOnlySpan<float> from, Span<float> to, ReadOnlySpan<int> rows, int layers, int batch, int h)
    {
        for (int l = 0; l < layers; l++)
            for (int i = 0; i < rows.Length; i++)
                from.Slice((l * batch + rows[i]) * h, h).CopyTo(to.Slice((l * rows.Length + i) * h, h));
    }
}
