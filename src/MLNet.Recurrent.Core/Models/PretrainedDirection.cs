using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Models;

/// <summary>
/// One language model of <see cref="LanguageModelPretraining"/>: which way it read the sequences, its next-token
/// loss before and after training on the same held-out sequences, and how its training run ended.
/// </summary>
/// <param name="Backward">False for the forward model (predicts token t + 1 from tokens 0..t); true for the backward one (predicts token t - 1 from tokens t..T-1), which initialises a bidirectional layer's reverse direction.</param>
/// <param name="LossBefore">The mean next-token loss (nats) of the freshly initialised language model on the held-out sequences (all sequences without validation).</param>
/// <param name="LossAfter">The same loss after training (the best epoch's weights, which are the ones transferred).</param>
/// <param name="Training">How the language model's training run ended.</param>
public sealed record PretrainedDirection(bool Backward, double LossBefore, double LossAfter, TrainingResult Training);
