using MLNet.Recurrent.Core.Internals;
using MLNet.Recurrent.Core.Numerics;

namespace MLNet.Recurrent.Core.Layers;

public sealed partial class RecurrentLayer
{
    // Internally the batch is sorted by length, longest first (stable), as PyTorch's pack_padded_sequence does: the
    // sequences running at time t are then rows 0.._running[t]-1 and each step's recurrent GEMM covers only them.
    // Inputs are gathered into that order on the way in and results scattered back on the way out.
    private void SortBatch(ReadOnlySpan<int> lengths, int steps, int batch)
    {
        if (!lengths.IsEmpty && lengths.Length != batch)
            ThrowHelper.Argument(nameof(lengths), $"length {lengths.Length}", $"it must be empty or hold one length per sequence ({batch})");
        for (int b = 0; b < lengths.Length; b++)
        {
            if ((uint)lengths[b] > (uint)steps) ThrowHelper.OutOfRange($"lengths[{b}]", lengths[b], $"it must be in [0, {steps}]");
        }
        if (_order.Length < batch)
        {
            _order = new int[batch];
            _sortedLengths = new int[batch];
        }
        if (_running.Length < steps) _running = new int[steps];
        for (int b = 0; b < batch; b++)
        {
            // Insertion sort: stable, allocation-free, and linear when the batch is already sorted (bucketed).
            int length = lengths.IsEmpty ? steps : lengths[b];
            int j = b;
            while (j > 0 && _sortedLengths[j - 1] < length)
            {
                _sortedLengths[j] = _sortedLengths[j - 1];
                _order[j] = _order[j - 1];
                j--;
            }
            _sortedLengths[j] = length;
            _order[j] = b;
        }
        int running = batch;
        for (int t = 0; t < steps; t++)
        {
            while (running > 0 && _sortedLengths[running - 1] <= t) running--;
            _running[t] = running;
        }
        _steps = steps;
        _batch = batch;
    }

    /// <summary><c>destination[t, j, :] = source[t, _order[j], :]</c>: original batch order to sorted.</summary>
    private void GatherRows(Span<float> destination, ReadOnlySpan<float> source, int steps, int batch, int width)
    {
        for (int t = 0; t < steps; t++)
        {
            for (int j = 0; j < batch; j++)
                source.Slice((t * batch + _order[j]) * width, width).CopyTo(destination.Slice((t * batch + j) * width, width));
        }
    }

    /// <summary><c>destination[t, _order[j], :] = source[t, j, :]</c>: sorted batch order back to original.</summary>
    private void ScatterRows(Span<float> destination, ReadOnlySpan<float> source, int steps, int batch, int width)
    {
        for (int t = 0; t < steps; t++)
        {
            for (int j = 0; j < batch; j++)
                source.Slice((t * batch + j) * width, width).CopyTo(destination.Slice((t * batch + _order[j]) * width, width));
        }
    }

    private static void CheckShape(Tensor? tensor, string name, params ReadOnlySpan<int> shape)
    {
        if (tensor is null) return;
        bool ok = tensor.Rank == shape.Length;
        for (int i = 0; ok && i < shape.Length; i++) ok = tensor.Dim(i) == shape[i];
        if (!ok) ThrowHelper.Argument(name, tensor.ToString(), $"it must have shape [{string.Join(", ", shape.ToArray())}]");
    }
}
