using System.Text.RegularExpressions;

namespace MLNet.Recurrent.SentimentClassification;

/// <summary>Unlabelled text for the transfer lever: the training sentences themselves, or sentences of Jane Austen's novels.</summary>
public static partial class Unlabelled
{
    /// <summary>
    /// The first <paramref name="count"/> sentences of the Austen novels (public domain; <c>data/README.md</c>) in
    /// <paramref name="path"/>: paragraphs joined, split after '.', '!' or '?', headings (no lower-case letter) left out.
    /// </summary>
    public static Sentence[] Austen(string path, int count)
    {
        var sentences = new List<Sentence>(count);
        foreach (string paragraph in Regex.Split(File.ReadAllText(path), @"\r?\n\s*\r?\n"))
        {
            string text = Whitespace().Replace(paragraph, " ").Trim();
            if (!text.Any(char.IsLower)) continue;
            foreach (string sentence in SentenceEnd().Split(text))
            {
                if (sentence.Length == 0) continue;
                sentences.Add(new Sentence { Source = "austen", Text = sentence });
                if (sentences.Count == count) return [.. sentences];
            }
        }
        return [.. sentences];
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(?<=[.!?][""']?)\s+")]
    private static partial Regex SentenceEnd();
}
