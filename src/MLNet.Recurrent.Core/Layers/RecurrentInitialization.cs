namespace MLNet.Recurrent.Core.Layers;

/// <summary>How a trained network's recurrent weights <c>weight_hh_l{k}</c> start.</summary>
public enum RecurrentInitialization
{
    /// <summary>An independent orthogonal H x H matrix per gate block (PyTorch's <c>orthogonal_</c>).</summary>
    Orthogonal,

    /// <summary>
    /// Echo-state style (Jaeger 2001; Sutskever et al. 2013 then train every connection): each gate block drawn from
    /// N(0, 1) and rescaled to a chosen spectral radius (<c>EchoStateSpectralRadius</c>), so activity neither dies
    /// out nor explodes over the first steps.
    /// </summary>
    EchoState,
}
