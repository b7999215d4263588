using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Layers;

public sealed partial class LinearChainCrf
{
    /// <summary>
    /// Overwrites the emission gradient and accumulates (<c>+=</c>) the parameter gradients, from the forward-backward
    /// marginals of the last <see cref="Forward"/>: with c = lossGradient times the reduction's factor,
    /// <c>dE_t[k] = c (p(y_t = k) - [y_t = k])</c>,
    /// <c>dA[i, k] += c sum_{t&gt;=1} (p(y_{t-1} = i, y_t = k) - [y_{t-1} = i, y_t = k])</c>,
    /// <c>dStart[k] += c (p(y_0 = k) - [y_0 = k])</c>, <c>dEnd[k] += c (p(y_{L-1} = k) - [y_{L-1} = k])</c>.
    /// </summary>
    /// <param name="emissionsGradient">Resized to [T, B, K] and overwritten with dLoss/dE; zero on padding steps.</param>
    /// <param name="lossGradient">The upstream gradient of the loss, 1 when the loss is the objective.</param>
    public void Backward(Tensor emissionsGradient, float lossGradient = 1f)
    {
        ArgumentNullException.ThrowIfNull(emissionsGradient);
        if (!_forwardDone) ThrowHelper.InvalidOperation("LinearChainCrf.Backward was called before Forward.");
        var lat = _train;
        int t = lat.Steps, b = lat.Batch, k = lat.Classes;
        emissionsGradient.Resize(t, b, k);
        emissionsGradient.Clear();
        BackwardAlgorithm(lat);
        if (lat.ExpSpace) Array.Clear(lat.PairSums, 0, k * k);

        double c = lossGradient * _scale;
        Span<float> de = emissionsGradient.Span;
        Span<float> dStart = StartTransitions.Gradient, dEnd = EndTransitions.Gradient, dA = Transitions.Gradient;
        double[] alpha = lat.Alpha, beta = lat.Beta, e = lat.Emissions, a = lat.Transitions;
        for (int j = 0; j < b; j++)
        {
            int length = lat.Lengths[j];
            if (length == 0) continue;
            double logZ = lat.LogPartition[j];
            for (int step = 0; step < length; step++)
            {
                int row = lat.Row(step, j);
                int y = _tags[step * b + j];
                for (int i = 0; i < k; i++)
                {
                    double p = Math.Exp(alpha[row + i] + beta[row + i] - logZ);
                    de[row + i] = (float)(c * p);
                    if (step == 0) dStart[i] += (float)(c * p);
                    if (step == length - 1) dEnd[i] += (float)(c * p);
                }
                de[row + y] -= (float)c;
                if (step == 0) dStart[y] -= (float)c;
                if (step == length - 1) dEnd[y] -= (float)c;
                if (step == 0) continue;

                if (lat.ExpSpace)
                {
                    AccumulatePairsExpSpace(lat, j, step, c);
                }
                else
                {
                    // Pair marginals p(y_{t-1} = i, y_t = k) = exp(alpha_{t-1}[i] + A[i, k] + e_t[k] + beta_t[k] - log Z).
                    int previous = lat.Row(step - 1, j);
                    for (int i = 0; i < k; i++)
                    {
                        double from = alpha[previous + i] - logZ;
                        for (int n = 0; n < k; n++)
                            dA[i * k + n] += (float)(c * Math.Exp(from + a[i * k + n] + e[row + n] + beta[row + n]));
                    }
                }
                dA[_tags[(step - 1) * b + j] * k + y] -= (float)c;
            }
        }
        if (lat.ExpSpace)
        {
            for (int i = 0; i < k * k; i++) dA[i] += (float)(lat.PairSums[i] * lat.ExpTransitions[i]);
        }
    }
}
