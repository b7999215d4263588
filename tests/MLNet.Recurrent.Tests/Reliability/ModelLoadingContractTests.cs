using Microsoft.ML;
using MLNet.Recurrent.Core.Serialization;
using MLNet.Recurrent.Tests.TestSupport;

namespace MLNet.Recurrent.Tests.Reliability;

/// <summary>A token classifier saved once; each test loads a corrupt or crafted copy of its zip.</summary>
public sealed class SavedTokenClassifier
{
    /// <summary>Fits the classifier for one epoch and keeps the saved zip.</summary>
    public SavedTokenClassifier()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(SentenceData.Make(60, seed: 11));
        ITransformer model = SentenceData.Featurize(ml).Append(ml.Transforms.Recurrent.LstmSequenceClassifier(SentenceData.SmallOptions(epochs: 1))).Fit(train);
        Zip = CraftedModels.Save(ml, model, train.Schema);
        using var stream = new MemoryStream(Zip, writable: false);
        Assert.NotNull(new MLContext().Model.Load(stream, out _)); // the untouched copy loads
    }

    /// <summary>The saved pipeline (tokenizer, key maps, classifier).</summary>
    public byte[] Zip { get; }
}

/// <summary>
/// Issue 14, items 1, 3 and 7: whatever is wrong with a model file, what <c>mlContext.Model.Load</c> raises is an
/// <see cref="InvalidDataException"/> naming what was wrong, inside ML.NET's reflection wrappers. ML.NET calls every loader, its own
/// <c>TransformerChain</c> included, through <c>MethodInfo.Invoke</c>, so the outer exception is always its
/// <see cref="System.Reflection.TargetInvocationException"/>: nothing inside our loader can unwrap it.
/// </summary>
public sealed class ModelLoadingContractTests(SavedTokenClassifier saved) : IClassFixture<SavedTokenClassifier>
{
    private static InvalidDataException LoadFails(byte[] zip)
    {
        Exception e = Assert.ThrowsAny<Exception>(() => CraftedModels.Load(zip));
        while (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
        return Assert.IsType<InvalidDataException>(e);
    }

    [Fact]
    public void Bit_flipped_model_raises_InvalidDataException_under_the_reflection_wrapper()
    {
        byte[] zip = CraftedModels.EditEntry(saved.Zip, (bytes, at) => bytes[at + 64] ^= 0x10);
        Assert.Contains("checksum", LoadFails(zip).Message);
    }

    [Fact]
    public void Missing_configuration_key_is_named()
    {
        byte[] zip = CraftedModels.ReplaceText(saved.Zip, "classifier.tokenIds", "classifier.tokenIdz");
        Assert.Contains("classifier.tokenIds", LoadFails(zip).Message);
    }

    [Fact]
    public void Configuration_value_of_the_wrong_kind_is_named()
    {
        byte[] zip = CraftedModels.EditModelFile(saved.Zip, file =>
            file.Configuration.Set("classifier.tokenIds", new float[file.Configuration.GetInt32Array("classifier.tokenIds").Length]));
        Assert.Contains("classifier.tokenIds", LoadFails(zip).Message);
    }

    [Fact]
    public void Missing_vocabulary_is_named()
    {
        byte[] zip = CraftedModels.ReplaceText(saved.Zip, "classes", "classez");
        Assert.Contains("\"classes\"", LoadFails(zip).Message);
    }

    [Fact]
    public void Parameter_the_network_does_not_have_is_named()
    {
        string name = "";
        CraftedModels.EditModelFile(saved.Zip, file => name = file.Parameters[0].Name);
        byte[] zip = CraftedModels.ReplaceText(saved.Zip, name, name[..^1] + "#");
        Assert.Contains(name[..^1] + "#", LoadFails(zip).Message);
    }

    [Fact]
    public void Negative_token_id_is_rejected_at_load()
    {
        byte[] zip = CraftedModels.EditModelFile(saved.Zip, file =>
        {
            int[] ids = file.Configuration.GetInt32Array("classifier.tokenIds");
            ids[1] = -5;
            file.Configuration.Set("classifier.tokenIds", ids);
        });
        string message = LoadFails(zip).Message;
        Assert.Contains("classifier.tokenIds", message);
        Assert.Contains("-5", message);
    }

    [Fact]
    public void NaN_weight_in_a_checksum_valid_file_is_rejected_at_load()
    {
        string name = "";
        byte[] zip = CraftedModels.EditModelFile(saved.Zip, file =>
        {
            NamedTensor p = file.Parameters[^1];
            name = p.Name;
            p.Data[p.Data.Length - 1] = float.NaN;
        });
        string message = LoadFails(zip).Message;
        Assert.Contains(name, message);
        Assert.Contains("NaN", message);
    }

    [Fact]
    public void Blob_length_prefix_beyond_the_bytes_left_is_rejected_before_anything_is_allocated()
    {
        byte[] zip = CraftedModels.EditEntry(saved.Zip, (bytes, at) => BitConverter.TryWriteBytes(bytes.AsSpan(at - 4), int.MaxValue));
        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = LoadFails(zip).Message;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("2147483647", message);
        Assert.True(allocated < 64 << 20, $"loading allocated {allocated:N0} bytes"); // the 2 GiB buffer was never asked for
    }
}

/// <summary>
/// ML.NET's byte-array length before a component's blob (found by the SharpFuzz campaign, tests/fuzz: ML.NET's
/// <c>ReadByteArray</c> allocated whatever it said, 1.4 GB for a 4 KB entry).
/// </summary>
public sealed class ByteArrayLengthTests(SavedTokenClassifier saved) : IClassFixture<SavedTokenClassifier>
{
    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(345_000_000)]
    [InlineData(-7)]
    public void A_byte_array_length_beyond_the_entry_is_rejected_before_anything_is_allocated(int length)
    {
        // The entry: ML.NET's header (its model section starts where the int64 at offset 16 says), then the array's int32 length, then our blob.
        byte[] zip = CraftedModels.EditEntry(saved.Zip, (bytes, at) => BitConverter.TryWriteBytes(bytes.AsSpan((int)BitConverter.ToInt64(bytes, 16)), length));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception e = Assert.ThrowsAny<Exception>(() => CraftedModels.Load(zip));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        while (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
        Assert.IsType<InvalidDataException>(e);
        Assert.Contains($"the length of its byte array was {length} bytes", e.Message);
        Assert.True(allocated < 64 << 20, $"loading allocated {allocated:N0} bytes");
    }
}

/// <summary>The same contract for the character language model's loader.</summary>
public sealed class CharLanguageModelLoadingContractTests
{
    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    private static byte[] SavedModel()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(i => new TextRow { Text = $"the cat sat on mat {i % 7}." }));
        var model = ml.Transforms.Recurrent.CharLanguageModel("Text", new LanguageModel.CharLanguageModelTrainer.Options
        {
            HiddenSize = 8, Layers = 1, EmbeddingSize = 4, Steps = 2, BatchSize = 2, SequenceLength = 8, EvaluateEvery = 2, Seed = 1,
        }).Fit(train);
        return CraftedModels.Save(ml, model, train.Schema);
    }

    private static InvalidDataException LoadFails(byte[] zip)
    {
        Exception e = Assert.ThrowsAny<Exception>(() => CraftedModels.Load(zip));
        while (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
        return Assert.IsType<InvalidDataException>(e);
    }

    [Fact]
    public void Length_prefix_beyond_the_bytes_left_NaN_weight_and_missing_entry_each_raise_InvalidDataException_naming_it()
    {
        byte[] zip = SavedModel();
        Assert.NotNull(CraftedModels.Load(zip));

        byte[] longPrefix = CraftedModels.EditEntry(zip, (bytes, at) => BitConverter.TryWriteBytes(bytes.AsSpan(at - 4), int.MaxValue));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("the length of its model was 2147483647 bytes", LoadFails(longPrefix).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20);

        byte[] nan = CraftedModels.EditModelFile(zip, file => file.Parameters[0].Data[0] = float.NaN);
        Assert.Contains("was NaN; every stored weight must be a finite number", LoadFails(nan).Message);

        byte[] missing = CraftedModels.ReplaceText(zip, "charlm.unknownId", "charlm.unknownIx");
        Assert.Contains("charlm.unknownId", LoadFails(missing).Message);
    }
}

