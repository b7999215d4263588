using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Evaluation;
using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.Translation;
using Translator = MLNet.Recurrent.Translation.Seq2SeqTranslator;

namespace MLNet.Recurrent;

public sealed partial class RecurrentCatalog
{
    /// <summary>
    /// Trains an attention encoder-decoder that translates <paramref name="sourceColumnName"/> (text) into the
    /// language of <paramref name="targetColumnName"/> (text) and writes <paramref name="outputColumnName"/> (text).
    /// See <see cref="Translator"/>; the <see cref="Translator.Options"/> overload sets everything else.
    /// </summary>
    /// <param name="sourceColumnName">The text to translate.</param>
    /// <param name="targetColumnName">Its translation, read only at training.</param>
    /// <param name="outputColumnName">The translation written.</param>
    /// <param name="epochs">Passes over the training pairs.</param>
    /// <param name="hiddenSize">H: the encoder's size per direction and the decoder's.</param>
    public Translator Seq2SeqTranslator(
        string sourceColumnName = Translator.Defaults.SourceColumnName,
        string targetColumnName = Translator.Defaults.TargetColumnName,
        string outputColumnName = Translator.Defaults.OutputColumnName,
        int epochs = Translator.Defaults.Epochs,
        int hiddenSize = Translator.Defaults.HiddenSize) =>
        new(Environment, new Translator.Options
        {
            SourceColumnName = sourceColumnName,
            TargetColumnName = targetColumnName,
            OutputColumnName = outputColumnName,
            Epochs = epochs,
            HiddenSize = hiddenSize,
        });

    /// <summary>
    /// Trains a generator of text (<paramref name="targetColumnName"/>) conditioned on a float vector column
    /// (<paramref name="conditionColumnName"/>: image features, a label embedding, any vector) and writes
    /// <paramref name="outputColumnName"/>. See <see cref="Translation.ConditionedTextGenerator"/>.
    /// </summary>
    /// <param name="conditionColumnName">The condition: a vector of Single of known size.</param>
    /// <param name="targetColumnName">The text to learn to generate.</param>
    /// <param name="outputColumnName">The generated text.</param>
    public ConditionedTextGenerator ConditionedTextGenerator(string conditionColumnName = "Features", string targetColumnName = "Text", string outputColumnName = "Generated") =>
        new(Environment, new ConditionedTextGenerator.Options { ConditionColumnName = conditionColumnName, TargetColumnName = targetColumnName, OutputColumnName = outputColumnName });

    /// <summary>Trains a conditioned text generator; see <see cref="Translation.ConditionedTextGenerator"/>.</summary>
    /// <param name="options">The columns, tokenizer, network and training options.</param>
    public ConditionedTextGenerator ConditionedTextGenerator(ConditionedTextGenerator.Options options) => new(Environment, options);

    /// <summary>Trains an attention translator; see <see cref="Translator"/>.</summary>
    /// <param name="options">The columns, tokenizer, network, training and decoding options.</param>
    public Translator Seq2SeqTranslator(Translator.Options options) => new(Environment, options);

    /// <summary>
    /// Scores translations against references with sacreBLEU's defaults: corpus BLEU (13a tokenization, 4-grams,
    /// brevity penalty), chrF2 (character 6-grams, beta 2) and exact match, each 0-100. With
    /// <paramref name="tokenizeReferences"/>, each reference is first lower-cased and cut into word tokens joined by
    /// spaces, the way the translator writes its output (the reference scoring rule of <c>torch_seq2seq.py</c>).
    /// </summary>
    /// <param name="data">Rows holding both columns.</param>
    /// <param name="referenceColumnName">The reference translation (text).</param>
    /// <param name="translationColumnName">The system's translation (text), e.g. the translator's output column.</param>
    /// <param name="tokenizeReferences">Whether to tokenize the references as the translator does.</param>
    public TranslationMetrics EvaluateTranslation(IDataView data, string referenceColumnName, string translationColumnName = Translator.Defaults.OutputColumnName, bool tokenizeReferences = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        var references = new List<string?>();
        var hypotheses = new List<string>();
        var reference = data.Schema.GetColumnOrNull(referenceColumnName);
        var translation = data.Schema.GetColumnOrNull(translationColumnName);
        foreach (var (name, column) in new[] { (referenceColumnName, reference), (translationColumnName, translation) })
        {
            if (column is null) ThrowHelper.ColumnNotFound("EvaluateTranslation", name, "a single String", data.Schema.Select(c => c.Name));
            if (column.Value.Type is not TextDataViewType) ThrowHelper.ColumnType("EvaluateTranslation", name, ThrowHelper.Describe(column.Value.Type), "a single String");
        }
        var tokenizer = new TextTokenizer();
        using (var cursor = data.GetRowCursor([reference!.Value, translation!.Value]))
        {
            var getReference = cursor.GetGetter<ReadOnlyMemory<char>>(reference.Value);
            var getTranslation = cursor.GetGetter<ReadOnlyMemory<char>>(translation.Value);
            ReadOnlyMemory<char> r = default, t = default;
            while (cursor.MoveNext())
            {
                getReference(ref r);
                getTranslation(ref t);
                references.Add(tokenizeReferences ? tokenizer.Join(tokenizer.Tokenize(r.ToString())) : r.ToString());
                hypotheses.Add(t.ToString());
            }
        }
        if (hypotheses.Count == 0) throw new InvalidOperationException("EvaluateTranslation: the data has no rows to score.");
        return TranslationMetrics.Compute(hypotheses, [references]);
    }
}
