using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Tests.Training;

public class LengthBucketsTests
{
    private static int[] RandomLengths(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => 1 + rng.Next(200)).ToArray();
    }

    [Fact]
    public void Every_sequence_lands_in_exactly_one_batch_of_at_most_the_batch_size()
    {
        var lengths = RandomLengths(1003, 1);
        var batches = LengthBuckets.Batches(lengths, 32, new Random(5));
        Assert.Equal(Enumerable.Range(0, 1003), batches.SelectMany(b => b).Order());
        Assert.All(batches, b => Assert.InRange(b.Length, 1, 32));
        Assert.Equal(11, Assert.Single(batches, b => b.Length < 32).Length); // 1003 = 31 * 32 + 11
    }

    [Fact]
    public void Bucketing_cuts_padding_far_below_random_batching()
    {
        var lengths = RandomLengths(3000, 2);
        var bucketed = LengthBuckets.Batches(lengths, 32, new Random(7));
        var random = LengthBuckets.Batches(lengths, 32, new Random(7), window: 1);
        double padBucketed = LengthBuckets.PaddingFraction(lengths, bucketed);
        double padRandom = LengthBuckets.PaddingFraction(lengths, random);
        // Uniform lengths 1..200 in random batches of 32 waste about half the cells; sorted windows waste a few percent.
        Assert.InRange(padRandom, 0.40, 0.60);
        Assert.InRange(padBucketed, 0.0, 0.05);
    }

    [Fact]
    public void A_seed_repeats_the_batches_and_another_seed_changes_them()
    {
        var lengths = RandomLengths(500, 3);
        var a = LengthBuckets.Batches(lengths, 16, new Random(11));
        var b = LengthBuckets.Batches(lengths, 16, new Random(11));
        var c = LengthBuckets.Batches(lengths, 16, new Random(12));
        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(x => x[0]), c.Select(x => x[0]));
    }
}
