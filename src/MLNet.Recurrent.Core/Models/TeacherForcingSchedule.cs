using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// The probability eps_i of feeding the decoder the true previous token at training step i (Bengio et al. 2015);
/// with probability 1 - eps_i it reads the token the model itself predicted. The choice is made per token.
/// </summary>
public sealed class TeacherForcingSchedule
{
    /// <summary>Plain teacher forcing: always the true token.</summary>
    public static TeacherForcingSchedule Always { get; } = new(TeacherForcingDecay.Constant, 1, 0, 0);

    /// <summary>Creates a schedule, checking its values.</summary>
    /// <param name="decay">The shape of the decay.</param>
    /// <param name="start">eps_0 in [0, 1] (for <see cref="TeacherForcingDecay.InverseSigmoid"/> the curve starts near 1 and this is unused).</param>
    /// <param name="rate">Linear: c &gt; 0 per step; exponential: k in (0, 1); inverse sigmoid: k &gt;= 1; constant: unused.</param>
    /// <param name="minimum">The floor of the probability, in [0, 1].</param>
    public TeacherForcingSchedule(TeacherForcingDecay decay, double start, double rate, double minimum)
    {
        if (!Enum.IsDefined(decay)) ThrowHelper.OutOfRange(nameof(decay), decay, "it must be a defined decay");
        if (!(start >= 0 && start <= 1)) ThrowHelper.OutOfRange(nameof(start), start, "it must be in [0, 1]");
        if (!(minimum >= 0 && minimum <= 1)) ThrowHelper.OutOfRange(nameof(minimum), minimum, "it must be in [0, 1]");
        switch (decay)
        {
            case TeacherForcingDecay.Linear when !(rate > 0) || double.IsInfinity(rate):
                ThrowHelper.OutOfRange(nameof(rate), rate, "a linear decay needs a positive finite slope per step");
                break;
            case TeacherForcingDecay.Exponential when !(rate > 0 && rate < 1):
                ThrowHelper.OutOfRange(nameof(rate), rate, "an exponential decay needs k in (0, 1)");
                break;
            case TeacherForcingDecay.InverseSigmoid when !(rate >= 1) || double.IsInfinity(rate):
                ThrowHelper.OutOfRange(nameof(rate), rate, "an inverse-sigmoid decay needs a finite k >= 1");
                break;
        }
        Decay = decay;
        Start = start;
        Rate = rate;
        Minimum = minimum;
    }

    /// <summary>The shape of the decay.</summary>
    public TeacherForcingDecay Decay { get; }

    /// <summary>eps_0.</summary>
    public double Start { get; }

    /// <summary>c (linear) or k (exponential, inverse sigmoid).</summary>
    public double Rate { get; }

    /// <summary>The floor of the probability.</summary>
    public double Minimum { get; }

    /// <summary>Whether the probability is 1 at every step (no sampling, no random numbers drawn).</summary>
    public bool IsAlwaysTeacher => Decay == TeacherForcingDecay.Constant && Start >= 1;

    /// <summary>eps_i: the probability of feeding the true token at training step <paramref name="step"/> (0-based).</summary>
    public double Probability(long step)
    {
        if (step < 0) ThrowHelper.OutOfRange(nameof(step), step, "it must be zero or positive");
        double p = Decay switch
        {
            TeacherForcingDecay.Constant => Start,
            TeacherForcingDecay.Linear => Start - Rate * step,
            TeacherForcingDecay.Exponential => Start * Math.Pow(Rate, step),
            _ => Rate / (Rate + Math.Exp(Math.Min(step / Rate, 700))),
        };
        return Math.Clamp(Math.Max(Minimum, p), 0, 1);
    }
}
