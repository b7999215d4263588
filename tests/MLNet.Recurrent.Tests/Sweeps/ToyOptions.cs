using Microsoft.ML.SearchSpace;

namespace MLNet.Recurrent.Tests.Sweeps;

/// <summary>Options with one of each kind of search-space attribute, for sweeps scored by a formula instead of training.</summary>
public sealed class ToyOptions
{
    [Range(1, 64, 8, logBase: true)]
    public int Width { get; set; } = 8;

    [Range(1e-4, 1e-1, 1e-2, logBase: true)]
    public double Rate { get; set; } = 1e-2;

    [Range(0f, 0.5f, 0f)]
    public float Dropout { get; set; }

    [Choice(new object[] { "a", "b", "c" }, "a")]
    public string Kind { get; set; } = "a";

    [BooleanChoice(false)]
    public bool Flag { get; set; }

    [Range(1, 100, 10)]
    public int Epochs { get; set; } = 10;

    /// <summary>Not searched: no attribute.</summary>
    public string Name { get; set; } = "toy";

    /// <summary>A made-up score that depends on every searched option: best near Width 32, Rate 1e-3, Kind "b".</summary>
    public double Score() =>
        -Math.Abs(Math.Log2(Width) - 5) - Math.Abs(Math.Log10(Rate) + 3) - Dropout + (Kind == "b" ? 1 : 0) + (Flag ? 0.25 : 0) + 0.01 * Epochs;
}
