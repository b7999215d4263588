using Microsoft.ML.Runtime;

namespace MLNet.Recurrent.MlNetInternals;

/// <summary>
/// What a transformer supplies so <see cref="ModelLoader{TTransformer}"/> can read it back. Implement it
/// explicitly (the members stay out of the public API):
/// <code>
/// static ModelVersion IRecurrentComponent&lt;MyTransformer&gt;.Version => s_version;
/// static MyTransformer IRecurrentComponent&lt;MyTransformer&gt;.Load(IHostEnvironment env, ComponentBlob blob) => ...;
/// </code>
/// </summary>
/// <typeparam name="TSelf">The transformer type.</typeparam>
internal interface IRecurrentComponent<TSelf> where TSelf : RecurrentTransformerBase, IRecurrentComponent<TSelf>
{
    /// <summary>The identity and version of the saved form; the same object the transformer passes to its base.</summary>
    static abstract ModelVersion Version { get; }

    /// <summary>Rebuilds the transformer from what its <c>SaveBlob</c> wrote.</summary>
    /// <param name="env">The environment the model is being loaded into.</param>
    /// <param name="blob">The saved bytes and the version they were written with.</param>
    static abstract TSelf Load(IHostEnvironment env, ComponentBlob blob);
}
