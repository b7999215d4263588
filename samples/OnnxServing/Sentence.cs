/// <summary>One row: a sentence and its colour label.</summary>
internal sealed class Sentence
{
    public string Text { get; set; } = "";

    public string Label { get; set; } = "";
}
