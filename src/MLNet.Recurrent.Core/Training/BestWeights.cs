using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Training;

/// <summary>Keeps a copy of the weights with the best validation loss, and counts evaluations since it improved.</summary>
internal sealed class BestWeights(ParameterSet parameters)
{
    private const string LossKey = "best.loss", AccuracyKey = "best.accuracy", CountKey = "best.count",
        SinceKey = "best.evaluations_since", WeightsKey = "best.weights";

    private float[]? _values;

    public EvaluationResult? Best { get; private set; }

    public int EvaluationsSinceBest { get; private set; }

    /// <summary>Records an evaluation; returns whether it is the new best.</summary>
    public bool Offer(EvaluationResult result)
    {
        if (Best is null || result.Loss < Best.Loss)
        {
            Best = result;
            EvaluationsSinceBest = 0;
            _values ??= new float[parameters.Count];
            parameters.Values.CopyTo(_values, 0);
            return true;
        }
        EvaluationsSinceBest++;
        return false;
    }

    /// <summary>Puts the best weights back (nothing happens when there was no evaluation).</summary>
    public void Restore() => _values?.CopyTo(parameters.Values, 0);

    /// <summary>Records the best result, its weights and the early-stopping counter in a checkpoint's state.</summary>
    public void Save(ConfigurationMap state)
    {
        if (Best is null) return;
        state.Set(LossKey, Best.Loss);
        state.Set(AccuracyKey, Best.Accuracy);
        state.Set(CountKey, Best.Count);
        state.Set(SinceKey, EvaluationsSinceBest);
        state.Set(WeightsKey, _values);
    }

    /// <summary>Takes back what <see cref="Save"/> recorded (no best result if it recorded none).</summary>
    public void Load(ConfigurationMap state)
    {
        if (!state.Contains(LossKey))
        {
            Best = null;
            _values = null;
            EvaluationsSinceBest = 0;
            return;
        }
        Best = new EvaluationResult(state.GetDouble(LossKey), state.GetDouble(AccuracyKey), state.GetInt64(CountKey));
        EvaluationsSinceBest = state.GetInt32(SinceKey);
        _values = state.GetSingleArray(WeightsKey);
        if (_values.Length != parameters.Count)
            Internals.ThrowHelper.Argument("checkpoint", $"best weights of {_values.Length} values", $"the network has {parameters.Count}");
    }
}
