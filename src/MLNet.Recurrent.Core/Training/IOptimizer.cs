using MLNet.Recurrent.Core.Parameters;
namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// Updates every weight of a <see cref="ParameterSet"/> from its gradients, one step at a time. The update
/// formulas are PyTorch 1.13's (<c>torch.optim</c>), so a step can be checked against PyTorch number for number.
/// </summary>
public interface IOptimizer
{
    /// <summary>The optimizer's name as it is stored in checkpoints (<c>"Adam"</c>, <c>"SGD"</c>, ...).</summary>
    string Kind { get; }

    /// <summary>The learning rate of the next step; a schedule sets it before each step.</summary>
    double LearningRate { get; set; }

    /// <summary>How many steps have been taken (PyTorch's <c>state["step"]</c>); the first step is step 1.</summary>
    long StepCount { get; }

    /// <summary>Takes one step: reads <see cref="ParameterSet.Gradients"/> and updates <see cref="ParameterSet.Values"/>.</summary>
    /// <param name="parameters">The weights; the same set (or one of the same size) on every call.</param>
    void Step(ParameterSet parameters);

    /// <summary>A deep copy of everything the optimizer remembers between steps, for a checkpoint.</summary>
    OptimizerState ExportState();

    /// <summary>Restores what <see cref="ExportState"/> captured, so the next step is the one that would have followed.</summary>
    /// <param name="state">State exported by an optimizer of the same kind and options.</param>
    void ImportState(OptimizerState state);
}
