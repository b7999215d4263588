namespace MLNet.Recurrent.Sweeps;

/// <summary>How a <see cref="SweepParameter"/> draws its values.</summary>
public enum SweepParameterKind
{
    /// <summary>A number drawn uniformly between <see cref="SweepParameter.Min"/> and <see cref="SweepParameter.Max"/> (of its logarithm when <see cref="SweepParameter.LogScale"/>).</summary>
    Range,

    /// <summary>One of <see cref="SweepParameter.Choices"/>, each equally likely.</summary>
    Choice,

    /// <summary>Always <see cref="SweepParameter.Default"/>: the option is set but not searched.</summary>
    Fixed,
}
