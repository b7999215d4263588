using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// Base of every MLNet.Recurrent estimator. <c>Fit</c> checks the input schema the same way
/// <c>GetOutputSchema</c> does, opens a <see cref="TrainingSession"/> (seed, this fit's thread limit, one
/// cancellation token, progress, logging) and hands over to the component.
/// </summary>
/// <typeparam name="TTransformer">The transformer a fit produces.</typeparam>
public abstract class RecurrentEstimatorBase<TTransformer> : IEstimator<TTransformer>
    where TTransformer : RecurrentTransformerBase
{
    private protected RecurrentEstimatorBase(IHostEnvironment env, string name)
    {
        Host = Contracts.CheckRef(env, nameof(env)).Register(name);
        Name = name;
    }

    /// <summary>Registered at construction, so <c>MLContext.CancelExecution()</c> reaches it.</summary>
    private protected IHost Host { get; }

    /// <summary>The component's name as users know it (its catalog method); used in messages.</summary>
    private protected string Name { get; }

    /// <summary>
    /// The shared training options (seed, threads, progress, cancellation) of a component that trains; null for one
    /// that only configures. <see cref="Fit"/> builds the <see cref="TrainingSession"/> from them.
    /// </summary>
    private protected virtual RecurrentTrainerOptions? TrainerOptions => null;

    /// <summary>Trains (or just configures) the transformer.</summary>
    public TTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _ = GetOutputSchema(SchemaShape.Create(input.Schema));
        using var session = new TrainingSession(Host, "Fit", Name, TrainerOptions);
        session.ThrowIfCanceled();
        return FitCore(input, session);
    }

    /// <summary>The input schema plus (or with replaced) the columns the fitted transformer will add.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (SchemaShape.Column column in GetOutputColumns(inputSchema))
            columns[column.Name] = column;
        return new SchemaShape(columns.Values);
    }

    /// <summary>
    /// Checks the input columns (<see cref="InputColumns.Require(SchemaShape, string, string, ColumnExpectation)"/>)
    /// and returns the columns the transformer adds, built with <see cref="SchemaShapes"/>.
    /// </summary>
    private protected abstract IEnumerable<SchemaShape.Column> GetOutputColumns(SchemaShape inputSchema);

    /// <summary>Fits on <paramref name="input"/>, whose schema has been checked; poll <paramref name="session"/> for cancellation.</summary>
    private protected abstract TTransformer FitCore(IDataView input, TrainingSession session);
}
