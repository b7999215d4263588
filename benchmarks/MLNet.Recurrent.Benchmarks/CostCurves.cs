using System.Diagnostics;
using System.Globalization;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.Core.Models;
using MLNet.Recurrent.Core.Numerics;
using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Benchmarks;

/// <summary>
/// <c>-- costcurves --steps T --hidden H --batch B [--chunk C] [--threads N] [--seconds S]</c>: one point of the cost
/// curves (<c>benchmarks/compare/cost_curves.py</c> drives the sweep, one process per point, so that peak memory is the
/// point's own). The model is the character LM of config a with one LSTM layer of H units (V 65, E 64, linear to V at
/// every step). Prints one JSON line: training and inference tokens/s (median step after warm-up) and peak resident
/// memory above the process's baseline (VmHWM at the end minus VmRSS before the model was built), in bytes.
/// With <c>--chunk C</c> training runs truncated backpropagation through time: the T steps as T/C chunks of C steps,
/// the state carried from chunk to chunk, so memory is that of C steps whatever T is.
/// </summary>
internal static class CostCurves
{
    public static int Run(string[] args)
    {
        int steps = 64, hidden = 256, batch = 32, chunk = 0, threads = Environment.ProcessorCount;
        double seconds = 3;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"'{args[i]}' needs a value.");
            switch (args[i])
            {
                case "--steps": steps = Int(value); break;
                case "--hidden": hidden = Int(value); break;
                case "--batch": batch = Int(value); break;
                case "--chunk": chunk = Int(value); break;
                case "--threads": threads = Int(value); break;
                case "--seconds": seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"'{args[i]}' is not an option of 'costcurves'; expected --steps, --hidden, --batch, --chunk, --threads, --seconds.");
            }
            i++;
        }
        if (chunk < 0 || (chunk > 0 && steps % chunk != 0))
            throw new ArgumentException($"'--chunk' was {chunk}; it must be 0 (whole sequences) or divide --steps ({steps}).");
        ComputeSettings.MaxThreads = threads;
        long baseline = ProcStatus("VmRSS:");
        int length = chunk > 0 ? chunk : steps;
        var config = new RecurrentConfig("cost", CellType.Lstm, true, 65, 64, hidden, 1, batch, length, 65);
        using var network = config.BuildNetwork();
        using var data = config.BuildBatch();
        var adam = new Adam(learningRate: 1e-3);
        int chunks = steps / length;
        void Train()
        {
            data.InitialState = null;
            CarriedState? state = null;
            for (int k = 0; k < chunks; k++)
            {
                network.Parameters.ZeroGradients();
                network.Forward(data, training: true);
                network.Backward();
                adam.Step(network.Parameters);
                if (chunks > 1)
                {
                    state = network.SaveFinalState(state);
                    data.InitialState = state;
                }
            }
        }
        void Infer()
        {
            data.InitialState = null;
            CarriedState? state = null;
            for (int k = 0; k < chunks; k++)
            {
                network.RunInference(data);
                if (chunks > 1)
                {
                    state = network.SaveFinalState(state);
                    data.InitialState = state;
                }
            }
        }
        double train = Median(Train, seconds), infer = Median(Infer, seconds);
        long peak = ProcStatus("VmHWM:");
        double tokens = (double)batch * steps;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"engine\": \"ours\", \"steps\": {steps}, \"hidden\": {hidden}, \"batch\": {batch}, \"chunk\": {chunk}, \"threads\": {threads}, \"train_tok_s\": {tokens / train:R}, \"infer_tok_s\": {tokens / infer:R}, \"peak_bytes\": {peak - baseline}}}"));
        return 0;
    }

    /// <summary>Median seconds of one call: warm-up calls for at least a second (tiered compilation settles), then at least 5 timed calls and <paramref name="seconds"/>.</summary>
    private static double Median(Action call, double seconds)
    {
        var warm = Stopwatch.StartNew();
        int warmCalls = 0;
        while (warmCalls < 2 || warm.Elapsed.TotalSeconds < 1) { call(); warmCalls++; }
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while ((times.Count < 5 || total.Elapsed.TotalSeconds < seconds) && times.Count < 100)
        {
            long t0 = Stopwatch.GetTimestamp();
            call();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>A /proc/self/status field in bytes (Linux); 0 where it does not exist.</summary>
    private static long ProcStatus(string field)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return 0;
        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        return 0;
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);
}
