using System.Globalization;

namespace PosTaggingSample;

/// <summary>Command-line options; the defaults are the reference configuration.</summary>
internal sealed record Arguments(string? Data, bool FullTags, bool Crf, int Epochs, int Threads, int Limit, int Seed, bool PyTorchInit, bool Bucketed, bool Chars = false, bool MlNet = false, string? Json = null, bool NoValidation = false)
{
    public static Arguments Parse(string[] args)
    {
        var a = new Arguments(null, false, false, 5, 1, 0, 0, PyTorchInit: true, Bucketed: false);
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"'{args[i]}' needs a value.");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            a = args[i] switch
            {
                "--data" => a with { Data = Next() },
                "--tagset" => a with { FullTags = Next() switch { "full" => true, "base" => false, var v => throw new ArgumentException($"'--tagset' was \"{v}\"; it must be base or full.") } },
                "--crf" => a with { Crf = true },
                "--epochs" => a with { Epochs = NextInt() },
                "--threads" => a with { Threads = NextInt() },
                "--limit" => a with { Limit = NextInt() },
                "--seed" => a with { Seed = NextInt() },
                // The reference's setup by default: PyTorch's initialisation, batches cut from one permutation per epoch.
                "--engine-init" => a with { PyTorchInit = false },
                "--bucketed" => a with { Bucketed = true },
                "--chars" => a with { Chars = true },
                "--mlnet" => a with { MlNet = true },
                // benchmarks/compare/tasks.sh: the training clock covers the training loop only, and is written as JSON.
                "--json" => a with { Json = Next() },
                "--no-validation" => a with { NoValidation = true },
                var other => throw new ArgumentException($"Unknown option '{other}'; expected --data, --tagset, --crf, --epochs, --threads, --limit, --seed, --engine-init, --bucketed, --chars, --mlnet, --json or --no-validation."),
            };
        }
        return a;
    }
}
