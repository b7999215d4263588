namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// How the probability of feeding the true previous token (teacher forcing) falls with training steps i, after
/// Bengio et al. 2015, "Scheduled Sampling for Sequence Prediction with Recurrent Neural Networks".
/// </summary>
public enum TeacherForcingDecay
{
    /// <summary><c>eps_i = eps_0</c>: a fixed probability (1 is plain teacher forcing).</summary>
    Constant,

    /// <summary><c>eps_i = max(min, eps_0 - c i)</c>.</summary>
    Linear,

    /// <summary><c>eps_i = max(min, eps_0 k^i)</c>, k &lt; 1.</summary>
    Exponential,

    /// <summary><c>eps_i = max(min, k / (k + exp(i / k)))</c>, k &gt;= 1.</summary>
    InverseSigmoid,
}
