using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Training;

/// <summary>
/// Everything a training loop needs to resume bit-identically: the weights, the optimizer's state (moments, step
/// count, learning rate), the loop's position (<see cref="Step"/>, <see cref="Epoch"/>, <see cref="BatchInEpoch"/>),
/// the states of its <see cref="DeterministicRandom"/> generators, and any other values in <see cref="State"/>
/// (this epoch's shuffled order, the best validation loss, ...). Stored as a <see cref="ModelFile"/> with optimizer
/// and training sections, so a checkpoint also loads as a model.
/// </summary>
/// <example>
/// <code>
/// var checkpoint = TrainingCheckpoint.Capture(parameters, optimizer);
/// checkpoint.Epoch = epoch; checkpoint.BatchInEpoch = batch;
/// checkpoint.SaveRandom("shuffle", shuffleRandom);
/// checkpoint.State.Set("order", order);
/// checkpoint.Write(stream);
/// // later, after rebuilding the same network and optimizer:
/// var resumed = TrainingCheckpoint.Read(stream);
/// resumed.Restore(parameters, optimizer);
/// resumed.RestoreRandom("shuffle", shuffleRandom);
/// </code>
/// </example>
public sealed class TrainingCheckpoint
{
    private const string StepKey = "step", EpochKey = "epoch", BatchKey = "batch_in_epoch", RandomPrefix = "random.";

    private TrainingCheckpoint(ModelFile file)
    {
        File = file;
    }

    /// <summary>The underlying file; add the model's configuration and vocabularies to it before writing.</summary>
    public ModelFile File { get; }

    /// <summary>The training state map; the checkpoint's own keys are <c>step</c>, <c>epoch</c>, <c>batch_in_epoch</c> and <c>random.*</c>.</summary>
    public ConfigurationMap State => File.TrainingState!;

    /// <summary>The optimizer steps taken so far (set from the optimizer by <see cref="Capture"/>).</summary>
    public long Step
    {
        get => State.GetInt64(StepKey);
        set => State.Set(StepKey, value);
    }

    /// <summary>The epoch being trained (the trainers count from 1, as <see cref="TrainingProgress.Epoch"/> does).</summary>
    public int Epoch
    {
        get => State.GetInt32(EpochKey);
        set => State.Set(EpochKey, value);
    }

    /// <summary>How many batches of <see cref="Epoch"/> are done.</summary>
    public int BatchInEpoch
    {
        get => State.GetInt32(BatchKey);
        set => State.Set(BatchKey, value);
    }

    /// <summary>Copies the weights and the optimizer's state; the loop then records its position and generators.</summary>
    /// <param name="parameters">The model's weights.</param>
    /// <param name="optimizer">The optimizer training them.</param>
    public static TrainingCheckpoint Capture(ParameterSet parameters, IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(optimizer);
        var file = new ModelFile { OptimizerState = optimizer.ExportState(), TrainingState = new ConfigurationMap() };
        file.AddParameters(parameters);
        var checkpoint = new TrainingCheckpoint(file)
        {
            Step = optimizer.StepCount,
            Epoch = 0,
            BatchInEpoch = 0,
        };
        return checkpoint;
    }

    /// <summary>Loads the weights into <paramref name="parameters"/> (same names and shapes) and the state into <paramref name="optimizer"/> (same kind and options).</summary>
    /// <param name="parameters">The rebuilt network's weights.</param>
    /// <param name="optimizer">A fresh optimizer built with the same options.</param>
    public void Restore(ParameterSet parameters, IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(optimizer);
        File.CopyParametersTo(parameters);
        optimizer.ImportState(File.OptimizerState!);
    }

    /// <summary>Records the state of a generator under <paramref name="name"/>.</summary>
    /// <param name="name">A name for the generator, e.g. <c>"shuffle"</c> or <c>"dropout"</c>.</param>
    /// <param name="random">The generator.</param>
    public void SaveRandom(string name, DeterministicRandom random)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(random);
        ulong[] state = random.GetState();
        State.Set(RandomPrefix + name, Array.ConvertAll(state, s => unchecked((long)s)).AsSpan());
    }

    /// <summary>Puts a generator back in the state recorded under <paramref name="name"/>.</summary>
    /// <param name="name">The name given to <see cref="SaveRandom"/>.</param>
    /// <param name="random">The generator to restore.</param>
    public void RestoreRandom(string name, DeterministicRandom random)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(random);
        if (!State.Contains(RandomPrefix + name)) ThrowHelper.Argument(nameof(name), name, "the checkpoint holds no generator of that name");
        long[] state = State.GetInt64Array(RandomPrefix + name);
        random.SetState(Array.ConvertAll(state, s => unchecked((ulong)s)));
    }

    /// <summary>Writes the checkpoint (a <see cref="ModelFile"/>) to <paramref name="stream"/>.</summary>
    public void Write(Stream stream) => File.Write(stream);

    /// <summary>Reads a checkpoint written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not a valid model file, or one without optimizer or training state.</exception>
    public static TrainingCheckpoint Read(Stream stream) => From(ModelFile.Read(stream));

    /// <summary>Treats a model file read elsewhere as a checkpoint.</summary>
    /// <exception cref="InvalidDataException">The file holds no optimizer or training state.</exception>
    public static TrainingCheckpoint From(ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.OptimizerState is null) ThrowHelper.InvalidData("The model file's optimizer section", "absent", "a checkpoint stores the optimizer's state");
        if (file.TrainingState is null || !file.TrainingState.Contains(StepKey))
            ThrowHelper.InvalidData("The model file's training section", file.TrainingState is null ? "absent" : "without a step", "a checkpoint stores the training position");
        return new TrainingCheckpoint(file);
    }
}
