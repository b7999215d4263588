using System.Numerics.Tensors;
using System.Text.Json;
using MLNet.Recurrent.Core.Tests.TestSupport;
using MLNet.Recurrent.Core.Training;
using Xunit.Abstractions;
using MLNet.Recurrent.Core.Parameters;

namespace MLNet.Recurrent.Core.Tests.Training;

public sealed class OptimizerTests(ITestOutputHelper output)
{
    // Both sides run float32 elementwise; PyTorch may fuse a multiply-add where TensorPrimitives rounds twice,
    // so after five steps the weights may differ in the last bits: |actual - expected| <= 1e-6 * max(1, |expected|).
    private const double Tolerance = 1e-6;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixture.Load("optimizers").Config.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_PyTorch(string name)
    {
        var fixture = Fixture.Load("optimizers");
        JsonElement config = fixture.Config.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        int steps = fixture.Int("steps"), size = fixture.Int("size");
        float[] gradients = fixture.Data("gradients"), expected = fixture.Data(name);

        var set = new ParameterSet();
        var p = set.Add("w", size);
        fixture.Data("initial").CopyTo(p.Value);
        IOptimizer optimizer = Create(config);
        double worst = 0;
        for (int k = 0; k < steps; k++)
        {
            if (config.TryGetProperty("lrs", out var lrs)) optimizer.LearningRate = lrs[k].GetDouble();
            gradients.AsSpan(k * size, size).CopyTo(p.Gradient);
            optimizer.Step(set);
            for (int i = 0; i < size; i++)
            {
                double e = expected[k * size + i];
                worst = Math.Max(worst, Math.Abs(e - p.Value[i]) / Math.Max(1, Math.Abs(e)));
            }
        }
        output.WriteLine($"{name}: max relative difference to PyTorch over {steps} steps = {worst:E3} (tolerance {Tolerance:E0})");
        Assert.Equal(steps, optimizer.StepCount);
        Assert.True(worst <= Tolerance, $"{name}: {worst:E3} > {Tolerance:E0}");
        // The weights moved: a no-op optimizer would not pass the comparison above, but say it plainly.
        Assert.NotEqual(fixture.Data("initial")[0], p.Value[0]);
    }

