// Usage: MLNet.Recurrent.ModelLoadProbe <model.zip> <input.idv> <output.idv> [<prompt> <seed>]
// Loads the model with plain MLContext.Model.Load, transforms the input (ML.NET binary data view) and saves
// the result as a binary data view. With a prompt and a seed, a character language model in the chain also
// generates 100 characters (temperature 1) and writes them, UTF-8, to <output.idv>.txt.
// Exit code 0 on success; the exception on stderr otherwise.
using System.Globalization;
using Microsoft.ML;
using MLNet.Recurrent.LanguageModel;
using MLNet.Recurrent.Core.Decoding;

if (args.Length is not (3 or 5))
{
    Console.Error.WriteLine("usage: MLNet.Recurrent.ModelLoadProbe <model.zip> <input.idv> <output.idv> [<prompt> <seed>]");
    return 2;
}

try
{
    var mlContext = new MLContext(seed: 1);
    ITransformer model = mlContext.Model.Load(args[0], out DataViewSchema? _);
    IDataView input = mlContext.Data.LoadFromBinary(args[1]);
    IDataView output = model.Transform(input);
    using (FileStream stream = File.Create(args[2]))
        mlContext.Data.SaveAsBinary(output, stream, keepHidden: false);
    if (args.Length == 5)
    {
        var lm = (model as IEnumerable<ITransformer> ?? [model]).OfType<CharLanguageModelTransformer>().Single();
        string text = lm.Generate(args[3], new GenerationOptions { MaxLength = 100, Seed = int.Parse(args[4], CultureInfo.InvariantCulture) });
        File.WriteAllText(args[2] + ".txt", text);
    }
    Console.WriteLine($"loaded {model.GetType().FullName}; wrote {string.Join(", ", output.Schema.Select(c => $"{c.Name}: {c.Type}"))}");
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine(e);
    return 1;
}
