using Microsoft.ML;
using MLNet.Recurrent.LanguageModel;
using MLNet.Recurrent.Core.Decoding;

namespace CharLanguageModelSample;

/// <summary>Loads a saved model.zip and streams text from a prompt.</summary>
internal static class GenerateCommand
{
    public static int Run(Arguments a)
    {
        var ml = new MLContext();
        ITransformer loaded = ml.Model.Load(a.ModelPath!, out _);
        CharLanguageModelTransformer? model = (loaded as IEnumerable<ITransformer> ?? [loaded]).OfType<CharLanguageModelTransformer>().FirstOrDefault();
        if (model is null)
        {
            Console.Error.WriteLine($"error: '{a.ModelPath}' holds no character language model");
            return 1;
        }
        Console.Write(a.Prompt);
        foreach (string piece in model.GenerateStream(a.Prompt, new GenerationOptions { MaxLength = a.Length, Temperature = a.Temperature, Seed = a.Seed }))
            Console.Write(piece);
        Console.WriteLine();
        return 0;
    }
}
