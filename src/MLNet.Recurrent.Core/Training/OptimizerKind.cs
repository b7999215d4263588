namespace MLNet.Recurrent.Core.Training;

/// <summary>The optimizers <see cref="TrainingOptions"/> can name.</summary>
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent with optional momentum (<see cref="Sgd"/>).</summary>
    Sgd,
    /// <summary>Adam (<see cref="Adam"/>).</summary>
    Adam,
    /// <summary>Adam with decoupled weight decay (<see cref="AdamW"/>).</summary>
    AdamW,
    /// <summary>RMSProp (<see cref="RmsProp"/>).</summary>
    RmsProp,
    /// <summary>Adagrad (<see cref="Adagrad"/>).</summary>
    Adagrad,
}
