using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Numerics;

public static partial class Gemm
{
    /// <summary>
    /// op(B) copied once into the panel layout the GEMM micro-kernel reads, for a right-hand matrix used in
    /// many products (a recurrent layer's weights, multiplied at every time step). Multiplying by a packed
    /// matrix skips the per-call packing of B and gives results bit-identical to the unpacked
    /// <see cref="Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>.
    /// The packed copy does not follow later changes to the source: call <see cref="Repack"/> after an
    /// optimizer step.
    /// </summary>
    public sealed class PackedMatrix
    {
        internal PackedMatrix(GemmKernel kernel, int rows, int columns)
        {
            Kernel = kernel;
            Rows = rows;
            Columns = columns;
            int nr = GemmMicroKernels.Columns(kernel);
            long length = (long)Math.Max(rows, 1) * ((columns + nr - 1) / nr * nr);
            if (length > Array.MaxLength - 16) ThrowHelper.OutOfRange(nameof(columns), columns, $"rows x columns must be at most {Array.MaxLength - 16}");
            Data = GemmBuffers.AllocateAligned((int)length, out int offset);
            Offset = offset;
        }

        /// <summary>Rows of op(B): the k of the products it takes part in.</summary>
        public int Rows { get; }

        /// <summary>Columns of op(B): the n of the products it takes part in.</summary>
        public int Columns { get; }

        internal GemmKernel Kernel { get; }

        internal float[] Data { get; }

        internal int Offset { get; }

        /// <summary>Copies op(B) again, for when the source matrix has changed; allocates nothing.</summary>
        /// <param name="transpose">Whether B is stored transposed (<see cref="Columns"/> x <see cref="Rows"/>).</param>
        /// <param name="b">B, row-major.</param>
        /// <param name="ldb">Distance between rows of B as stored.</param>
        public unsafe void Repack(bool transpose, ReadOnlySpan<float> b, int ldb)
        {
            Validate(false, transpose, 1, Columns, Rows, int.MaxValue, Math.Max(1, Rows), b.Length, ldb, int.MaxValue, Math.Max(1, Columns));
            int nr = GemmMicroKernels.Columns(Kernel), padded = (Columns + nr - 1) / nr * nr, kcNominal = GemmPacking.KcFor(Rows);
            fixed (float* pb = b)
            fixed (float* pd = Data)
            {
                float* dst = pd + Offset;
                for (int p0 = 0; p0 < Rows; p0 += kcNominal)
                {
                    int kc = Math.Min(kcNominal, Rows - p0);
                    GemmPacking.PackB(transpose, pb, ldb, p0, kc, 0, Columns, nr, dst + (nint)p0 * padded);
                }
            }
        }
    }

    /// <summary>Packs op(B) once for repeated use as the right-hand side of <see cref="Multiply(bool, int, float, ReadOnlySpan{float}, int, PackedMatrix, float, Span{float}, int)"/>.</summary>
    /// <param name="transposeB">Whether B is stored transposed (n x k), as PyTorch stores weights.</param>
    /// <param name="k">Rows of op(B).</param>
    /// <param name="n">Columns of op(B).</param>
    /// <param name="b">B, row-major.</param>
    /// <param name="ldb">Distance between rows of B as stored.</param>
    /// <returns>The packed copy; it holds about <c>k * n</c> floats.</returns>
    public static PackedMatrix Pack(bool transposeB, int k, int n, ReadOnlySpan<float> b, int ldb) =>
        Pack(GemmMicroKernels.Best, transposeB, k, n, b, ldb);

    /// <summary><see cref="Pack(bool, int, int, ReadOnlySpan{float}, int)"/> for an explicit kernel's panel layout.</summary>
    internal static PackedMatrix Pack(GemmKernel kernel, bool transposeB, int k, int n, ReadOnlySpan<float> b, int ldb)
    {
        ThrowHelper.ThrowIfNegative(k, nameof(k));
        ThrowHelper.ThrowIfNegative(n, nameof(n));
        var packed = new PackedMatrix(kernel, k, n);
        packed.Repack(transposeB, b, ldb);
        return packed;
    }

    /// <summary>Computes <c>C = alpha * op(A) * B + beta * C</c> with a pre-packed right-hand side.</summary>
    /// <param name="transposeA">Whether A is stored transposed (k x m).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major; op(A) is m x <see cref="PackedMatrix.Rows"/>.</param>
    /// <param name="lda">Distance between rows of A as stored.</param>
    /// <param name="b">op(B), packed by <see cref="Pack(bool, int, int, ReadOnlySpan{float}, int)"/>.</param>
    /// <param name="beta">Scale of the existing C; 0 overwrites.</param>
    /// <param name="c">C, row-major, m x <see cref="PackedMatrix.Columns"/>.</param>
    /// <param name="ldc">Distance between rows of C.</param>
    public static void Multiply(
        bool transposeA, int m, float alpha, ReadOnlySpan<float> a, int lda, PackedMatrix b, float beta, Span<float> c, int ldc) =>
        Multiply(ComputeSettings.MaxThreads, transposeA, m, alpha, a, lda, b, beta, c, ldc);

    /// <summary>The packed-B multiply with an explicit thread limit, for tests.</summary>
    internal static unsafe void Multiply(
        int threads, bool transposeA, int m, float alpha, ReadOnlySpan<float> a, int lda, PackedMatrix b, float beta, Span<float> c, int ldc)
    {
        ArgumentNullException.ThrowIfNull(b);
        Validate(transposeA, false, m, b.Columns, b.Rows, a.Length, lda, int.MaxValue, Math.Max(1, b.Columns), c.Length, ldc);
        if (!transposeA && m <= GemmRowKernel.MaxRows && m > 0 && b.Columns > 0 && b.Rows > 0 && alpha != 0 && GemmRowKernel.Supports(b.Kernel))
        {
            fixed (float* pa = a)
            fixed (float* pc = c)
            fixed (float* pd = b.Data)
            {
                GemmRowKernel.Run(m, b.Columns, b.Rows, alpha, pa, lda, pd + b.Offset, GemmMicroKernels.Columns(b.Kernel), beta, pc, ldc);
            }
            return;
        }
        MultiplyCore(b.Kernel, threads, transposeA, false, m, b.Columns, b.Rows, alpha, a, lda, default, 0, b, beta, c, ldc);
    }
}
