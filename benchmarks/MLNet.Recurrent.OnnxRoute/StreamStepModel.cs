using Microsoft.ML.OnnxRuntime;

namespace MLNet.Recurrent.OnnxRoute;

/// <summary>
/// One generation step of the config-a LM (token, h, c -> logits, h_out, c_out) with the state carried between
/// calls. Two bindings over two preallocated state buffers alternate (A -> B, then B -> A), so the state is fed
/// back without a copy and a step allocates nothing.
/// </summary>
internal sealed class StreamStepModel : IDisposable
{
    readonly InferenceSession _session;
    readonly float[] _hA, _cA, _hB, _cB;
    readonly long[] _token = new long[1];
    readonly OrtValue[] _values;
    readonly OrtIoBinding _aToB, _bToA;
    readonly RunOptions _runOptions = new();
    bool _stateInB;

    /// <summary>Logits [1, V] of the last step.</summary>
    public float[] Logits { get; }

    /// <summary>The token the next step consumes.</summary>
    public long Token { get => _token[0]; set => _token[0] = value; }

    public StreamStepModel(string path, SessionOptions options, int layers, int hidden, int vocab)
    {
        _session = new InferenceSession(path, options);
        long[] stateShape = [layers, 1, hidden];
        _hA = new float[layers * hidden]; _cA = new float[layers * hidden];
        _hB = new float[layers * hidden]; _cB = new float[layers * hidden];
        Logits = new float[vocab];
        var token = OrtValue.CreateTensorValueFromMemory(_token, [1, 1]);
        var logits = OrtValue.CreateTensorValueFromMemory(Logits, [1, vocab]);
        var hA = OrtValue.CreateTensorValueFromMemory(_hA, stateShape);
        var cA = OrtValue.CreateTensorValueFromMemory(_cA, stateShape);
        var hB = OrtValue.CreateTensorValueFromMemory(_hB, stateShape);
        var cB = OrtValue.CreateTensorValueFromMemory(_cB, stateShape);
        _values = [token, logits, hA, cA, hB, cB];
        _aToB = Bind(token, logits, hA, cA, hB, cB);
        _bToA = Bind(token, logits, hB, cB, hA, cA);
    }

    OrtIoBinding Bind(OrtValue token, OrtValue logits, OrtValue h, OrtValue c, OrtValue hOut, OrtValue cOut)
    {
        var b = _session.CreateIoBinding();
        b.BindInput("token", token);
        b.BindInput("h", h);
        b.BindInput("c", c);
        b.BindOutput("logits", logits);
        b.BindOutput("h_out", hOut);
        b.BindOutput("c_out", cOut);
        return b;
    }

    /// <summary>Zero state; the next step starts a new sequence.</summary>
    public void Reset()
    {
        Array.Clear(_hA); Array.Clear(_cA); Array.Clear(_hB); Array.Clear(_cB);
        _stateInB = false;
    }

    /// <summary>Consumes <see cref="Token"/>, updates the state and sets <see cref="Token"/> to the greedy choice.</summary>
    public void Step()
    {
        _session.RunWithBinding(_runOptions, _stateInB ? _bToA : _aToB);
        _stateInB = !_stateInB;
        int best = 0;
        for (int v = 1; v < Logits.Length; v++)
            if (Logits[v] > Logits[best]) best = v;
        _token[0] = best;
    }

    public void Dispose()
    {
        _aToB.Dispose();
        _bToA.Dispose();
        foreach (var v in _values) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
