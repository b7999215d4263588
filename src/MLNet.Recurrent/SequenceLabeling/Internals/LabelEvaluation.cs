using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Evaluation;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.SequenceLabeling.Internals;

/// <summary>Reads gold and predicted key vectors row by row into the engine's <see cref="SequenceLabelingEvaluator"/>.</summary>
internal static class LabelEvaluation
{
    private const string Component = "EvaluateLabels";

    public static SequenceLabelingMetrics Evaluate(IDataView data, string labelColumnName, string predictedLabelsColumnName)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataViewSchema.Column gold = InputColumns.Require(data.Schema, Component, labelColumnName, ColumnExpectation.LabelSequence());
        DataViewSchema.Column predicted = InputColumns.Require(data.Schema, Component, predictedLabelsColumnName, ColumnExpectation.LabelSequence());
        ulong k = ((KeyDataViewType)((VectorDataViewType)gold.Type).ItemType).Count;
        ulong kp = ((KeyDataViewType)((VectorDataViewType)predicted.Type).ItemType).Count;
        if (k != kp || k > int.MaxValue)
            ThrowHelper.ColumnType(Component, predicted.Name, ThrowHelper.Describe(predicted.Type), $"keys over the same {k} classes as column '{gold.Name}'");
        string[]? names = Annotations.ReadKeyValuesAsText(gold);
        var evaluator = new SequenceLabelingEvaluator((int)k, names is { Length: var n } && n == (int)k ? names : null);
        using DataViewRowCursor cursor = data.GetRowCursor([gold, predicted]);
        var goldReader = new KeySequenceReader(cursor, gold);
        var predictedReader = new KeySequenceReader(cursor, predicted);
        while (cursor.MoveNext())
        {
            int[] g = goldReader.Read().ToArray();
            ReadOnlySpan<int> p = predictedReader.Read();
            if (g.Length != p.Length)
                ThrowHelper.RowValue(gold.Name, cursor.Position, $"it holds {g.Length} labels but column '{predicted.Name}' holds {p.Length}; {Component} needs one prediction per label");
            Check(g, gold.Name, cursor.Position);
            Check(p, predicted.Name, cursor.Position);
            evaluator.Add(g, p);
        }
        return evaluator.Compute();
    }

    private static void Check(ReadOnlySpan<int> ids, string column, long row)
    {
        int missing = ids.IndexOf(-1);
        if (missing >= 0) ThrowHelper.RowValue(column, row, $"step {missing} holds the missing key; {Component} needs a class at every step");
    }
}
