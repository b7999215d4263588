namespace MLNet.Recurrent.OnnxRoute;

/// <summary>Latency of one call in milliseconds over <paramref name="Count"/> timed calls.</summary>
internal readonly record struct LatencyStats(double MedianMs, double P90Ms, double MinMs, int Count);
