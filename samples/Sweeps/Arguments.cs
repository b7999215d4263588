using System.Globalization;

namespace SweepsSample;

/// <summary>A command-line mistake: reported as one line plus the usage, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The parsed command line.</summary>
internal sealed class Arguments
{
    public const string Usage = """
        usage:
          Sweeps [--budget SECONDS] [--seed S] [--only classifier|charlm] [--side]
              sweeps the sequence classifier on the UCI sentences (60% of the budget) and the character language
              model on Jane Austen (40%); default budget 300 seconds, seed 1. Ctrl+C stops a sweep and keeps its best trial.
              --side gives every classifier trial FeaturizeText's n-gram counts as its side input (the recipe's lever).
        """;

    /// <summary>The whole run's time budget, shared between the two sweeps.</summary>
    public uint BudgetSeconds { get; private init; } = 300;

    /// <summary>The seed of the data splits, the configurations drawn and every trial's training.</summary>
    public int Seed { get; private init; } = 1;

    /// <summary>null runs both sweeps.</summary>
    public string? Only { get; private init; }

    /// <summary>Whether the classifier's trials read FeaturizeText's n-gram counts as a side input.</summary>
    public bool Side { get; private init; }

    public static Arguments Parse(string[] args)
    {
        var parsed = new Arguments();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "-h" or "--help") throw new UsageException("help requested");
            if (name is "--side")
            {
                parsed = new Arguments { BudgetSeconds = parsed.BudgetSeconds, Seed = parsed.Seed, Only = parsed.Only, Side = true };
                continue;
            }
            if (name is not ("--budget" or "--seed" or "--only"))
                throw new UsageException(name.StartsWith('-') ? $"unknown option '{name}'" : $"unexpected argument '{name}'");
            if (i + 1 >= args.Length) throw new UsageException($"option '{name}' needs a value");
            string value = args[++i];
            parsed = name switch
            {
                "--budget" => new Arguments { BudgetSeconds = Positive(name, value), Seed = parsed.Seed, Only = parsed.Only, Side = parsed.Side },
                "--seed" => new Arguments { BudgetSeconds = parsed.BudgetSeconds, Seed = Integer(name, value), Only = parsed.Only, Side = parsed.Side },
                _ => new Arguments { BudgetSeconds = parsed.BudgetSeconds, Seed = parsed.Seed, Only = Which(value), Side = parsed.Side },
            };
        }
        return parsed;
    }

    private static uint Positive(string name, string value) =>
        uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out uint v) && v >= 10 ? v
            : throw new UsageException($"option '{name}' was '{value}'; it must be a whole number of seconds, at least 10");

    private static int Integer(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
            : throw new UsageException($"option '{name}' was '{value}'; it must be an integer");

    private static string Which(string value) => value is "classifier" or "charlm" ? value
        : throw new UsageException($"option '--only' was '{value}'; it must be 'classifier' or 'charlm'");
}
