// The main job: trains a character language model on Jane Austen (or --text FILE) for a few minutes, showing
// live progress and samples, then saves model.zip, loss.png and cells.html and generates text. See README.md,
// section "Character language model", and `--help`.
using CharLanguageModelSample;

Arguments arguments;
try
{
    arguments = Arguments.Parse(args);
}
catch (UsageException e)
{
    bool help = e.Message == "help requested";
    (help ? Console.Out : Console.Error).WriteLine(help ? Arguments.Usage : $"error: {e.Message}\n{Arguments.Usage}");
    return help ? 0 : 2;
}

try
{
    return arguments.Command switch
    {
        "generate" => GenerateCommand.Run(arguments),
        "parity" => ParityCommand.Run(arguments),
        _ => TrainCommand.Run(arguments),
    };
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or FormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