/// <summary>
/// Seeded mutations of the classifier's engine model file inside the zip (checksum repaired so they reach the parser):
/// <c>Model.Load</c> either succeeds or raises the contract's <see cref="InvalidDataException"/>, within an allocation bound.
/// </summary>
public sealed class ModelZipMutationTests(SavedTokenClassifier saved) : IClassFixture<SavedTokenClassifier>
{
    [Fact]
    public void Every_seeded_mutation_of_the_classifier_loads_or_raises_InvalidDataException_within_the_allocation_bound()
    {
        var random = new Random(14);
        int rejected = 0;
        for (int i = 0; i < 300; i++)
        {
            byte[] zip = CraftedModels.EditModelBytes(saved.Zip, file =>
            {
                int at = random.Next(20, file.Length - 8);
                if (random.Next(2) == 0) file[at] ^= (byte)(1 << random.Next(8));
                else BitConverter.TryWriteBytes(file[at..], random.Next(3) switch { 0 => -1, 1 => int.MaxValue, _ => 1 << 30 });
            });
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                CraftedModels.Load(zip);
            }
            catch (Exception e)
            {
                while (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
                Assert.True(e is InvalidDataException, $"Mutation {i} raised {e.GetType().Name}: {e.Message}");
                rejected++;
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 64 << 20, $"Mutation {i} allocated {allocated:N0} bytes");
        }
        Assert.True(rejected > 30, $"only {rejected} of 300 rejected");
    }
}
