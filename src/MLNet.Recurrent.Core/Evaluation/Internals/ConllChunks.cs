namespace MLNet.Recurrent.Core.Evaluation.Internals;

/// <summary>
/// The chunk counting of CoNLL's <c>conlleval</c> (Perl, 2004), ported rule for rule: a tag name splits at its first
/// '-' into a prefix and a type ("B-PER" -> B, PER; "O" -> O, ""); <see cref="StartOfChunk"/> and
/// <see cref="EndOfChunk"/> are its functions, and a chunk is correct when gold and guess start it at the same token
/// with the same type and both end it at the same token. Each sequence is followed by an "O" (conlleval's sentence
/// boundary), so chunks never run across sequences.
/// </summary>
internal sealed class ConllChunks
{
    private readonly string[] _prefix;
    private readonly int[] _type;      // index into Types; 0 is the empty type

    /// <summary>Parses the class names.</summary>
    public ConllChunks(IReadOnlyList<string> classNames)
    {
        _prefix = new string[classNames.Count];
        _type = new int[classNames.Count];
        var types = new List<string> { "" };
        for (int k = 0; k < classNames.Count; k++)
        {
            string name = classNames[k];
            int dash = name.IndexOf('-', StringComparison.Ordinal);
            _prefix[k] = dash < 0 ? name : name[..dash];
            string type = dash < 0 ? "" : name[(dash + 1)..];
            int id = types.IndexOf(type);
            if (id < 0)
            {
                id = types.Count;
                types.Add(type);
            }
            _type[k] = id;
        }
        Types = types;
        Gold = new long[types.Count];
        Guessed = new long[types.Count];
        Correct = new long[types.Count];
    }

    /// <summary>The chunk types; index 0 is the empty type (tags without '-').</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>Gold chunks per type.</summary>
    public long[] Gold { get; }

    /// <summary>Guessed chunks per type.</summary>
    public long[] Guessed { get; }

    /// <summary>Correct chunks per type.</summary>
    public long[] Correct { get; }

    /// <summary>Counts one sequence's chunks; gold and predicted hold class ids of its real steps.</summary>
    public void Add(ReadOnlySpan<int> gold, ReadOnlySpan<int> predicted)
    {
        string lastCorrect = "O", lastGuessed = "O";
        int lastCorrectType = 0, lastGuessedType = 0;
        bool inCorrect = false;
        for (int i = 0; i <= gold.Length; i++)
        {
            // The step after the last is conlleval's boundary line, read as O.
            string correct = i < gold.Length ? _prefix[gold[i]] : "O", guessed = i < gold.Length ? _prefix[predicted[i]] : "O";
            int correctType = i < gold.Length ? _type[gold[i]] : 0, guessedType = i < gold.Length ? _type[predicted[i]] : 0;
            bool goldEnds = EndOfChunk(lastCorrect, correct, lastCorrectType, correctType);
            bool guessEnds = EndOfChunk(lastGuessed, guessed, lastGuessedType, guessedType);
            if (inCorrect)
            {
                if (goldEnds && guessEnds && lastGuessedType == lastCorrectType)
                {
                    inCorrect = false;
                    Correct[lastCorrectType]++;
                }
                else if (goldEnds != guessEnds || guessedType != correctType)
                {
                    inCorrect = false;
                }
            }
            bool goldStarts = StartOfChunk(lastCorrect, correct, lastCorrectType, correctType);
            bool guessStarts = StartOfChunk(lastGuessed, guessed, lastGuessedType, guessedType);
            if (goldStarts && guessStarts && guessedType == correctType) inCorrect = true;
            if (goldStarts) Gold[correctType]++;
            if (guessStarts) Guessed[guessedType]++;
            lastCorrect = correct;
            lastGuessed = guessed;
            lastCorrectType = correctType;
            lastGuessedType = guessedType;
        }
    }

    /// <summary>conlleval's <c>endOfChunk</c>: whether a chunk ended between the previous token and this one.</summary>
    private static bool EndOfChunk(string prevTag, string tag, int prevType, int type) =>
        (prevTag == "B" && tag == "B") || (prevTag == "B" && tag == "O") || (prevTag == "I" && tag == "B") || (prevTag == "I" && tag == "O")
        || (prevTag == "E" && tag == "E") || (prevTag == "E" && tag == "I") || (prevTag == "E" && tag == "O")
        || (prevTag != "O" && prevTag != "." && prevType != type)
        || prevTag == "]" || prevTag == "[";

    /// <summary>conlleval's <c>startOfChunk</c>: whether a chunk starts at this token (an I after O or after another type does).</summary>
    private static bool StartOfChunk(string prevTag, string tag, int prevType, int type) =>
        (prevTag == "B" && tag == "B") || (prevTag == "I" && tag == "B") || (prevTag == "O" && tag == "B") || (prevTag == "O" && tag == "I")
        || (prevTag == "E" && tag == "E") || (prevTag == "E" && tag == "I") || (prevTag == "O" && tag == "E")
        || (tag != "O" && tag != "." && prevType != type)
        || tag == "[" || tag == "]";
}
