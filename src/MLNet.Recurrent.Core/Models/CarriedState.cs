using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Models;

/// <summary>A snapshot of the state a <see cref="SequenceNetwork"/> carries between forward passes.</summary>
public sealed class CarriedState
{
    internal Tensor Hidden { get; } = new(0);
    internal Tensor Cell { get; } = new(0);

    /// <summary>Whether the snapshot holds a state (false: the network was at its initial state).</summary>
    public bool HasState { get; internal set; }
}
