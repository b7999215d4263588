using MLNet.Recurrent.Core.Evaluation;
using MLNet.Recurrent.Core.Models;
using Xunit.Abstractions;

namespace MLNet.Recurrent.Core.Tests.Evaluation;

/// <summary>Temperature scaling and the expected calibration error on examples whose answers are worked out by hand.</summary>
public class CalibrationTests(ITestOutputHelper output)
{
    [Fact]
    public void temperature_fitted_on_a_hand_made_example_is_two_over_ln_three()
    {
        // Four rows with logits [2, 0]: three are class 0, one is class 1. The log-likelihood is best when
        // p(class 0) = sigmoid(2 / T) = 3/4, i.e. 2 / T = ln 3, T = 2 / ln 3 = 1.82048.
        float[] logits = [2, 0, 2, 0, 2, 0, 2, 0];
        int[] targets = [0, 0, 0, 1];
        double t = Calibration.FitTemperature(logits, targets, classes: 2);
        double expected = 2 / Math.Log(3);
        output.WriteLine($"T = {t:F6}, expected {expected:F6}");
        Assert.Equal(expected, t, 4);

        // The fitted T lowers the log-loss from its value at T = 1 to the entropy of (3/4, 1/4).
        double before = Calibration.LogLoss(logits, targets, 2, 1), after = Calibration.LogLoss(logits, targets, 2, t);
        double entropy = -(0.75 * Math.Log(0.75) + 0.25 * Math.Log(0.25));
        Assert.Equal(entropy, after, 6);
        Assert.True(after < before, $"{after} >= {before}");
    }

    [Fact]
    public void temperature_sharpens_timid_logits_and_skips_rows_without_a_target()
    {
        // Always right but only 60 % sure: the best T is as small as allowed.
        float[] logits = [0.2f, -0.2f, -0.2f, 0.2f, 5f, -5f];
        int[] targets = [0, 1, -1];
        Assert.Equal(Calibration.MinTemperature, Calibration.FitTemperature(logits, targets, 2), 3);
        Assert.Equal(1, Calibration.FitTemperature(logits, [-1, -1, -1], 2));
    }

    [Fact]
    public void applying_a_temperature_keeps_the_predicted_class_and_gives_softmax_of_scaled_logits()
    {
        float[] logits = [3f, 1f, -2f];
        var p = new float[3];
        ClassScores.ApplyTemperature(logits, 2f, p);
        double z = Math.Exp(1.5) + Math.Exp(0.5) + Math.Exp(-1);
        Assert.Equal(Math.Exp(1.5) / z, p[0], 6);
        Assert.Equal(Math.Exp(-1) / z, p[2], 6);
        Assert.Equal([1.5f, 0.5f, -1f], logits);
        Assert.Equal(0, ClassScores.PredictedClass(p));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassScores.ApplyTemperature(logits, 0f, p));
    }

    [Fact]
    public void expected_calibration_error_of_a_hand_made_example()
    {
        // Bin (0.8, 0.9]: four rows 90 % sure, three right: |0.75 - 0.9| = 0.15, weight 4/6.
        // Bin (0.5, 0.6]: two rows 60 % sure, both right: |1 - 0.6| = 0.4, weight 2/6. ECE = 0.1 + 0.4/3.
        float[] p = [0.9f, 0.1f, 0.9f, 0.1f, 0.1f, 0.9f, 0.9f, 0.1f, 0.6f, 0.4f, 0.4f, 0.6f];
        int[] targets = [0, 0, 1, 1, 0, 1];
        double ece = Calibration.ExpectedCalibrationError(p, targets, classes: 2, bins: 10);
        Assert.Equal(0.1 + 0.4 / 3, ece, 6);
        // One bin: |accuracy - mean confidence| over everything = |5/6 - 0.8|.
        Assert.Equal(Math.Abs(5.0 / 6 - 0.8), Calibration.ExpectedCalibrationError(p, targets, 2, bins: 1), 6);
    }

    [Fact]
    public void bad_rows_are_rejected_with_the_offending_value()
    {
        var e = Assert.Throws<ArgumentException>(() => Calibration.FitTemperature([1f, 2f, 3f], [0, 1], 2));
        Assert.Contains("3 values", e.Message);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => Calibration.ExpectedCalibrationError([0.5f, 0.5f], [2], 2));
        Assert.Contains("targets[0]", e2.Message);
        var e3 = Assert.Throws<ArgumentOutOfRangeException>(() => Calibration.FitTemperature([float.NaN, 0f], [0], 2));
        Assert.Contains("NaN", e3.Message);
    }
}
