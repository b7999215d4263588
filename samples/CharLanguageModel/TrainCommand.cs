using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MLNet.Recurrent;
using MLNet.Recurrent.LanguageModel;
using MLNet.Recurrent.Core.Decoding;
using MLNet.Recurrent.Core.Interpretability;
using MLNet.Recurrent.Core.Training;
using Spectre.Console;
using MLNet.Recurrent.Core.Models;

namespace CharLanguageModelSample;

/// <summary>Trains for a time budget with live progress and samples, then writes model.zip, loss.png, cells.html and generates.</summary>
internal static class TrainCommand
{
    private const string SamplePrompt = "It is a truth";

    public static int Run(Arguments a)
    {
        string text = Corpus.Load(a.TextFile);
        Directory.CreateDirectory(a.OutputDirectory);
        var ml = new MLContext(seed: 1);
        IDataView rows = Corpus.Paragraphs(ml, text);
        var budget = TimeSpan.FromMinutes(a.Minutes);

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (cancel.IsCancellationRequested) return; // a second Ctrl+C ends the process
            e.Cancel = true;
            cancel.Cancel();
        };

        var training = new List<(long Step, double Bits)>();
        var validation = new List<(long Step, double Bits)>();
        var options = new CharLanguageModelTrainer.Options
        {
            Separator = Corpus.Separator,
            HiddenSize = a.Hidden,
            Layers = a.Layers,
            EmbeddingSize = 64,
            BatchSize = 32,
            SequenceLength = 64,
            LearningRate = 2e-3,
            Steps = 1_000_000,      // the time budget ends the run
            MaxDuration = budget,
            // The last 1% (40 KB of Austen) read as 4 tracks: a steady measure that costs a few seconds, not minutes.
            ValidationFraction = 0.01,
            ValidationTracks = 4,
            EvaluateEvery = 100,
            ReportEvery = 5,
            Patience = 0,           // a few minutes never overfit 4 MB; the best weights are kept anyway
            Seed = 1,
            CancellationToken = cancel.Token,
        };

        var o = options;
        AnsiConsole.MarkupLine($"[bold]Character language model[/]: {o.Layers} x {o.HiddenSize} LSTM, {o.BatchSize} tracks of {o.SequenceLength} characters, Adam {o.LearningRate.ToString(CultureInfo.InvariantCulture)}");
        AnsiConsole.MarkupLine($"text: {Markup.Escape(a.TextFile ?? "Jane Austen's six novels (embedded)")}, {text.Length:N0} characters; budget {budget:m\\:ss} on {Environment.ProcessorCount} cores. [grey]Ctrl+C stops early and keeps the best model.[/]");

        CharLanguageModelTransformer model = null!;
        var clock = Stopwatch.StartNew();
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask("reading the text", maxValue: 1);
                options.Progress = new Reporter(p =>
                {
                    training.Add((p.Step, p.BitsPerToken));
                    if (p.Validation is { } v) validation.Add((p.Step, v.BitsPerToken));
                    TimeSpan left = budget > p.Elapsed ? budget - p.Elapsed : TimeSpan.Zero;
                    string val = validation.Count > 0 ? $" | val {validation[^1].Bits:F2}" : "";
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"update {p.Step,5} | loss {p.Loss:F3} | {p.BitsPerToken:F2} bits/char{val} | {p.TokensPerSecond,6:N0} chars/s | ETA {left:m\\:ss}");
                    task.Value = Math.Min(1, p.Elapsed / budget);
                });
                options.OnEvaluation = (snapshot, p) =>
                {
                    // Validation every 100 updates draws the curve; a sample at 100, 200, 400, 800, ... and at the
                    // last evaluation shows the "at first ... train more ..." progression without flooding the screen.
                    long evaluation = p.Step / o.EvaluateEvery;
                    bool last = p.Step % o.EvaluateEvery != 0;
                    if (!last && (evaluation & (evaluation - 1)) != 0) return;
                    string sample = snapshot.Generate(SamplePrompt, new GenerationOptions { MaxLength = 160, Temperature = 0.8f, Seed = 7 });
                    AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                        $"[yellow]update {p.Step}[/], validation [bold]{p.Validation!.BitsPerToken:F3}[/] bits/char, {p.Elapsed:m\\:ss} in:"));
                    AnsiConsole.MarkupLine($"  [italic]{Markup.Escape(SamplePrompt)}[/]{Markup.Escape(OneLine(sample))}");
                };
                model = ml.Transforms.Recurrent.CharLanguageModel("Text", options).Fit(rows);
                task.Value = 1;
            });

        TrainingResult result = model.Training!;
        string how = result.Canceled ? "stopped by Ctrl+C" : result.StoppedEarly ? "stopped early" : "time budget reached";
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]{how}[/] after {result.Steps} updates in {clock.Elapsed:m\\:ss}; best validation [bold]{result.BestValidation?.BitsPerToken:F3}[/] bits/char (these weights are kept)."));

        string modelPath = Path.Combine(a.OutputDirectory, "model.zip");
        ml.Model.Save(model, rows.Schema, modelPath);
        string plotPath = Path.Combine(a.OutputDirectory, "loss.png");
        LossPlot.Save(plotPath, training, validation, $"{o.Layers} x {o.HiddenSize} LSTM on {(a.TextFile is null ? "Jane Austen" : Path.GetFileName(a.TextFile))}");

        // Interpretable cells, on a held-out passage (the validation part is the last 1%).
        string passage = Corpus.Passage(text, (int)(text.Length * 0.992), 2500);
        CellDetector[] detectors = [CellDetectors.InsideQuotes, CellDetectors.LinePosition];
        var cells = model.FindCells(passage, top: 3, detectors);
        var table = new Table().AddColumns("detector", "unit", "r");
        foreach (var (name, found) in cells)
            foreach (CellMatch m in found)
                table.AddRow(name, $"layer {m.Layer} {(m.Kind == ActivationKind.Cell ? "cell" : "hidden")} {m.Unit}", m.Correlation.ToString("+0.00;-0.00", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        string htmlPath = Path.Combine(a.OutputDirectory, "cells.html");
        File.WriteAllText(htmlPath, model.ExportCellsHtml(passage, detectors, cellsPerDetector: 2));
        AnsiConsole.MarkupLine($"wrote [link]{Markup.Escape(modelPath)}[/], [link]{Markup.Escape(plotPath)}[/], [link]{Markup.Escape(htmlPath)}[/]");

        AnsiConsole.Write(new Rule("generated, temperature 0.8, seed 7"));
        string generated = model.Generate(SamplePrompt, new GenerationOptions { MaxLength = 300, Temperature = 0.8f, Seed = 7 });
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(SamplePrompt)}[/]{Markup.Escape(generated)}");
        AnsiConsole.Write(new Rule("beam search, width 5: \"Mr. Darcy\""));
        foreach (TextHypothesis h in model.BeamSearch("Mr. Darcy", beamWidth: 5, maxLength: 60).Take(3))
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[grey]logP {h.LogProbability,8:F2}[/]  Mr. Darcy{Markup.Escape(OneLine(h.Text))}"));
        return 0;
    }

    private static string OneLine(string text) => text.Replace("\n", " ", StringComparison.Ordinal);

    private sealed class Reporter(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }
}
