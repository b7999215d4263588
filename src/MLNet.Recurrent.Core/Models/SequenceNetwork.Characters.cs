using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class SequenceNetwork
{
    // Character-level word features (Lample et al. 2016): every real token's characters -> char embedding ->
    // bidirectional LSTM -> [forward state after the last character; backward state after the first] (2 H_c),
    // concatenated to the token's embedding. N = real tokens of the batch, L_c = the longest token in characters.
    private Embedding? _charEmbedding;
    private RecurrentLayer? _charRnn;
    private SequencePooling? _charPooling;
    private int[] _charIds = [];        // [L_c * N] time-major, 0 on padding
    private int[] _charLengths = [];    // [N]
    private int[] _tokenCells = [];     // [N] the batch cell t * B + b of each real token
    private int _charTokens, _charSteps;
    private readonly Tensor _charEmbedded = new(0);  // [L_c, N, E_c]
    private readonly Tensor _charOutput = new(0);    // [L_c, N, 2 H_c]
    private readonly Tensor _charFinal = new(0);     // [2, N, H_c]
    private readonly Tensor _charFinalCell = new(0); // [2, N, H_c]
    private readonly Tensor _charPooled = new(0);    // [N, 2 H_c]
    private readonly Tensor _wordInput = new(0);     // [T, B, E + 2 H_c]
    private readonly Tensor _dWordInput = new(0);
    private readonly Tensor _dCharPooled = new(0);
    private readonly Tensor _dCharOutput = new(0);
    private readonly Tensor _dCharEmbedded = new(0);

    private void BuildCharacterLayers()
    {
        if (!Options.CharacterFeatures) return;
        _charEmbedding = new Embedding(Parameters, Options.CharacterVocabularySize, Options.CharacterEmbeddingSize, paddingIndex: 0, prefix: "char_embedding.");
        _charRnn = new RecurrentLayer(new RecurrentLayerOptions
        {
            Cell = CellType.Lstm, InputSize = Options.CharacterEmbeddingSize, HiddenSize = Options.CharacterHiddenSize, Layers = 1, Bidirectional = true,
        }, Parameters, "char_rnn.");
        _charPooling = new SequencePooling(SequencePoolingMode.Last, bidirectional: true);
    }

    private void InitializeCharacterLayers(Random random)
    {
        _charEmbedding?.Initialize(random);
        _charRnn?.InitializeWeights(random);
    }

    /// <summary>Runs the character LSTM over every real token and writes [embedding; character feature] into <c>_wordInput</c>.</summary>
    private Tensor WithCharacterFeatures(SequenceBatch batch, Tensor embedded, bool training)
    {
        if (!batch.HasCharacters)
            ThrowHelper.Argument(nameof(batch), "tokens without characters", "the network reads character-level word features: call SetTokenCharacters for every row");
        int steps = batch.Steps, b = batch.BatchSize, e = Options.EmbeddingSize, hc = Options.CharacterHiddenSize, width = e + 2 * hc;
        ReadOnlySpan<int> lengths = batch.Lengths;
        int n = 0, longest = 0;
        for (int j = 0; j < b; j++) n += lengths[j];
        if (_tokenCells.Length < n)
        {
            _tokenCells = new int[n];
            _charLengths = new int[n];
        }
        int k = 0;
        for (int t = 0; t < steps; t++)
            for (int j = 0; j < b; j++)
            {
                if (t >= lengths[j]) continue;
                int cell = t * b + j, count = batch.CharactersOf(cell).Length;
                if (count == 0) ThrowHelper.Argument(nameof(batch), $"token {t} of sequence {j} without characters", "every real token needs its characters");
                _tokenCells[k] = cell;
                _charLengths[k++] = count;
                longest = Math.Max(longest, count);
            }
        _charTokens = n;
        _charSteps = longest;
        _wordInput.Resize(steps, b, width);
        _wordInput.Clear();
        ReadOnlySpan<float> emb = embedded.Span;
        Span<float> x = _wordInput.Span;
        for (int cell = 0; cell < steps * b; cell++) emb.Slice(cell * e, e).CopyTo(x.Slice(cell * width, e));
        if (n == 0) return _wordInput;

        if (_charIds.Length < longest * n) _charIds = new int[longest * n];
        Span<int> ids = _charIds.AsSpan(0, longest * n);
        ids.Clear();
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<int> chars = batch.CharactersOf(_tokenCells[i]);
            for (int c = 0; c < chars.Length; c++)
            {
                if ((uint)chars[c] >= (uint)Options.CharacterVocabularySize)
                    ThrowHelper.OutOfRange("character id", chars[c], $"character ids must be in [0, {Options.CharacterVocabularySize}) (CharacterVocabularySize)");
                ids[c * n + i] = chars[c];
            }
        }
        _charEmbedding!.Forward(ids, _charEmbedded);
        _charEmbedded.Resize(longest, n, Options.CharacterEmbeddingSize);
        _charRnn!.Forward(_charEmbedded, _charLengths.AsSpan(0, n), null, null, null, _charOutput, _charFinal, _charFinalCell, training);
        _charPooling!.Forward(_charOutput, _charLengths.AsSpan(0, n), _charPooled);
        ReadOnlySpan<float> feature = _charPooled.Span;
        for (int i = 0; i < n; i++) feature.Slice(i * 2 * hc, 2 * hc).CopyTo(x.Slice(_tokenCells[i] * width + e, 2 * hc));
        return _wordInput;
    }

    /// <summary>Splits dLoss/d[embedding; feature] into <c>_dEmbedded</c> and backpropagates the feature part through the character LSTM.</summary>
    private void CharacterFeaturesBackward(SequenceBatch batch)
    {
        int steps = batch.Steps, b = batch.BatchSize, e = Options.EmbeddingSize, hc = Options.CharacterHiddenSize, width = e + 2 * hc, n = _charTokens;
        ReadOnlySpan<float> dx = _dWordInput.Span;
        _dEmbedded.Resize(steps * b, e);
        Span<float> dEmb = _dEmbedded.Span;
        for (int cell = 0; cell < steps * b; cell++) dx.Slice(cell * width, e).CopyTo(dEmb.Slice(cell * e, e));
        if (n == 0) return;
        _dCharPooled.Resize(n, 2 * hc);
        Span<float> dFeature = _dCharPooled.Span;
        for (int i = 0; i < n; i++) dx.Slice(_tokenCells[i] * width + e, 2 * hc).CopyTo(dFeature.Slice(i * 2 * hc, 2 * hc));
        _charPooling!.Backward(_dCharOutput, _dCharPooled);
        _charRnn!.Backward(_dCharEmbedded, null, null, null, _dCharOutput, null, null);
        _dCharEmbedded.Resize(_charSteps * n, Options.CharacterEmbeddingSize);
        _charEmbedding!.Backward(_dCharEmbedded, _charIds.AsSpan(0, _charSteps * n));
    }

    private void DisposeCharacterWorkspaces()
    {
        foreach (var t in (Tensor[])[_charEmbedded, _charOutput, _charFinal, _charFinalCell, _charPooled, _wordInput, _dWordInput, _dCharPooled, _dCharOutput, _dCharEmbedded])
            t.Dispose();
    }
}
