namespace MLNet.Recurrent.Benchmarks;

/// <summary>One product shape: C[m x n] = A[m x k] * op(B)[k x n], with B stored transposed like PyTorch weights.</summary>
public sealed record GemmShape(int M, int N, int K, bool TransposeB)
{
    /// <summary>The shapes reported: a square reference and the recurrent products of the issue.</summary>
    public static readonly GemmShape[] All =
    [
        new(1024, 1024, 1024, false),
        new(32, 1024, 256, true),    // one time step: h[B=32, H=256] x W_hh^T[256, 4H=1024]
        new(64, 2048, 512, true),    // one time step at H=512
        new(2048, 1024, 256, true),  // input projection over all T*B rows at once
    ];

    /// <summary>Floating-point operations of one product (a multiply-add counts two).</summary>
    public double Flops => 2.0 * M * N * K;

    /// <inheritdoc/>
    public override string ToString() => $"{M}x{K}*{K}x{N}{(TransposeB ? "(Bt)" : "")}";
}
