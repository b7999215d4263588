using MLNet.Recurrent.Core.Text;
using MLNet.Recurrent.Tests.TestSupport;

namespace MLNet.Recurrent.Tests.Reliability;

/// <summary>
/// Issue 14, resource limits at load through <c>mlContext.Model.Load</c>: a saved labeller, translator or generator whose
/// configuration claims a vocabulary (or, for the labeller, an output) past <see cref="RecurrentLimits.MaxVocabularySize"/>
/// is rejected naming the option and the limit, before anything is sized by the claim.
/// </summary>
public sealed class LoadedLimitTests(SavedSequenceComponents saved) : IClassFixture<SavedSequenceComponents>
{
    [Theory]
    [InlineData("labeller", "network.inputVocabularySize", "'InputVocabularySize' was 1073741824; it must be at most 1048576 (RecurrentLimits.MaxVocabularySize)")]
    [InlineData("labeller", "network.outputSize", "'OutputSize' was 1073741824; it must be at most 1048576 (RecurrentLimits.MaxVocabularySize)")]
    [InlineData("translator", "seq2seq.sourceVocabularySize", "'SourceVocabularySize' was 1073741824; it must be at most 1048576 (RecurrentLimits.MaxVocabularySize)")]
    [InlineData("translator", "seq2seq.targetVocabularySize", "'TargetVocabularySize' was 1073741824; it must be at most 1048576 (RecurrentLimits.MaxVocabularySize)")]
    [InlineData("generator", "seq2seq.targetVocabularySize", "'TargetVocabularySize' was 1073741824; it must be at most 1048576 (RecurrentLimits.MaxVocabularySize)")]
    public void A_configuration_claiming_a_vocabulary_past_the_limit_is_rejected_naming_the_limit(string component, string key, string expected)
    {
        byte[] zip = CraftedModels.EditModelFile(saved.Zips[component], file => file.Configuration.Set(key, 1 << 30));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception e = Assert.ThrowsAny<Exception>(() => CraftedModels.Load(zip));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        while (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
        Assert.IsType<InvalidDataException>(e);
        Assert.Contains(expected, e.Message);
        Assert.True(allocated < 64 << 20, $"loading allocated {allocated:N0} bytes before failing");
    }
}
