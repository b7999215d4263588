// Event detection on a real sensor network (single-hop indoor/outdoor motes, Suthaharan et al.; data/README.md):
// label every humidity/temperature reading as part of an introduced event or not. Events are rare bursts (117 of
// 4,417 readings on mote 1, 32 of 5,041 on mote 4), so the split is by mote: train on one event mote, test on the
// other, both ways. Features are standardised per mote (nothing identifies the mote). The SequenceLabeler (a
// bidirectional LSTM over windows of readings) is set beside ML.NET's FastTree on the same per-reading features,
// without and with lagged differences; both weigh the rare class by the inverse of its frequency. Then a
// forward-only model labels the test mote reading by reading through a stream.
//   dotnet run -c Release --project samples/SensorEvents
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Recurrent.Core.Layers;
using MLNet.Recurrent.SequenceLabeling;
using SensorEventsSample;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string path = Path.Combine(AppContext.BaseDirectory, "data", "single_hop.csv");
Dictionary<int, MoteSeries> motes = MoteSeries.Read(path);
Console.WriteLine($"{path}: {motes.Values.Sum(m => m.Length):N0} readings; " +
                  string.Join(", ", motes.Values.Select(m => $"mote {m.Mote}: {m.Length:N0} ({m.Event.Count(e => e)} event)")));
Console.WriteLine($"features per reading: {string.Join(", ", MoteSeries.FeatureNames)} (standardised per mote)\n");

const int Window = 200, Stride = 50, Seed = 1;
var ml = new MLContext(seed: Seed);
Console.WriteLine("| train mote -> test mote | model | precision | recall | F1 (event readings) |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var (trainMote, testMote) in new[] { (1, 4), (4, 1) })
{
    MoteSeries train = motes[trainMote], test = motes[testMote];
    float eventWeight = (float)train.Event.Count(e => !e) / train.Event.Count(e => e);

    // The sequence model: windows of the training mote; the whole test mote as one sequence.
    var labeler = SequenceModel.Fit(ml, train, Window, Stride, eventWeight, bidirectional: true, Seed);
    Prf sequence = SequenceModel.Evaluate(ml, labeler, test);
    Row("sequence labeler (BiLSTM)", sequence);
    foreach (bool lags in new[] { false, true })
        Row($"FastTree per reading{(lags ? ", lagged differences" : "")}", Baseline.Run(ml, train, test, lags, eventWeight, Seed));

    void Row(string model, Prf m) => Console.WriteLine($"| {trainMote} -> {testMote} | {model} | {m.Precision:P1} | {m.Recall:P1} | {m.F1:P1} |");
}

// Live labelling: a forward-only model trained on mote 1 reads mote 4 one reading at a time.
Console.WriteLine("\nStream: forward-only LSTM trained on mote 1, labelling mote 4 reading by reading");
MoteSeries live = motes[4];
var forward = SequenceModel.Fit(ml, motes[1], Window, Stride, (float)motes[1].Event.Count(e => !e) / motes[1].Event.Count(e => e), bidirectional: false, Seed);
var transformer = ((IEnumerable<ITransformer>)forward).OfType<SequenceLabelingTransformer>().Single();
uint[] batchLabels = SequenceModel.Label(ml, forward, live);
var stream = transformer.CreateStream();
int eventKey = transformer.ClassNames.ToList().IndexOf("event");
int first = Array.IndexOf(live.Event, true), last = Array.LastIndexOf(live.Event, true), same = 0;
int tp = 0, fp = 0, fn = 0;
Console.WriteLine("reading  humidity  temperature  truth   stream label  p(event)");
for (int i = 0; i < live.Length; i++)
{
    uint key = stream.PushFrame(live.Features.AsSpan(i * MoteSeries.FrameSize, MoteSeries.FrameSize));
    if (key == batchLabels[i]) same++;
    bool predicted = key == eventKey + 1;
    if (predicted && live.Event[i]) tp++;
    else if (predicted) fp++;
    else if (live.Event[i]) fn++;
    if (i >= first - 4 && i <= first + 8 || i >= last - 2 && i <= last + 6)
        Console.WriteLine($"{i + 1,7}  {live.Humidity[i],8:F2}  {live.Temperature[i],11:F2}  {(live.Event[i] ? "event" : "normal"),-6}  {stream.NameOf(key),-12}  {stream.Probabilities[eventKey],8:F3}");
    else if (i == first + 9) Console.WriteLine("    ...");
}
Prf streamed = Prf.Of(tp, fp, fn);
Console.WriteLine($"stream: {live.Length:N0} readings, {same:N0} labels identical to the batch transform; event precision {streamed.Precision:P1}, recall {streamed.Recall:P1}, F1 {streamed.F1:P1}");

/// <summary>Precision, recall and F1 of the event class.</summary>
internal readonly record struct Prf(double Precision, double Recall, double F1)
{
    public static Prf Of(long tp, long fp, long fn)
    {
        double p = tp + fp > 0 ? (double)tp / (tp + fp) : 0, r = tp + fn > 0 ? (double)tp / (tp + fn) : 0;
        return new Prf(p, r, p + r > 0 ? 2 * p * r / (p + r) : 0);
    }
}
