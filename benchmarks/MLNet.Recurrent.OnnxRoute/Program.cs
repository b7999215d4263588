using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;

namespace MLNet.Recurrent.OnnxRoute;

/// <summary>
/// Scores the PyTorch-exported comparison models (benchmarks/compare/export_onnx.py) with ONNX Runtime and prints
/// one JSON line in the schema of benchmarks/compare/README.md. Before timing, every model's output is compared
/// with PyTorch's on the same tokens; a difference above <see cref="Tolerance"/> stops the run.
/// </summary>
internal static class Program
{
    /// <summary>Max |ORT - PyTorch| accepted on logits (float32, different kernels and summation orders).</summary>
    const double Tolerance = 1e-3;

    static int Main(string[] args)
    {
        RouteOptions o;
        try { o = RouteOptions.Parse(args); }
        catch (ArgumentException ex) { Console.Error.WriteLine(ex.Message); return 2; }

        string manifestPath = Path.Combine(o.Models, "manifest.json");
        if (!File.Exists(manifestPath))
        {
            Console.Error.WriteLine($"'--models' was '{o.Models}'; it has no manifest.json. Run benchmarks/compare/export_onnx.py first.");
            return 2;
        }
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;

        using var options = new SessionOptions
        {
            IntraOpNumThreads = o.Threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };

        var check = new SortedDictionary<string, double>();
        var configs = new SortedDictionary<string, (double TokS, double Ms, int Count)>();

        // Batch inference, one entry per exported config (a by default).
        foreach (var (id, node) in manifest["infer"]!.AsObject())
        {
            using var model = new FixedShapeModel(Path.Combine(o.Models, node!["file"]!.GetValue<string>()), options);
            int batch = node["batch"]!.GetValue<int>(), seq = node["seq"]!.GetValue<int>();
            bool lm = node["kind"]!.GetValue<string>() == "lm";
            int outputs = node["outputs_per_token"]!.GetValue<int>();
            Fill(model.Tokens, node["tokens"]!);
            model.Run();
            // LM logits are [B, T, V]; the reference holds the last step of every row. Classifier logits are [B, K].
            check[id] = MaxAbsDiff(node["reference_last_step"]!, i => lm
                ? model.Logits[((i / outputs) * seq + seq - 1) * outputs + i % outputs]
                : model.Logits[i]);
            var (seconds, count) = Timing.Throughput(model.Run, o.Warmup, o.Reps, o.MinTime, o.MaxReps);
            configs[id] = (batch * seq / seconds, seconds * 1e3, count);
            Console.Error.WriteLine($"[{id}] onnxruntime infer B={batch} T={seq}: {seconds * 1e3:F2} ms/batch (n={count})  {batch * seq / seconds:N0} tok/s  max|diff|={check[id]:G3}");
        }

        // e: one sequence, latency.
        var eNode = manifest["e"]!;
        LatencyStats e;
        using (var model = new FixedShapeModel(Path.Combine(o.Models, eNode["file"]!.GetValue<string>()), options))
        {
            Fill(model.Tokens, eNode["tokens"]!);
            model.Run();
            check["e"] = MaxAbsDiff(eNode["reference"]!, i => model.Logits[i]);
            e = Timing.Latency(model.Run, 20, o.LatencyReps);
            Console.Error.WriteLine($"[e] onnxruntime cls B=1 T=100 H=128: median {e.MedianMs:F3} ms  p90 {e.P90Ms:F3} ms  min {e.MinMs:F3} ms  max|diff|={check["e"]:G3}");
        }

        // stream: one token per step, state fed back.
        var sNode = manifest["stream"]!;
        LatencyStats stream;
        using (var model = new StreamStepModel(Path.Combine(o.Models, sNode["file"]!.GetValue<string>()), options,
                   sNode["layers"]!.GetValue<int>(), sNode["hidden"]!.GetValue<int>(), sNode["vocab"]!.GetValue<int>()))
        {
            model.Reset();
            model.Token = sNode["start_token"]!.GetValue<long>();
            var expected = sNode["generated"]!.AsArray();
            for (int i = 0; i < expected.Count; i++)
            {
                model.Step();
                if (model.Token != expected[i]!.GetValue<long>())
                {
                    Console.Error.WriteLine($"stream: generated token {i} was {model.Token}; PyTorch generated {expected[i]}.");
                    return 3;
                }
            }
            check["stream"] = MaxAbsDiff(sNode["reference_final_logits"]!, i => model.Logits[i]);
            // As torch_rnn_bench.run_stream: 50 warm-up steps, at least 1000 timed steps, state carried throughout.
            stream = Timing.Latency(model.Step, 50, Math.Max(o.LatencyReps, 1000));
            Console.Error.WriteLine($"[stream] onnxruntime LSTM LM 2x256 B=1 one token/step: median {stream.MedianMs:F4} ms  p90 {stream.P90Ms:F4} ms  max|diff|={check["stream"]:G3}");
        }

        foreach (var (name, diff) in check)
        {
            if (!(diff <= Tolerance))
            {
                Console.Error.WriteLine($"check '{name}': max |onnxruntime - pytorch| was {diff:G3}; it must be at most {Tolerance}.");
                return 3;
            }
        }

        string json = ToJson(o, configs, e, stream, check);
        Console.WriteLine(json);
        if (o.Json is not null) File.WriteAllText(o.Json, json + "\n");
        return 0;
    }

    static void Fill(long[] tokens, JsonNode values)
    {
        var a = values.AsArray();
        if (a.Count != tokens.Length)
            throw new InvalidOperationException($"manifest holds {a.Count} tokens; the model takes {tokens.Length}.");
        for (int i = 0; i < tokens.Length; i++) tokens[i] = a[i]!.GetValue<long>();
    }

    static double MaxAbsDiff(JsonNode reference, Func<int, float> actual)
    {
        var r = reference.AsArray();
        double max = 0;
        for (int i = 0; i < r.Count; i++)
            max = Math.Max(max, Math.Abs(r[i]!.GetValue<double>() - actual(i)));
        return max;
    }

    static string ToJson(RouteOptions o, SortedDictionary<string, (double TokS, double Ms, int Count)> configs,
        LatencyStats e, LatencyStats stream, SortedDictionary<string, double> check)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("engine", "onnxruntime");
            w.WriteString("version", OrtEnv.Instance().GetVersionString());
            w.WriteNumber("threads", o.Threads);
            w.WriteStartObject("configs");
            foreach (var (id, c) in configs)
            {
                w.WriteStartObject(id);
                w.WriteNull("train_tok_s");
                w.WriteNumber("infer_tok_s", c.TokS);
                w.WriteNumber("infer_ms", c.Ms);
                w.WriteNumber("infer_reps", c.Count);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteNumber("e_ms", e.MedianMs);
            w.WriteNumber("e_p90_ms", e.P90Ms);
            w.WriteNumber("stream_step_ms", stream.MedianMs);
            w.WriteNumber("stream_step_p90_ms", stream.P90Ms);
            w.WriteStartObject("check_max_abs_diff");
            foreach (var (name, diff) in check) w.WriteNumber(name, diff);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
