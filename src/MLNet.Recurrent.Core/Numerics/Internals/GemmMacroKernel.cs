using System.Runtime.CompilerServices;

namespace MLNet.Recurrent.Core.Numerics.Internals;

/// <summary>
/// One packed block through the micro-kernels (the BLIS macro-kernel), shared by <see cref="GemmJob"/> and the fused
/// recurrent step: <c>C[0..mc, 0..nc] = alpha * Ablock * Bblock + beta * C</c> for one k block, A packed as
/// <c>kc x MR</c> panels and B as <c>kc x NR</c> panels (<see cref="GemmPacking"/>).
/// </summary>
/// <remarks>
/// Full MR-row panels by full-width B panels run the micro-kernel straight into C. The rows left under the last full
/// panel (1 to 5 of a 6-row kernel) run, for kernels that have them, the edge-row kernels
/// (<see cref="GemmMicroKernels.EdgeRowFunction"/>), which compute only those rows, straight into C; B panels are
/// walked in groups of as many as one edge-row call takes, the group's full row panels first and then its edge rows,
/// so the edge rows find the group's B panels still in cache. What is left (a B panel narrower than NR, or the edge
/// rows of a kernel without edge-row kernels) runs the full tile into a stack buffer, unscaled, then the kernel's
/// epilogue element by element (<see cref="GemmMicroKernels.StoreValue"/>). Every path gives each element the same
/// chain, so the bits are those of the plain MR-row tiling.
/// </remarks>
internal static unsafe class GemmMacroKernel
{
    /// <summary>
    /// Runs the block. <paramref name="aPack"/>: <paramref name="mc"/> rows packed by <see cref="GemmPacking.PackA"/>;
    /// <paramref name="bPack"/>: <paramref name="nc"/> columns packed by <see cref="GemmPacking.PackB"/> (consecutive
    /// panels, 64-byte aligned); <paramref name="c"/>: the block's first element, rows <paramref name="ldc"/> apart.
    /// </summary>
    [SkipLocalsInit]
    internal static void Run(
        GemmKernel kernel, int mc, int nc, int kc, float* aPack, float* bPack, float* c, nint ldc, float alpha, float beta)
    {
        var micro = GemmMicroKernels.Function(kernel);
        int mr = GemmMicroKernels.Rows(kernel), nr = GemmMicroKernels.Columns(kernel);
        int edgeRows = mc % mr, fullRows = mc - edgeRows;
        bool edgeKernels = edgeRows > 0 && GemmMicroKernels.HasEdgeRowKernels(kernel);
        int group = edgeKernels ? GemmMicroKernels.EdgeRowPanels(edgeRows) * nr : nr;
        float* edgeA = aPack + (nint)fullRows * kc, edgeC = c + fullRows * ldc;
        float* tile = stackalloc float[6 * 32];
        for (int j0 = 0; j0 < nc; j0 += group)
        {
            int jEnd = Math.Min(nc, j0 + group);
            for (int jr = j0; jr < jEnd; jr += nr)
            {
                int cols = Math.Min(nr, nc - jr);
                float* bPanel = bPack + (nint)jr * kc;
                for (int ir = 0; ir < fullRows; ir += mr)
                {
                    float* aPanel = aPack + (nint)ir * kc, cTile = c + ir * ldc + jr;
                    if (cols == nr) micro(kc, aPanel, bPanel, cTile, ldc, alpha, beta);
                    else Tile(micro, tile, mr, cols, nr, kc, aPanel, bPanel, cTile, ldc, alpha, beta);
                }
                if (edgeRows > 0 && (!edgeKernels || cols < nr))
                {
                    Tile(micro, tile, edgeRows, cols, nr, kc, edgeA, bPanel, edgeC + jr, ldc, alpha, beta);
                }
            }
            int panels = (jEnd - j0) / nr;
            if (edgeKernels && panels > 0)
            {
                GemmMicroKernels.EdgeRowFunction(kernel, edgeRows, panels)(kc, edgeA, bPack + (nint)j0 * kc, edgeC + j0, ldc, alpha, beta);
            }
        }
    }

    /// <summary>
    /// A tile of <paramref name="rows"/> by <paramref name="cols"/>: the full micro-kernel tile into
    /// <paramref name="tile"/> with alpha 1 and beta 0 (so each value is the bare chain), then the epilogue per element.
    /// </summary>
    private static void Tile(
        delegate*<nint, float*, float*, float*, nint, float, float, void> micro, float* tile, int rows, int cols, int nr, int kc,
        float* aPanel, float* bPanel, float* c, nint ldc, float alpha, float beta)
    {
        micro(kc, aPanel, bPanel, tile, nr, 1f, 0f);
        for (int r = 0; r < rows; r++, c += ldc)
        {
            for (int j = 0; j < cols; j++) c[j] = GemmMicroKernels.StoreValue(tile[r * nr + j], c, j, alpha, beta);
        }
    }
}