    internal static IOptimizer Create(JsonElement c)
    {
        double D(string key, double fallback) => c.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;
        bool B(string key) => c.TryGetProperty(key, out var v) && v.GetBoolean();
        double Beta(int i, double fallback) => c.TryGetProperty("betas", out var b) ? b[i].GetDouble() : fallback;
        double lr = D("lr", 0);
        return c.GetProperty("kind").GetString() switch
        {
            "sgd" => new Sgd(lr, D("momentum", 0), D("dampening", 0), D("weight_decay", 0), B("nesterov")),
            "adagrad" => new Adagrad(lr, D("lr_decay", 0), D("weight_decay", 0), D("initial_accumulator_value", 0), D("eps", 1e-10)),
            "rmsprop" => new RmsProp(lr, D("alpha", 0.99), D("eps", 1e-8), D("weight_decay", 0), D("momentum", 0), B("centered")),
            "adam" => new Adam(lr, Beta(0, 0.9), Beta(1, 0.999), D("eps", 1e-8), D("weight_decay", 0), B("amsgrad")),
            "adamw" => new AdamW(lr, Beta(0, 0.9), Beta(1, 0.999), D("eps", 1e-8), D("weight_decay", 1e-2), B("amsgrad")),
            var k => throw new InvalidOperationException($"unknown kind {k}"),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exported_state_resumes_identically(string name)
    {
        var fixture = Fixture.Load("optimizers");
        JsonElement config = fixture.Config.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        int steps = fixture.Int("steps"), size = fixture.Int("size");
        float[] gradients = fixture.Data("gradients");

        float[] RunFrom(ParameterSet set, IOptimizer optimizer, int from)
        {
            for (int k = from; k < steps; k++)
            {
                if (config.TryGetProperty("lrs", out var lrs)) optimizer.LearningRate = lrs[k].GetDouble();
                gradients.AsSpan(k * size, size).CopyTo(set.Gradients);
                optimizer.Step(set);
            }
            return set.Values;
        }

        var straight = new ParameterSet();
        straight.Add("w", size);
        fixture.Data("initial").CopyTo(straight.Values, 0);
        float[] uninterrupted = (float[])RunFrom(straight, Create(config), 0).Clone();

        var first = new ParameterSet();
        first.Add("w", size);
        fixture.Data("initial").CopyTo(first.Values, 0);
        var optimizer = Create(config);
        for (int k = 0; k < 2; k++)
        {
            if (config.TryGetProperty("lrs", out var lrs)) optimizer.LearningRate = lrs[k].GetDouble();
            gradients.AsSpan(k * size, size).CopyTo(first.Gradients);
            optimizer.Step(first);
        }
        OptimizerState state = optimizer.ExportState();
        var resumed = Create(config);
        resumed.ImportState(state);
        Assert.Equal(2, resumed.StepCount);
        Assert.Equal(uninterrupted, RunFrom(first, resumed, 2));
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(false, 0.01)]
    [InlineData(true, 0.05)]
    public void Adam_one_pass_update_gives_the_bits_of_the_nine_separate_passes(bool decoupled, double weightDecay)
    {
        // 37 values: four vectors of 8 and a scalar tail of 5; gradients spanning magnitudes, zeros and signs.
        const int size = 37, steps = 4;
        double lr = 3e-3, beta1 = 0.8, beta2 = 0.99, eps = 1e-6;
        var random = new Random(12);
        float[] initial = [.. Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        float[][] gradients = [.. Enumerable.Range(0, steps).Select(_ => Enumerable.Range(0, size)
            .Select(i => i % 9 == 0 ? 0f : (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 3)))).ToArray())];

        var set = new ParameterSet();
        var p = set.Add("w", size);
        initial.CopyTo(p.Value);
        Adam adam = decoupled ? new AdamW(lr, beta1, beta2, eps, weightDecay) : new Adam(lr, beta1, beta2, eps, weightDecay);

        float[] w = (float[])initial.Clone(), m = new float[size], v = new float[size], g = new float[size], work = new float[size];
        for (int t = 1; t <= steps; t++)
        {
            gradients[t - 1].CopyTo(p.Gradient);
            adam.Step(set);

            // The nine passes of the update as they were written before the fused loop.
            if (decoupled) TensorPrimitives.Multiply(w, (float)(1 - lr * weightDecay), w);
            if (decoupled || weightDecay == 0) gradients[t - 1].CopyTo(g);
            else TensorPrimitives.MultiplyAdd(w, (float)weightDecay, gradients[t - 1], g);
            TensorPrimitives.Multiply(m, (float)beta1, m);
            TensorPrimitives.MultiplyAdd(g, (float)(1 - beta1), m, m);
            TensorPrimitives.Multiply(v, (float)beta2, v);
            TensorPrimitives.Multiply(g, g, work);
            TensorPrimitives.MultiplyAdd(work, (float)(1 - beta2), v, v);
            double stepSize = lr / (1 - Math.Pow(beta1, t)), correction2 = Math.Sqrt(1 - Math.Pow(beta2, t));
            TensorPrimitives.Sqrt(v, work);
            TensorPrimitives.Divide(work, (float)correction2, work);
            TensorPrimitives.Add(work, (float)eps, work);
            TensorPrimitives.Divide(m, work, work);
            TensorPrimitives.MultiplyAdd(work, (float)-stepSize, w, w);

            Assert.Equal(w.Select(BitConverter.SingleToInt32Bits), p.Value.ToArray().Select(BitConverter.SingleToInt32Bits));
        }
        Assert.NotEqual(initial, w);
    }

    [Fact]
    public void Import_rejects_state_of_another_kind_or_options()
    {
        var set = new ParameterSet();
        set.Add("w", 3);
        var adam = new Adam();
        adam.Step(set);
        var e = Assert.Throws<ArgumentException>(() => new Sgd(0.1).ImportState(adam.ExportState()));
        Assert.Contains("\"Adam\"", e.Message);
        var amsgrad = new Adam(amsGrad: true);
        e = Assert.Throws<ArgumentException>(() => amsgrad.ImportState(adam.ExportState()));
        Assert.Contains("max_exp_avg_sq", e.Message);
    }

    [Fact]
    public void Step_rejects_a_set_of_another_size()
    {
        var small = new ParameterSet();
        small.Add("w", 3);
        var big = new ParameterSet();
        big.Add("w", 4);
        var sgd = new Sgd(0.1, momentum: 0.9);
        sgd.Step(small);
        var e = Assert.Throws<ArgumentException>(() => sgd.Step(big));
        Assert.Contains("4 weights", e.Message);
    }

    [Fact]
    public void Rejects_negative_learning_rate_and_nesterov_without_momentum()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(-1));
        Assert.Contains("'LearningRate' was -1", e.Message);
        var n = Assert.Throws<ArgumentException>(() => new Sgd(0.1, nesterov: true));
        Assert.Contains("'nesterov' was True", n.Message);
    }
}
