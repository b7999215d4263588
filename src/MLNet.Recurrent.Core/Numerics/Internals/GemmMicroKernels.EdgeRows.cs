using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace MLNet.Recurrent.Core.Numerics.Internals;

// The edge-row kernels: the 1 to 5 rows left under the last full 6-row panel of a block (a recurrent step at batch 32
// is five full panels and a 2-row edge), by one or more full-width B panels. The 6-row kernel would spend (6 - rows)/6
// of its multiply-adds on padding there. These compute only the live rows, straight into C with the 6-row kernel's
// own epilogue; each element is the same chain (fused multiply-adds in k order from zero, alpha * x, then
// fma(c, beta, .)), so the bits do not change. A chain of few rows is latency-bound (an FMA takes 4-5 cycles and two
// can start per cycle), so 1 to 3 rows take several adjacent B panels at once (panel jr + NR starts kc * NR floats
// after panel jr in a packed block) to keep 8 to 12 independent accumulators in flight.
internal static unsafe partial class GemmMicroKernels
{
    /// <summary>Whether <paramref name="kernel"/> has edge-row kernels; the others run a full tile into a stack buffer.</summary>
    internal static bool HasEdgeRowKernels(GemmKernel kernel) => kernel is GemmKernel.Vector256 or GemmKernel.Vector512;

    /// <summary>How many adjacent full-width B panels one edge-row call takes for <paramref name="rows"/> (1 to 5) rows.</summary>
    internal static int EdgeRowPanels(int rows) => rows switch
    {
        1 => 6,
        2 => 3,
        3 => 2,
        _ => 1,
    };

    /// <summary>
    /// The edge-row kernel for <paramref name="rows"/> rows (1 to 5) by <paramref name="panels"/> full-width B panels
    /// (1 to <see cref="EdgeRowPanels"/>): <c>C[0..rows, 0..panels*NR] = alpha * (Apanel * Bpanels) + beta * C</c>, where
    /// A is the block's zero-padded <c>kc x 6</c> edge panel (only its first <paramref name="rows"/> values per k are
    /// read) and the B panels are consecutive <c>kc x NR</c> blocks. Arguments as for <see cref="Function"/>'s kernels.
    /// </summary>
    internal static delegate*<nint, float*, float*, float*, nint, float, float, void> EdgeRowFunction(GemmKernel kernel, int rows, int panels)
    {
        Debug.Assert(HasEdgeRowKernels(kernel) && rows is >= 1 and <= 5 && panels >= 1 && panels <= EdgeRowPanels(rows));
        if (kernel == GemmKernel.Vector256)
        {
            return (rows, panels) switch
            {
                (1, 1) => &Vector256Edge1<One>,
                (1, 2) => &Vector256Edge1<Two>,
                (1, 3) => &Vector256Edge1<Three>,
                (1, 4) => &Vector256Edge1<Four>,
                (1, 5) => &Vector256Edge1<Five>,
                (1, _) => &Vector256Edge1<Six>,
                (2, 1) => &Vector256Edge2<One>,
                (2, 2) => &Vector256Edge2<Two>,
                (2, _) => &Vector256Edge2<Three>,
                (3, 1) => &Vector256Edge3<One>,
                (3, _) => &Vector256Edge3<Two>,
                (4, _) => &Vector256Edge4,
                _ => &Vector256Edge5,
            };
        }
        return (rows, panels) switch
        {
            (1, 1) => &Vector512Edge1<One>,
            (1, 2) => &Vector512Edge1<Two>,
            (1, 3) => &Vector512Edge1<Three>,
            (1, 4) => &Vector512Edge1<Four>,
            (1, 5) => &Vector512Edge1<Five>,
            (1, _) => &Vector512Edge1<Six>,
            (2, 1) => &Vector512Edge2<One>,
            (2, 2) => &Vector512Edge2<Two>,
            (2, _) => &Vector512Edge2<Three>,
            (3, 1) => &Vector512Edge3<One>,
            (3, _) => &Vector512Edge3<Two>,
            (4, _) => &Vector512Edge4,
            _ => &Vector512Edge5,
        };
    }

    /// <summary>Asks for the C lines an edge-row call will write, as <see cref="PrefetchTile"/> does for a full tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRows(float* c, nint ldc, int rows, int width)
    {
        if (!Sse.IsSupported) return;
        for (int r = 0; r < rows; r++, c += ldc)
        {
            for (int j = 0; j < width; j += 16) Sse.Prefetch0(c + j);
            Sse.Prefetch0(c + width - 1);
        }
    }

    /// <summary>
    /// A panel count known when the kernel is compiled: each kernel is instantiated per count, so the JIT drops the
    /// accumulators and loads of the panels a call does not have.
    /// </summary>
    private interface IPanelCount
    {
        static abstract int Count { get; }
    }

    private readonly struct One : IPanelCount
    {
        public static int Count => 1;
    }

    private readonly struct Two : IPanelCount
    {
        public static int Count => 2;
    }

    private readonly struct Three : IPanelCount
    {
        public static int Count => 3;
    }

    private readonly struct Four : IPanelCount
    {
        public static int Count => 4;
    }

    private readonly struct Five : IPanelCount
    {
        public static int Count => 5;
    }

    private readonly struct Six : IPanelCount
    {
        public static int Count => 6;
    }
}
