// Usage: MLNet.Recurrent.ModelLoadProbe <model.zip> <input.idv> <output.idv>
// Loads the model with plain MLContext.Model.Load, transforms the input (ML.NET binary data view) and saves
// the result as a binary data view. Exit code 0 on success; the exception on stderr otherwise.
using Microsoft.ML;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: MLNet.Recurrent.ModelLoadProbe <model.zip> <input.idv> <output.idv>");
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
    Console.WriteLine($"loaded {model.GetType().FullName}; wrote {string.Join(", ", output.Schema.Select(c => $"{c.Name}: {c.Type}"))}");
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine(e);
    return 1;
}
