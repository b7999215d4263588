using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class EncoderDecoder
{
    // The decoder's weights packed once per training or scoring pass for its per-step products (W_ih, W_hh, the
    // attention query and the combine layer, transposed as the forward products read them; W_ih, W_hh and the query
    // untransposed for the backward products), instead of packed again inside every step's product. The packed
    // products sum in the same order as the unpacked ones, so the results are the same bits (tested).
    private Gemm.PackedMatrix? _packedIh, _packedHh, _packedQuery, _packedCombine;
    private Gemm.PackedMatrix? _packedIhBackward, _packedHhBackward, _packedQueryBackward;

    /// <summary>Test switch: when set, every product packs its weights itself (the path before per-pass packing).</summary>
    internal static bool PackingDisabled { get; set; }

    /// <summary>Packs the forward products' weights from the current values (before a pass; weights change between passes).</summary>
    private void PackForward()
    {
        int gh = _gates, h = _hidden, din = _decoderInput;
        Repack(ref _packedIh, transpose: true, k: din, n: gh, _weightIh.Value, ldb: din);
        Repack(ref _packedHh, transpose: true, k: h, n: gh, _weightHh.Value, ldb: h);
        Repack(ref _packedCombine, transpose: true, k: h + _annotation, n: h, _combine.Weight.Value, ldb: h + _annotation);
        if (Options.Attention == AttentionStyle.Additive)
            Repack(ref _packedQuery, transpose: true, k: h, n: _attention, _query!.Weight.Value, ldb: h);
    }

    /// <summary>Packs the backward products' weights (the same values the forward pass used).</summary>
    private void PackBackward()
    {
        int gh = _gates, h = _hidden, din = _decoderInput;
        Repack(ref _packedIhBackward, transpose: false, k: gh, n: din, _weightIh.Value, ldb: din);
        Repack(ref _packedHhBackward, transpose: false, k: gh, n: h, _weightHh.Value, ldb: h);
        if (Options.Attention == AttentionStyle.Additive)
            Repack(ref _packedQueryBackward, transpose: false, k: _attention, n: h, _query!.Weight.Value, ldb: h);
    }

    private static void Repack(ref Gemm.PackedMatrix? packed, bool transpose, int k, int n, ReadOnlySpan<float> weight, int ldb)
    {
        if (packed is null) packed = Gemm.Pack(transpose, k, n, weight, ldb);
        else packed.Repack(transpose, weight, ldb);
    }

    /// <summary>C (+)= A B through <paramref name="packed"/> when the pass packed B, otherwise packing B in the product.</summary>
    private static void Product(bool usePacked, Gemm.PackedMatrix? packed, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (usePacked && !PackingDisabled) Gemm.Multiply(false, m, 1f, a, lda, packed!, beta, c, ldc);
        else Gemm.Multiply(false, transposeB, m, n, k, 1f, a, lda, b, ldb, beta, c, ldc);
    }
}
