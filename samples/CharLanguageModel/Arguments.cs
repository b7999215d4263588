using System.Globalization;

namespace CharLanguageModelSample;

/// <summary>A command-line mistake: reported as one line plus the usage, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The parsed command line.</summary>
internal sealed class Arguments
{
    public const string Usage = """
        usage:
          CharLanguageModel [--text FILE] [--minutes N] [--hidden H] [--layers L] [--out DIR]
              train (default: the embedded Jane Austen novels, 3 minutes, 2 x 256 LSTM, output in ./charlm-output)
          CharLanguageModel --parity [--text FILE]
              the PyTorch reference configuration (2 x 256 LSTM, 2000 updates); prints the final validation bits/char
          CharLanguageModel generate --model model.zip [--prompt TEXT] [--temperature T] [--length N] [--seed S]
        """;

    public string Command { get; private init; } = "train";
    public string? TextFile { get; private init; }
    public double Minutes { get; private init; } = 3;
    public int Hidden { get; private init; } = 256;
    public int Layers { get; private init; } = 2;
    public string OutputDirectory { get; private init; } = "charlm-output";
    public string? ModelPath { get; private init; }
    public string Prompt { get; private init; } = "It is a truth";
    public float Temperature { get; private init; } = 0.8f;
    public int Length { get; private init; } = 300;
    public int Seed { get; private init; } = 7;

    public static Arguments Parse(string[] args)
    {
        string command = "train";
        int i = 0;
        if (args.Length > 0 && args[0] == "generate")
        {
            command = "generate";
            i = 1;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        bool parity = false;
        string[] trainOptions = ["--text", "--minutes", "--hidden", "--layers", "--out"];
        string[] generateOptions = ["--model", "--prompt", "--temperature", "--length", "--seed"];
        for (; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "-h" or "--help") throw new UsageException("help requested");
            if (name == "--parity" && command == "train")
            {
                parity = true;
                continue;
            }
            string[] allowed = command == "train" ? trainOptions : generateOptions;
            if (!allowed.Contains(name))
                throw new UsageException(name.StartsWith('-') ? $"unknown option '{name}'" : $"unexpected argument '{name}'");
            if (i + 1 >= args.Length) throw new UsageException($"option '{name}' needs a value");
            values[name] = args[++i];
        }

        if (command == "generate")
        {
            if (!values.TryGetValue("--model", out string? model)) throw new UsageException("generate needs --model FILE");
            if (!File.Exists(model)) throw new UsageException($"--model: file '{model}' was not found");
            float temperature = Number(values, "--temperature", 0.8f, float.Parse);
            if (!(temperature >= 0) || float.IsInfinity(temperature)) throw new UsageException($"--temperature was {values["--temperature"]}; it must be 0 (greedy) or positive");
            return new Arguments
            {
                Command = command,
                ModelPath = model,
                Prompt = values.GetValueOrDefault("--prompt", "It is a truth"),
                Temperature = temperature,
                Length = Positive(values, "--length", 300),
                Seed = Number(values, "--seed", 7, int.Parse),
            };
        }

        string? text = values.GetValueOrDefault("--text");
        if (text is not null && !File.Exists(text)) throw new UsageException($"--text: file '{text}' was not found");
        double minutes = Number(values, "--minutes", 3.0, double.Parse);
        if (!(minutes > 0) || double.IsInfinity(minutes)) throw new UsageException($"--minutes was {values["--minutes"]}; it must be a positive number");
        if (parity && values.Keys.Any(k => k != "--text" && k != "--out"))
            throw new UsageException("--parity fixes the configuration; only --text and --out may go with it");
        return new Arguments
        {
            Command = parity ? "parity" : "train",
            TextFile = text,
            Minutes = minutes,
            Hidden = Positive(values, "--hidden", 256),
            Layers = Positive(values, "--layers", 2),
            OutputDirectory = values.GetValueOrDefault("--out", "charlm-output"),
        };
    }

    private static int Positive(Dictionary<string, string> values, string name, int fallback)
    {
        int value = Number(values, name, fallback, int.Parse);
        if (value <= 0) throw new UsageException($"{name} was {value}; it must be a positive whole number");
        return value;
    }

    private static T Number<T>(Dictionary<string, string> values, string name, T fallback, Func<string, IFormatProvider, T> parse)
    {
        if (!values.TryGetValue(name, out string? text)) return fallback;
        try
        {
            return parse(text, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new UsageException($"{name} was '{text}'; it must be a number");
        }
    }
}
