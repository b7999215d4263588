using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Training;

public sealed class DeterministicRandomTests
{
    [Fact]
    public void Restored_state_continues_the_same_sequence()
    {
        var r = new DeterministicRandom(7);
        for (int i = 0; i < 10; i++) r.Next(100);
        ulong[] state = r.GetState();
        int[] perm = Enumerable.Range(0, 20).ToArray();
        r.Shuffle(perm);
        double[] after = [r.NextDouble(), r.NextDouble(), r.Next(5, 9), r.NextSingle()];

        var s = new DeterministicRandom(12345);
        s.SetState(state);
        int[] perm2 = Enumerable.Range(0, 20).ToArray();
        s.Shuffle(perm2);
        Assert.Equal(perm, perm2);
        Assert.Equal(after, new double[] { s.NextDouble(), s.NextDouble(), s.Next(5, 9), s.NextSingle() });
        Assert.NotEqual(Enumerable.Range(0, 20).ToArray(), perm);
    }

    [Fact]
    public void Bounded_draws_cover_the_range_evenly()
    {
        var r = new DeterministicRandom(1);
        var counts = new int[6];
        for (int i = 0; i < 60_000; i++) counts[r.Next(6)]++;
        // Each face expects 10,000; a standard deviation is about 91, so 500 is more than five of them.
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
        Assert.All(Enumerable.Range(0, 1000).Select(_ => r.NextDouble()), d => Assert.InRange(d, 0.0, 0.9999999999999999));
    }

    [Fact]
    public void Rejects_all_zero_state()
    {
        var e = Assert.Throws<ArgumentException>(() => new DeterministicRandom(1).SetState([0, 0, 0, 0]));
        Assert.Contains("all zero", e.Message);
    }
}
