using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Layers.Internals;

/// <summary>
/// The workspace of one <see cref="LinearChainCrf"/> pass: a double copy of the emissions and parameters, the
/// forward (alpha) and backward (beta) log-scores, each sequence's log-partition and a scratch row. Arrays grow
/// and are reused, so steady-state passes allocate nothing.
/// </summary>
internal sealed class CrfLattice
{
    /// <summary>T, the steps of the batch.</summary>
    public int Steps;

    /// <summary>B, the sequences of the batch.</summary>
    public int Batch;

    /// <summary>K, the tags.</summary>
    public int Classes;

    /// <summary>e [T, B, K] in double; only real steps are filled.</summary>
    public double[] Emissions = [];

    /// <summary>alpha [T, B, K]: log of the summed scores of all paths ending in tag k at step t (Viterbi: the best score).</summary>
    public double[] Alpha = [];

    /// <summary>beta [T, B, K]: log of the summed scores of all continuations from tag k at step t, end transition included.</summary>
    public double[] Beta = [];

    /// <summary>Viterbi back-pointers [T, B, K]: the best previous tag.</summary>
    public int[] BackPointers = [];

    /// <summary>log Z [B]: 0 for an empty sequence.</summary>
    public double[] LogPartition = [];

    /// <summary>[B] each sequence's length.</summary>
    public int[] Lengths = [];

    /// <summary>A [K, K] in double (row: previous tag, column: next tag).</summary>
    public double[] Transitions = [];

    /// <summary>start [K] in double.</summary>
    public double[] Start = [];

    /// <summary>end [K] in double.</summary>
    public double[] End = [];

    /// <summary>A scratch row [K].</summary>
    public double[] Scratch = [];

    /// <summary>A second scratch row [K].</summary>
    public double[] Scratch2 = [];

    /// <summary>exp(A - max A) [K, K], for the exp-space recursions.</summary>
    public double[] ExpTransitions = [];

    /// <summary>A [K, K] accumulator of pair marginals (exp-space gradient).</summary>
    public double[] PairSums = [];

    /// <summary>max A, the shift of <see cref="ExpTransitions"/>.</summary>
    public double TransitionMax;

    /// <summary>
    /// Whether the recursions run as matrix-vector products in exp space (K^2 multiply-adds and K exponentials per
    /// step) rather than K^2 exponentials in log space. Chosen when A spans less than <see cref="MaxExpSpaceRange"/>
    /// nats, so every exp(A - max A) is a normal double and no product can underflow.
    /// </summary>
    public bool ExpSpace;

    /// <summary>The widest span of transition scores (max A - min A) the exp-space recursions accept.</summary>
    public const double MaxExpSpaceRange = 600;

    /// <summary>Sizes the arrays and copies the emissions of real steps, the lengths and the parameters in double.</summary>
    public void Load(Tensor emissions, ReadOnlySpan<int> lengths, ReadOnlySpan<float> transitions, ReadOnlySpan<float> start, ReadOnlySpan<float> end, bool forceLogSpace)
    {
        int t = emissions.Dim(0), b = emissions.Dim(1), k = emissions.Dim(2);
        Steps = t;
        Batch = b;
        Classes = k;
        int n = t * b * k;
        if (Emissions.Length < n)
        {
            Emissions = new double[n];
            Alpha = new double[n];
            Beta = new double[n];
        }
        if (LogPartition.Length < b)
        {
            LogPartition = new double[b];
            Lengths = new int[b];
        }
        if (Transitions.Length != k * k)
        {
            Transitions = new double[k * k];
            Start = new double[k];
            End = new double[k];
            Scratch = new double[k];
            Scratch2 = new double[k];
            ExpTransitions = new double[k * k];
            PairSums = new double[k * k];
        }
        lengths.CopyTo(Lengths);
        ReadOnlySpan<float> e = emissions.Span;
        for (int step = 0; step < t; step++)
            for (int j = 0; j < b; j++)
            {
                if (step >= lengths[j]) continue;
                int row = (step * b + j) * k;
                for (int c = 0; c < k; c++) Emissions[row + c] = e[row + c];
            }
        double max = double.NegativeInfinity, min = double.PositiveInfinity;
        for (int i = 0; i < k * k; i++)
        {
            double a = Transitions[i] = transitions[i];
            max = Math.Max(max, a);
            min = Math.Min(min, a);
        }
        TransitionMax = max;
        ExpSpace = !forceLogSpace && max - min < MaxExpSpaceRange;
        if (ExpSpace)
        {
            for (int i = 0; i < k * k; i++) ExpTransitions[i] = Math.Exp(Transitions[i] - max);
        }
        for (int c = 0; c < k; c++)
        {
            Start[c] = start[c];
            End[c] = end[c];
        }
    }

    /// <summary>The flat index of (step, sequence, tag 0).</summary>
    public int Row(int step, int sequence) => (step * Batch + sequence) * Classes;

    /// <summary>Sizes the back-pointers for a Viterbi pass.</summary>
    public void EnsureBackPointers()
    {
        int n = Steps * Batch * Classes;
        if (BackPointers.Length < n) BackPointers = new int[n];
    }
}
