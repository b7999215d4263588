using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Numerics.Internals;

namespace MLNet.Recurrent.Core.Tests.Numerics;

/// <summary>Multiplying by a <see cref="Gemm.PackedMatrix"/> must give exactly the bits of the unpacked path.</summary>
public sealed class GemmPackedMatrixTests
{
    // Kernel numbers: 0 scalar, 1 Vector128, 2 Vector256, 3 Vector512 (the enum is internal).
    public static TheoryData<int> Kernels => new() { 0, 1, 2, 3 };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Packed_matches_unpacked_bit_for_bit(int kernelNumber)
    {
        var kernel = (GemmKernel)kernelNumber;
        var rng = new Random((int)kernel);
        for (int i = 0; i < 60; i++)
        {
            int m = rng.Next(1, 70), n = rng.Next(1, 70), k = i % 10 == 0 ? rng.Next(250, 600) : rng.Next(0, 70);
            var test = new GemmCase(rng.Next(2) == 0, rng.Next(2) == 0, m, n, k, 0.5f + i, i % 3 == 0 ? 0f : 1f, seed: i, extraLd: i % 3, nanC: i % 3 == 0);
            Assert.True(test.Run(kernel, 1).AsSpan().SequenceEqual(test.RunPacked(kernel, 2)), test.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void One_or_two_rows_take_the_row_kernel_and_still_match_bit_for_bit(int kernelNumber)
    {
        // m <= 2 by a packed B runs GemmRowKernel (when the panels suit it); it must repeat the blocked kernel's bits,
        // including several k blocks (k > 256), column tails that are not a multiple of 8, beta 0 over NaN and beta 1.
        var kernel = (GemmKernel)kernelNumber;
        var rng = new Random(100 + kernelNumber);
        for (int i = 0; i < 40; i++)
        {
            int m = 1 + i % 2, n = i % 4 == 0 ? rng.Next(33, 300) : rng.Next(1, 70), k = i % 5 == 0 ? rng.Next(257, 700) : rng.Next(1, 200);
            var test = new GemmCase(false, rng.Next(2) == 0, m, n, k, 0.5f + i, i % 3 == 0 ? 0f : 1f, seed: i, extraLd: i % 3, nanC: i % 3 == 0);
            Assert.True(test.Run(kernel, 1).AsSpan().SequenceEqual(test.RunPacked(kernel, 1)), test.ToString());
        }
    }

    [Fact]
    public void Repack_follows_the_new_values_and_shape_is_reported()
    {
        var first = new GemmCase(false, true, 4, 40, 30, 1f, 0f, seed: 1);
        var second = new GemmCase(false, true, 4, 40, 30, 1f, 0f, seed: 2);
        var packed = Gemm.Pack(true, 30, 40, first.B, first.Ldb);
        Assert.Equal((30, 40), (packed.Rows, packed.Columns));
        packed.Repack(true, second.B, second.Ldb);
        var c = new float[4 * 40];
        Gemm.Multiply(false, 4, 1f, first.A, first.Lda, packed, 0f, c, 40);
        var expected = new float[4 * 40];
        Gemm.Multiply(false, true, 4, 40, 30, 1f, first.A, first.Lda, second.B, second.Ldb, 0f, expected, 40);
        Assert.Equal(expected, c);
    }

    [Fact]
    public void Too_short_source_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gemm.Pack(false, 3, 4, new float[11], 4));
        Assert.Contains("'b'", ex.Message);
    }
}
