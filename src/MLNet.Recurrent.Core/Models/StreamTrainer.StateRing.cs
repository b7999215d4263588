using MLNet.Recurrent.Core.Serialization;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class StreamTrainer
{
    /// <summary>
    /// The carried states at the last k2/k1 chunk boundaries, so a window of k2 steps can start from the state
    /// saved when it began. With k2 = k1 it holds one state: the plain char-rnn carry.
    /// </summary>
    private sealed class StateRing(int size)
    {
        private readonly CarriedState?[] _states = new CarriedState?[size];
        private int _saved;

        public void Clear() => _saved = 0;

        /// <summary>
        /// The state <paramref name="chunksBack"/> boundaries before the newest one, or null for the initial state.
        /// </summary>
        public CarriedState? StartState(int chunksBack)
        {
            // Every save is a window's end state, the state at the current position; the state chunksBack chunks
            // earlier was therefore saved chunksBack saves ago. A window that reaches back to the stream's start
            // begins from the initial state, which is never saved.
            return chunksBack >= _saved ? null : _states[(_saved - 1 - chunksBack) % _states.Length]!;
        }

        /// <summary>How many states are held (k2 / k1): the ring's memory does not grow with the stream.</summary>
        public int Capacity => _states.Length;

        /// <summary>Records the ring (how many saves so far and every held state) in a checkpoint's state.</summary>
        public void Save(ConfigurationMap state)
        {
            state.Set("ring.saved", _saved);
            for (int i = 0; i < _states.Length; i++) SaveState(state, $"ring.{i}.", _states[i]);
        }

        /// <summary>Takes back what <see cref="Save"/> recorded.</summary>
        public void Load(ConfigurationMap state)
        {
            _saved = state.GetInt32("ring.saved");
            for (int i = 0; i < _states.Length; i++)
                _states[i] = i < _saved ? LoadState(state, $"ring.{i}.", _states[i]) : null;
        }

        /// <summary>Saves the state at the end of the window just run: the boundary after the newest chunk.</summary>
        public void SaveEndState(SequenceNetwork source)
        {
            int slot = _saved % _states.Length;
            _states[slot] = source.SaveFinalState(_states[slot]);
            _saved++;
        }

        /// <summary>Stores a carried state (shape and values of hidden and cell) under <paramref name="prefix"/>.</summary>
        private static void SaveState(ConfigurationMap state, string prefix, CarriedState? carried)
        {
            bool has = carried is { HasState: true };
            state.Set(prefix + "has_state", has);
            if (!has) return;
            state.Set(prefix + "hidden_shape", carried!.Hidden.Shape);
            state.Set(prefix + "hidden", (ReadOnlySpan<float>)carried.Hidden.Span);
            state.Set(prefix + "cell_shape", carried.Cell.Shape);
            state.Set(prefix + "cell", (ReadOnlySpan<float>)carried.Cell.Span);
        }

        /// <summary>Reads a carried state stored by <see cref="SaveState"/> into <paramref name="into"/> (or a new one).</summary>
        private static CarriedState LoadState(ConfigurationMap state, string prefix, CarriedState? into)
        {
            into ??= new CarriedState();
            into.HasState = state.GetBoolean(prefix + "has_state");
            if (!into.HasState) return into;
            into.Hidden.Resize(state.GetInt32Array(prefix + "hidden_shape"));
            state.GetSingleArray(prefix + "hidden").CopyTo(into.Hidden.Span);
            into.Cell.Resize(state.GetInt32Array(prefix + "cell_shape"));
            state.GetSingleArray(prefix + "cell").CopyTo(into.Cell.Span);
            return into;
        }
    }
}