using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Recurrent.Core.Reservoir;
using MLNet.Recurrent.EchoState.Internals;
using MLNet.Recurrent.Internals;
using MLNet.Recurrent.MlNetInternals;

namespace MLNet.Recurrent.EchoState;

/// <summary>
/// Forecasts a time-ordered numeric column with a fitted echo state network. Each cursor starts a fresh (zero)
/// reservoir and reads the rows in order; at each row it writes the forecasts of the next h steps: step 1 from
/// the true values read so far (teacher forced), steps 2..h by feeding the forecasts back (free running). The last
/// row's forecast is the forecast past the end of the data; the first rows (about the washout) are less accurate
/// while the reservoir forgets its zero start.
/// </summary>
/// <remarks>
/// The state runs along the rows, so <see cref="Transform"/> returns a view that is always read by one cursor in row
/// order (ML.NET would otherwise split a row-to-row transform over parallel cursors), and the forecast column must be
/// read at every row of a cursor (as <c>CreateEnumerable</c>, <c>SaveAsBinary</c> and <c>Preview</c> do); a getter that
/// skips rows is refused with an exception rather than answered wrongly. A <c>PredictionEngine</c> is one such stream:
/// each <c>Predict</c> reads the next step and returns the forecasts after it (one engine per series).
/// </remarks>
public sealed class EchoStateForecastTransformer : RecurrentTransformerBase, ITransformer, IRecurrentComponent<EchoStateForecastTransformer>
{
    internal const string LoaderSignature = "RecurrentEsnForecast";

    // Version 1: input column, output column, horizon, the forecaster's model file (length-prefixed).
    private static readonly ModelVersion s_version = new("ESNFRCST", version: 1, oldestReadable: 1, LoaderSignature);

    internal EchoStateForecastTransformer(IHostEnvironment env, string inputColumnName, string outputColumnName, int horizon, ReservoirForecaster forecaster)
        : base(env, s_version)
    {
        InputColumnName = inputColumnName;
        OutputColumnName = outputColumnName;
        Horizon = horizon;
        Forecaster = forecaster;
    }

    /// <summary>The column read: one step of <see cref="SeriesCount"/> series per row.</summary>
    public string InputColumnName { get; }

    /// <summary>The column written: h * S forecasts per row.</summary>
    public string OutputColumnName { get; }

    /// <summary>h: steps forecast after each row.</summary>
    public int Horizon { get; }

    /// <summary>S: series per row.</summary>
    public int SeriesCount => Forecaster.SeriesCount;

    /// <summary>The fitted forecaster (network, standardization); usable directly for custom loops.</summary>
    public ReservoirForecaster Forecaster { get; }

    /// <summary>The spectral radius the reservoir reached.</summary>
    public double SpectralRadius => Forecaster.Network.SpectralRadius;

    /// <summary>The forecasts of <paramref name="input"/>'s rows, read in order by one cursor from a fresh reservoir.</summary>
    /// <param name="input">Rows in time order with the input column.</param>
    public new IDataView Transform(IDataView input) => new SequentialDataView(base.Transform(input));

    IDataView ITransformer.Transform(IDataView input) => Transform(input);

    static ModelVersion IRecurrentComponent<EchoStateForecastTransformer>.Version => s_version;

    static EchoStateForecastTransformer IRecurrentComponent<EchoStateForecastTransformer>.Load(IHostEnvironment env, ComponentBlob blob)
    {
        string input = blob.Reader.ReadString();
        string output = blob.Reader.ReadString();
        int horizon = blob.Reader.ReadInt32();
        if (horizon <= 0) ThrowHelper.BadModel(LoaderSignature, $"its horizon is {horizon}; it must be positive");
        int length = blob.Reader.ReadInt32();
        long left = blob.Reader.BaseStream.Length - blob.Reader.BaseStream.Position;
        if (length < 0 || length > left) ThrowHelper.BadModel(LoaderSignature, $"its network claims {length} bytes and {left} remain");
        using var stream = new MemoryStream(blob.Reader.ReadBytes(length), writable: false);
        return new EchoStateForecastTransformer(env, input, output, horizon, ReservoirForecaster.Load(stream));
    }

    private protected override void SaveBlob(BinaryWriter writer)
    {
        writer.Write(InputColumnName);
        writer.Write(OutputColumnName);
        writer.Write(Horizon);
        using var stream = new MemoryStream();
        Forecaster.Save(stream);
        writer.Write(checked((int)stream.Length));
        writer.Write(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private protected override RowBinding Bind(DataViewSchema inputSchema) => new Binding(this, inputSchema);

    private sealed class Binding : RowBinding
    {
        private readonly EchoStateForecastTransformer _owner;
        private readonly DataViewSchema.Column _input;

        public Binding(EchoStateForecastTransformer owner, DataViewSchema inputSchema) : base(inputSchema)
        {
            _owner = owner;
            _input = InputColumns.Require(inputSchema, EchoStateForecaster.ComponentName, owner.InputColumnName, ColumnExpectation.SeriesStep());
            int s = _input.Type is VectorDataViewType v ? v.Size : 1;
            if (s != owner.SeriesCount)
                ThrowHelper.ColumnType(EchoStateForecaster.ComponentName, owner.InputColumnName, ThrowHelper.Describe(_input.Type),
                    owner.SeriesCount == 1 ? "a single Single, as at fit" : $"a vector of {owner.SeriesCount} Single, as at fit");
            InputColumnIndices = [_input.Index];
            var type = owner.SeriesCount == 1
                ? new VectorDataViewType(NumberDataViewType.Single, owner.Horizon)
                : new VectorDataViewType(NumberDataViewType.Single, owner.Horizon, owner.SeriesCount);
            OutputColumns = [new DataViewSchema.DetachedColumn(owner.OutputColumnName, type, Annotations.None)];
        }

        public override IReadOnlyList<int> InputColumnIndices { get; }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

        public override Delegate?[] CreateGetters(DataViewRow input, bool[] active)
        {
            ReservoirForecaster forecaster = _owner.Forecaster;
            var reader = new SeriesColumnReader(input, _input);
            ReservoirState state = forecaster.CreateState();
            var step = new double[forecaster.SeriesCount];
            var forecast = new double[_owner.Horizon * forecaster.SeriesCount];
            long last = -1;
            string output = _owner.OutputColumnName;
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) =>
            {
                long position = input.Position; 
                if (position != last)
                {
                    if (position != last + 1)
                        ThrowHelper.RowValue(output, position,
                            $"the forecast was asked after row {last}; {EchoStateForecaster.ComponentName} carries its reservoir from row to row, so read '{output}' at every row, in order, with one cursor");
                    reader.Read(step);
                    forecaster.Observe(state, step);
                    forecaster.Forecast(state, _owner.Horizon, forecast);
                    last = position;
                }
                var editor = VBufferEditor.Create(ref dst, forecast.Length);
                for (int i = 0; i < forecast.Length; i++) editor.Values[i] = (float)forecast[i];
                dst = editor.Commit();
            };
            return [getter];
        }
    }
}
