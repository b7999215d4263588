using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// What <see cref="TrainingLoop{TBatch}"/> puts in a <see cref="TrainingCheckpoint"/> besides the plan's position:
/// which plan wrote it, the options and data it must be resumed with, the network's generators, the best weights and
/// early-stopping counter, and the evaluation history.
/// </summary>
internal static class TrainerCheckpoints
{
    private const string TrainerKey = "trainer", DropoutKey = "dropout.random", HistoryKey = "history";
    private const string LossKey = "last.loss", NormKey = "last.gradient_norm";
    private const int HistoryFields = 10;

    /// <summary>Captures weights, optimizer, dropout generators, best weights, history and the last step's loss and norm (the next evaluation reports them).</summary>
    public static TrainingCheckpoint Capture<TBatch>(string trainer, ITrainableNetwork<TBatch> network, IOptimizer optimizer, BestWeights best,
        IReadOnlyList<TrainingProgress> history, (double Loss, double Norm) last, IReadOnlyList<(string Key, long Value)> identity)
    {
        var checkpoint = TrainingCheckpoint.Capture(network.Parameters, optimizer);
        var state = checkpoint.State;
        state.Set(TrainerKey, trainer);
        foreach (var (key, value) in identity) state.Set(key, value);
        state.Set(DropoutKey, network.ExportRandomState().AsSpan());
        state.Set(LossKey, last.Loss);
        state.Set(NormKey, last.Norm);
        best.Save(state);
        var bits = new long[history.Count * HistoryFields];
        for (int i = 0; i < history.Count; i++)
        {
            var r = history[i];
            var v = r.Validation!;
            ReadOnlySpan<double> fields = [r.Epoch, r.Step, r.TotalSteps, r.Loss, r.GradientNorm, r.TokensPerSecond, r.Elapsed.TotalSeconds, v.Loss, v.Accuracy, v.Count];
            for (int f = 0; f < HistoryFields; f++) bits[i * HistoryFields + f] = BitConverter.DoubleToInt64Bits(fields[f]);
        }
        state.Set(HistoryKey, bits.AsSpan());
        return checkpoint;
    }

    /// <summary>Checks the checkpoint was written by <paramref name="trainer"/> for the same options and data, then restores weights, optimizer, dropout, best weights and history.</summary>
    public static (double Loss, double Norm) Restore<TBatch>(TrainingCheckpoint checkpoint, string trainer, ITrainableNetwork<TBatch> network, IOptimizer optimizer, BestWeights best,
        List<TrainingProgress> history, IReadOnlyList<(string Key, long Value)> identity)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var state = checkpoint.State;
        string writer = state.Contains(TrainerKey) ? state.GetString(TrainerKey) : "no trainer";
        if (writer != trainer) ThrowHelper.Argument(nameof(checkpoint), $"written by {writer}", $"a {trainer} resumes only its own checkpoints");
        foreach (var (key, value) in identity)
        {
            long stored = state.GetInt64(key);
            if (stored != value)
                ThrowHelper.Argument(nameof(checkpoint), $"a run with '{key}' {stored}",
                    $"this run has {value}; resume with the options and data of the run that wrote the checkpoint");
        }
        checkpoint.Restore(network.Parameters, optimizer);
        network.ImportRandomState(state.GetInt64Array(DropoutKey));
        best.Load(state);
        long[] bits = state.GetInt64Array(HistoryKey);
        history.Clear();
        for (int i = 0; i < bits.Length / HistoryFields; i++)
        {
            double F(int f) => BitConverter.Int64BitsToDouble(bits[i * HistoryFields + f]);
            history.Add(new TrainingProgress((int)F(0), (long)F(1), (long)F(2), F(3), F(4), F(5), TimeSpan.FromSeconds(F(6)),
                new EvaluationResult(F(7), F(8), (long)F(9))));
        }
        return (state.GetDouble(LossKey), state.GetDouble(NormKey));
    }
}
