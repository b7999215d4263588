using System.Globalization;
using Microsoft.ML;
using MLNet.Recurrent;
using MLNet.Recurrent.LanguageModel;
using MLNet.Recurrent.Core.Training;
using MLNet.Recurrent.Core.Models;

namespace CharLanguageModelSample;

/// <summary>
/// The configuration of the PyTorch reference script (/work/shared/reference/torch_charlm_train.py defaults): the whole
/// text as one stream, the last 5% held out and read as ONE track in chunks of 256, a 2 x 256 LSTM with 64-d
/// embeddings, 32 tracks of 64 characters, Adam 2e-3, clip 5, 2000 updates, no early stopping.
/// </summary>
internal static class ParityCommand
{
    public static int Run(Arguments a)
    {
        string text = Corpus.Load(a.TextFile);
        var ml = new MLContext(seed: 1);
        // One row: the stream is exactly the file, as the reference reads it.
        IDataView rows = ml.Data.LoadFromEnumerable(new[] { new Corpus.Row { Text = text } });
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = !cancel.IsCancellationRequested; cancel.Cancel(); };
        var options = new CharLanguageModelTrainer.Options
        {
            HiddenSize = 256, Layers = 2, EmbeddingSize = 64, BatchSize = 32, SequenceLength = 64,
            LearningRate = 2e-3, ClipNorm = 5, Steps = 2000, ValidationFraction = 0.05,
            EvaluateEvery = 500, ValidationTracks = 1, ValidationChunk = 256, ReportEvery = 100, Patience = 0, Seed = 0,
            CancellationToken = cancel.Token,
            Progress = new Reporter(p => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {p.Step} train_bpc {p.BitsPerToken:F4}{(p.Validation is { } v ? $" val_bpc {v.BitsPerToken:F4}" : "")} ({p.TokensPerSecond:N0} tok/s, {p.Elapsed:h\\:mm\\:ss})"))),
        };
        int cut = (int)(text.Length * 0.95);
        Console.WriteLine($"parity: {a.TextFile ?? "austen.txt (embedded)"}: chars={text.Length:N0} train={cut:N0} val={text.Length - cut:N0}; 2 x 256 LSTM, embed 64, batch 32, seq 64, Adam 2e-3, clip 5, 2000 steps");
        CharLanguageModelTransformer model = ml.Transforms.Recurrent.CharLanguageModel("Text", options).Fit(rows);
        TrainingResult result = model.Training!;
        Console.WriteLine($"vocab={model.VocabularySize}");
        if (result.History.Count == 0)
        {
            Console.WriteLine("no validation was measured");
            return 1;
        }
        TrainingProgress last = result.History[^1];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"final validation bits/char: {last.Validation!.BitsPerToken:F4} (step {last.Step}{(result.Canceled ? ", canceled" : "")}); best {result.BestValidation!.BitsPerToken:F4}"));
        return 0;
    }

    private sealed class Reporter(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }
}
