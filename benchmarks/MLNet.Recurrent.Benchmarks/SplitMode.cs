using System.Globalization;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Layers.Internals;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// <c>-- split CELL H B T [infer|train] [ROUNDS]</c>: one recurrent layer (input size 64) on 2 threads with runs of
/// steps split by batch rows (<see cref="RecurrentSequenceJob"/>) against the steps one at a time split by hidden units
/// (<see cref="RecurrentStepJob"/>), and on 1 thread, in one process: each round times 30 calls of each in turn, so the
/// machine's load moves all three alike. Prints per-mode median, 25th percentile and minimum milliseconds per call, and
/// the per-round ratio step split / row split (above 1: splitting by rows is faster). The two give the same bits.
/// </summary>
internal static class SplitMode
{
    /// <summary>Runs the comparison; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine("usage: split CELL H B T [infer|train] [ROUNDS]   (CELL: Lstm or Gru)");
            return 2;
        }
        var cell = Enum.Parse<CellType>(args[0], ignoreCase: true);
        int h = Int(args[1]), batch = Int(args[2]), steps = Int(args[3]);
        bool train = args.Length > 4 && args[4] == "train";
        int rounds = args.Length > 5 ? Int(args[5]) : 30;
        const int inputSize = 64, calls = 30;
        int gateCount = cell == CellType.Lstm ? 4 : 3;
        if (RecurrentSequenceJob.Threads(2, batch, steps, gateCount, h) < 2)
        {
            Console.Error.WriteLine($"{cell} H {h} B {batch} T {steps} is not split by rows on 2 threads (see RecurrentSequenceJob.Threads).");
            return 2;
        }

        var parameters = new ParameterSet();
        var layer = new RecurrentLayer(new RecurrentLayerOptions { Cell = cell, InputSize = inputSize, HiddenSize = h }, parameters);
        layer.InitializeWeights(new Random(1));
        var random = new Random(2);
        using var x = new Tensor(steps, batch, inputSize);
        using var dy = new Tensor(steps, batch, h);
        foreach (var t in new[] { x, dy })
        {
            Span<float> span = t.Span;
            for (int i = 0; i < span.Length; i++) span[i] = (float)random.NextDouble() - 0.5f;
        }
        using Tensor y = new(0), hn = new(0), cn = new(0), dx = new(0), dh0 = new(0);
        void Call()
        {
            layer.Forward(x, [], null, null, null, y, hn, cell == CellType.Lstm ? cn : null, train);
            if (train) layer.Backward(dx, dh0, null, null, dy, null, null);
        }

        var times = InTurnModes.Measure(rounds, 3, calls, on => RecurrentSequenceJob.DisabledOnThisThread = on, Call);

        Console.WriteLine($"{cell} H {h}, B {batch}, T {steps}, input 64, {(train ? "forward + backward" : "forward")}; {rounds} rounds of {calls} calls per mode; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");
        InTurnModes.Print(times, ["rows, 2 threads", "units, 2 threads", "1 thread"], "units / rows");
        return 0;
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);
}
