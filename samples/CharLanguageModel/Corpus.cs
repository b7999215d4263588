using System.Reflection;
using Microsoft.ML;

namespace CharLanguageModelSample;

/// <summary>The training text: the embedded Austen novels or a file, as rows of paragraphs.</summary>
internal static class Corpus
{
    /// <summary>Paragraphs are rows; the trainer joins them back with this separator.</summary>
    public const string Separator = "\n\n";

    public sealed class Row
    {
        public string Text { get; set; } = "";
    }

    /// <summary>The text of <paramref name="file"/>, or the embedded novels; line endings normalized to '\n'.</summary>
    public static string Load(string? file)
    {
        if (file is not null) return File.ReadAllText(file).ReplaceLineEndings("\n");
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("austen.txt")
            ?? throw new InvalidDataException("The embedded austen.txt is missing from the program.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>One row per paragraph (blank-line separated; runs of blank lines collapse to one separator).</summary>
    public static IDataView Paragraphs(MLContext ml, string text) =>
        ml.Data.LoadFromEnumerable(text.Split(Separator).Select(p => p.Trim('\n')).Where(p => p.Length > 0).Select(p => new Row { Text = p }).ToArray());

    /// <summary>A passage of about <paramref name="length"/> characters from paragraph boundaries after <paramref name="from"/>.</summary>
    public static string Passage(string text, int from, int length)
    {
        int start = text.IndexOf(Separator, from, StringComparison.Ordinal);
        start = start < 0 ? from : start + Separator.Length;
        int end = text.IndexOf(Separator, Math.Min(text.Length, start + length), StringComparison.Ordinal);
        return text[start..(end < 0 ? text.Length : end)];
    }
}
