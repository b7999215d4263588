namespace MLNet.Recurrent.Core.Layers;

/// <summary>How <see cref="SequencePooling"/> turns a sequence of outputs into one vector (many-to-one).</summary>
public enum SequencePoolingMode
{
    /// <summary>
    /// The output at the sequence's last valid step, <c>t = length - 1</c>. For a bidirectional layer, the forward
    /// half at <c>t = length - 1</c> and the reverse half at <c>t = 0</c>, where each direction has read everything.
    /// </summary>
    Last,

    /// <summary>The mean over the valid steps <c>t &lt; length</c>.</summary>
    Mean,

    /// <summary>The elementwise maximum over the valid steps <c>t &lt; length</c> (ties: the earliest step gets the gradient).</summary>
    Max,
}
