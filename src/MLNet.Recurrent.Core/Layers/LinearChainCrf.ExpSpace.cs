using MLNet.Recurrent.Core.Layers.Internals;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace MLNet.Recurrent.Core.Layers;

/// <summary>
/// The recursions as matrix-vector products: with <c>E = exp(A - max A)</c> and each step's log-scores shifted by
/// their maximum m, <c>logsumexp_i(alpha[i] + A[i, k]) = m + max A + log(sum_i exp(alpha[i] - m) E[i, k])</c>.
/// That is K^2 multiply-adds and K exponentials per step instead of K^2 exponentials (93 tags: about 90 times fewer
/// exponentials). The largest term of every sum is exp(A[i*, k] - max A) &gt;= exp(-600), so no sum underflows while A
/// spans less than <see cref="CrfLattice.MaxExpSpaceRange"/>; wider transition scores take the log-space loops.
/// </summary>
public sealed partial class LinearChainCrf
{
    private static void ForwardAlgorithmExpSpace(CrfLattice lat)
    {
        int k = lat.Classes;
        double[] alpha = lat.Alpha, e = lat.Emissions, expA = lat.ExpTransitions;
        Span<double> u = lat.Scratch, sums = lat.Scratch2;
        for (int j = 0; j < lat.Batch; j++)
        {
            int length = lat.Lengths[j];
            lat.LogPartition[j] = 0;
            if (length == 0) continue;
            int row = lat.Row(0, j);
            for (int c = 0; c < k; c++) alpha[row + c] = lat.Start[c] + e[row + c];
            for (int step = 1; step < length; step++)
            {
                int previous = row;
                row = lat.Row(step, j);
                double shift = Exponentiate(alpha.AsSpan(previous, k), u);
                sums.Clear();
                for (int i = 0; i < k; i++)
                {
                    if (u[i] != 0) TensorPrimitives.MultiplyAdd(expA.AsSpan(i * k, k), u[i], sums, sums);
                }
                shift += lat.TransitionMax;
                for (int c = 0; c < k; c++) alpha[row + c] = e[row + c] + shift + Math.Log(sums[c]);
            }
            for (int c = 0; c < k; c++) u[c] = alpha[row + c] + lat.End[c];
            lat.LogPartition[j] = LogSumExp(u);
        }
    }

    private static void BackwardAlgorithmExpSpace(CrfLattice lat)
    {
        int k = lat.Classes;
        double[] beta = lat.Beta, e = lat.Emissions, expA = lat.ExpTransitions;
        Span<double> v = lat.Scratch;
        for (int j = 0; j < lat.Batch; j++)
        {
            int length = lat.Lengths[j];
            if (length == 0) continue;
            int row = lat.Row(length - 1, j);
            for (int c = 0; c < k; c++) beta[row + c] = lat.End[c];
            for (int step = length - 2; step >= 0; step--)
            {
                int next = row;
                row = lat.Row(step, j);
                TensorPrimitives.Add(e.AsSpan(next, k), beta.AsSpan(next, k), v);
                double shift = Exponentiate(v, v) + lat.TransitionMax;
                for (int i = 0; i < k; i++) beta[row + i] = shift + Math.Log(TensorPrimitives.Dot(expA.AsSpan(i * k, k), v));
            }
        }
    }

    /// <summary>
    /// Adds <c>c p(y_{t-1} = i, y_t = k) / E[i, k]</c> to <see cref="CrfLattice.PairSums"/> for step t of sequence j:
    /// the outer product <c>c exp(m1 + max A + m2 - log Z) u v^T</c> with <c>u = exp(alpha_{t-1} - m1)</c>,
    /// <c>v = exp(e_t + beta_t - m2)</c>; Backward multiplies by E once at the end.
    /// </summary>
    private static void AccumulatePairsExpSpace(CrfLattice lat, int j, int step, double c)
    {
        int k = lat.Classes, row = lat.Row(step, j), previous = lat.Row(step - 1, j);
        Span<double> u = lat.Scratch, v = lat.Scratch2;
        double m1 = Exponentiate(lat.Alpha.AsSpan(previous, k), u);
        TensorPrimitives.Add(lat.Emissions.AsSpan(row, k), lat.Beta.AsSpan(row, k), v);
        double m2 = Exponentiate(v, v);
        double scale = c * Math.Exp(m1 + lat.TransitionMax + m2 - lat.LogPartition[j]);
        Span<double> sums = lat.PairSums;
        for (int i = 0; i < k; i++)
        {
            if (u[i] == 0) continue;
            Span<double> sumRow = sums.Slice(i * k, k);
            TensorPrimitives.MultiplyAdd(v, scale * u[i], sumRow, sumRow);
        }
    }

    /// <summary>Writes <c>exp(x - max x)</c> into <paramref name="destination"/> (which may be x) and returns max x.</summary>
    private static double Exponentiate(ReadOnlySpan<double> x, Span<double> destination)
    {
        double max = TensorPrimitives.Max(x);
        for (int i = 0; i < x.Length; i++) destination[i] = Math.Exp(x[i] - max);
        return max;
    }
}
