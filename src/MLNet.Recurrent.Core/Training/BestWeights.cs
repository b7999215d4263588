
namespace MLNet.Recurrent.Core.Training;

/// <summary>Keeps a copy of the weights with the best validation loss, and counts evaluations since it improved.</summary>
internal sealed class BestWeights(ParameterSet parameters)
{
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
}
