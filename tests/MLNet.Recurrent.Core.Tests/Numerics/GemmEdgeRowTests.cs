using MLNet.Recurrent.Core.Numerics.Internals;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Numerics;

/// <summary>
/// The rows left under the last full 6-row panel (1 to 5 of them) run their own kernels, several B panels at a time
/// (<see cref="GemmMicroKernels.EdgeRowFunction"/>). Every element must still be the chain of <see cref="GemmCase.RunChain"/>
/// bit for bit: every edge size, column counts whose full panels leave every remainder of a group (a 1-row call takes
/// 6 panels, a 2-row call 3, a 3-row call 2) with and without a narrower last panel, one k block and two (k 300 &gt; 256),
/// beta 0 over NaN and beta 2, on 1 and 2 threads and by a pre-packed B. The Vector512 kernel runs in software where the
/// machine has no AVX-512: slower, the same bits.
/// </summary>
public sealed class GemmEdgeRowTests(ITestOutputHelper output)
{
    // Kernel numbers: 2 Vector256, 3 Vector512 (the enum is internal); the others have no edge-row kernels.
    public static TheoryData<int> Kernels => new() { 2, 3 };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void every_edge_row_count_gives_the_bits_of_the_fused_multiply_add_chain(int kernelNumber)
    {
        var kernel = (GemmKernel)kernelNumber;
        // With 16-wide panels these n have 1, 2, 4, 5, 6, 8, 11, 12 and 15 full panels; with 32-wide 0 to 7.
        int[] rows = [.. Enumerable.Range(1, 13), 31, 32, 33, 64];
        int[] columns = [16, 40, 64, 80, 100, 130, 176, 200, 250];
        int cases = 0, mismatched = 0;
        string? first = null;
        foreach (int m in rows)
        {
            foreach (int n in columns)
            {
                foreach (int k in new[] { 7, 300 })
                {
                    foreach (var (alpha, beta) in new[] { (1f, 0f), (0.5f, 2f) })
                    {
                        var test = new GemmCase(cases % 2 == 1, cases / 2 % 2 == 1, m, n, k, alpha, beta, seed: cases, extraLd: cases % 3, nanC: beta == 0);
                        float[] expected = test.RunChain();
                        foreach (var (how, actual) in new[] { ("1 thread", test.Run(kernel, 1)), ("2 threads", test.Run(kernel, 2)), ("packed", test.RunPacked(kernel, 2)) })
                        {
                            if (!actual.AsSpan().SequenceEqual(expected))
                            {
                                mismatched++;
                                first ??= $"{how}, {test}";
                            }
                        }
                        cases++;
                    }
                }
            }
        }
        output.WriteLine($"{kernel}: {cases} shapes x (1 thread, 2 threads, packed), {mismatched} differ from the chain{(first is null ? "" : "; first: " + first)}");
        Assert.Null(first);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void edge_rows_keep_the_chain_bits_when_two_threads_split_the_rows_or_the_columns(int kernelNumber)
    {
        var kernel = (GemmKernel)kernelNumber;
        // Big enough for two threads (over 2^21 multiply-adds): 149 rows cross the 144-row A block and end on a
        // 5-row edge; 1100 columns need two column tasks; 64 rows end on a 4-row edge.
        foreach (var (m, n, k) in new[] { (149, 250, 300), (33, 1100, 70), (64, 260, 300) })
        {
            var test = new GemmCase(false, true, m, n, k, 0.5f, 2f, seed: m);
            float[] expected = test.RunChain();
            Assert.True(test.Run(kernel, 1).AsSpan().SequenceEqual(expected), $"1 thread, {test}");
            Assert.True(test.Run(kernel, 2).AsSpan().SequenceEqual(expected), $"2 threads, {test}");
            Assert.True(test.RunPacked(kernel, 2).AsSpan().SequenceEqual(expected), $"packed, {test}");
        }
    }
}
