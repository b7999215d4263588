using System.Globalization;

namespace SensorEventsSample;

/// <summary>
/// One mote's readings in time order, with per-reading features that do not identify the mote: humidity and
/// temperature standardised with the mote's own mean and standard deviation, and their first differences divided
/// by the standard deviation of the mote's differences (0 at the first reading).
/// </summary>
internal sealed class MoteSeries
{
    public const int FrameSize = 4;
    public static readonly string[] FeatureNames = ["humidity (z)", "temperature (z)", "d humidity", "d temperature"];

    public required int Mote { get; init; }
    public required float[] Humidity { get; init; }
    public required float[] Temperature { get; init; }
    public required bool[] Event { get; init; }

    /// <summary>[T, 4] row-major: z-humidity, z-temperature, scaled differences of both.</summary>
    public required float[] Features { get; init; }

    public int Length => Humidity.Length;

    public static Dictionary<int, MoteSeries> Read(string path)
    {
        var byMote = new SortedDictionary<int, List<(int Reading, float H, float T, bool E)>>();
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            if (line++ == 0) continue; // reading,mote_id,indoor,humidity,temperature,label
            string[] f = text.Split(',');
            if (f.Length != 6) throw new InvalidDataException($"{path}, line {line}: \"{text}\" has {f.Length} fields; expected 6.");
            int mote = int.Parse(f[1], CultureInfo.InvariantCulture);
            if (!byMote.TryGetValue(mote, out var list)) byMote[mote] = list = [];
            list.Add((int.Parse(f[0], CultureInfo.InvariantCulture), float.Parse(f[3], CultureInfo.InvariantCulture),
                float.Parse(f[4], CultureInfo.InvariantCulture), f[5] == "1"));
        }
        return byMote.ToDictionary(p => p.Key, p =>
        {
            var r = p.Value.OrderBy(x => x.Reading).ToArray();
            return Build(p.Key, r.Select(x => x.H).ToArray(), r.Select(x => x.T).ToArray(), r.Select(x => x.E).ToArray());
        });
    }

    private static MoteSeries Build(int mote, float[] h, float[] t, bool[] e)
    {
        int n = h.Length;
        float[] zh = Standardize(h), zt = Standardize(t);
        float[] dh = Standardize(Differences(h), center: false), dt = Standardize(Differences(t), center: false);
        var features = new float[n * FrameSize];
        for (int i = 0; i < n; i++)
        {
            features[i * FrameSize] = zh[i];
            features[i * FrameSize + 1] = zt[i];
            features[i * FrameSize + 2] = dh[i];
            features[i * FrameSize + 3] = dt[i];
        }
        return new MoteSeries { Mote = mote, Humidity = h, Temperature = t, Event = e, Features = features };
    }

    private static float[] Differences(float[] x) => x.Select((v, i) => i == 0 ? 0f : v - x[i - 1]).ToArray();

    private static float[] Standardize(float[] x, bool center = true)
    {
        double mean = center ? x.Average() : 0;
        double sd = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / x.Length);
        return x.Select(v => (float)((v - mean) / (sd > 0 ? sd : 1))).ToArray();
    }

    /// <summary>Windows of <paramref name="size"/> readings every <paramref name="stride"/> readings (the last one flush with the end).</summary>
    public IEnumerable<(int Start, int Length)> Windows(int size, int stride)
    {
        if (Length <= size)
        {
            yield return (0, Length);
            yield break;
        }
        int start = 0;
        for (; start + size <= Length; start += stride) yield return (start, size);
        if (start - stride + size < Length) yield return (Length - size, size);
    }
}
