using MLNet.Recurrent.Core.Models;

namespace MLNet.Recurrent.Core.Training;

public sealed partial class StreamTrainer
{
    /// <summary>
    /// The carried states at the last k2/k1 chunk boundaries, so a window of k2 steps can start from the state
    /// saved when it began. With k2 = k1 it holds one state: the plain char-rnn carry.
    /// </summary>
    private sealed class StateRing(int size, SequenceNetwork network)
    {
        private readonly CarriedState?[] _states = new CarriedState?[size];
        private int _saved;

        public void Clear()
        {
            _saved = 0;
            network.ResetState();
        }

        /// <summary>Sets the network's initial state to the state <paramref name="chunksBack"/> boundaries before the newest one.</summary>
        public void LoadStartState(SequenceNetwork target, int chunksBack)
        {
            // Every save is a window's end state, the state at the current position; the state chunksBack chunks
            // earlier was therefore saved chunksBack saves ago. A window that reaches back to the stream's start
            // begins from the initial state, which is never saved.
            int back = chunksBack;
            if (back >= _saved)
            {
                target.ResetState();
                return;
            }
            target.RestoreCarriedState(_states[(_saved - 1 - back) % _states.Length]!);
        }

        /// <summary>Saves the state at the end of the window just run: the boundary after the newest chunk.</summary>
        public void SaveEndState(SequenceNetwork source)
        {
            int slot = _saved % _states.Length;
            _states[slot] = source.SaveCarriedState(_states[slot]);
            _saved++;
        }
    }
}
