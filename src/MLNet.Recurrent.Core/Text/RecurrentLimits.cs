namespace MLNet.Recurrent.Core.Text;

/// <summary>
/// The documented maximum sizes of what a row, a column or a model may ask for: the length of a row, the keys a
/// column declares, the ids a vocabulary holds and the classes or tags a label holds. Each bounds memory that would
/// otherwise grow with a number read from data or from a model file (README, "Reliability"). Components check them
/// when they are fitted and when they are loaded, before anything is sized by the number, and name the column or
/// option, the value and the limit; nothing above a limit is cut or dropped silently.
/// </summary>
public static class RecurrentLimits
{
    /// <summary>
    /// The most steps (tokens, frames or characters) one row may hold: 2^20 = 1,048,576. Training and prediction keep
    /// activations for every step of a row, so memory grows with its length; a longer row is refused when it is read.
    /// </summary>
    public const int MaxSteps = 1 << 20;

    /// <summary>
    /// The most keys a token key column may declare: 2^24 = 16,777,216 (a hashed column of up to 24 bits). Training
    /// keeps a map entry, a network id and a count per declared key (about 16 bytes a key, at most 256 MiB).
    /// </summary>
    public const int MaxKeyCount = 1 << 24;

    /// <summary>
    /// The most ids one vocabulary may hold, special tokens included: 2^20 = 1,048,576 (token keys kept at training,
    /// characters, words of a translation side). A network has an embedding row (and, when it predicts the
    /// vocabulary, an output row) per id, so this bounds those layers to 2^20 floats (4 MiB) per embedding or hidden
    /// unit. A vocabulary built from training text is refused, rather than grown, past it.
    /// </summary>
    public const int MaxVocabularySize = 1 << 20;

    /// <summary>
    /// The most classes a classifier's label, or tags a labeller's label, may hold: 2^16 = 65,536. Each class has a
    /// name and an output row (2^16 floats, 256 KiB, per hidden unit).
    /// </summary>
    public const int MaxClassCount = 1 << 16;

    /// <summary>
    /// The most tags a labeller with a CRF output layer may hold: 2^12 = 4,096. The CRF keeps a tag-by-tag transition
    /// matrix (at most 2^24 floats, 64 MiB) and decodes in time proportional to the square of the tag count.
    /// </summary>
    public const int MaxCrfTagCount = 1 << 12;
}
