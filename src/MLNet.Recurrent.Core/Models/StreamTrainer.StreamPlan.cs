using MLNet.Recurrent.Core.Training;

namespace MLNet.Recurrent.Core.Models;

public sealed partial class StreamTrainer
{
    /// <summary>
    /// Truncated BPTT(k2, k1) over B tracks of a token stream as an <see cref="ITrainingPlan{TBatch}"/>: each step reads
    /// the next k1 steps of every track (re-reading up to k2 - k1 earlier ones from the state saved when they began),
    /// the state is carried between windows, and validation is scored every <c>EvaluateEvery</c> steps and at the end.
    /// </summary>
    private sealed class StreamPlan(StreamTrainer owner, ReadOnlyMemory<int> train, ReadOnlyMemory<int> validation, long trackLength)
        : ITrainingPlan<SequenceBatch>
    {
        private const string PositionKey = "stream.position";

        private readonly StateRing _states = new(owner._options.EffectiveBackpropSteps / owner._options.SequenceLength);
        private long _position;

        public string Kind => StreamTrainer.Kind;

        public long TotalSteps => owner._options.Steps;

        public int Epoch { get; private set; } = 1;

        public bool HasValidation => validation.Length > 1;

        public IReadOnlyList<(string Key, long Value)> Identity =>
        [
            ("data.train_tokens", train.Length), ("data.validation_tokens", validation.Length),
            ("batch_size", owner._options.BatchSize), ("sequence_length", owner._options.SequenceLength),
            ("backprop_steps", owner._options.EffectiveBackpropSteps),
        ];

        public void Start()
        {
            _states.Clear();
            _position = 0;
            Epoch = 1;
        }

        public bool TryNext(long stepsTaken, out SequenceBatch batch)
        {
            batch = owner._batch;
            if (stepsTaken >= owner._options.Steps) return false;
            int k1 = owner._options.SequenceLength, k2 = owner._options.EffectiveBackpropSteps;
            if (_position + k1 > trackLength)
            {
                _position = 0;
                Epoch++;
                _states.Clear();
            }
            // The window re-reads up to k2 - k1 earlier steps from the state saved when it began.
            long start = Math.Max(0, _position + k1 - k2);
            owner.FillTracks(train.Span, trackLength, owner._options.BatchSize, start, (int)(_position + k1 - start), firstTarget: (int)(_position - start));
            batch.InitialState = _states.StartState((int)((_position - start) / k1));
            return true;
        }

        public bool AfterStep(long step)
        {
            _states.SaveEndState(owner._network);
            _position += owner._options.SequenceLength;
            return step % owner._options.EvaluateEvery == 0 || step == owner._options.Steps;
        }

        public EvaluationResult Evaluate() => owner.Evaluate(validation.Span);

        public void Finish()
        {
        }

        public void Save(TrainingCheckpoint checkpoint)
        {
            checkpoint.State.Set(PositionKey, _position);
            _states.Save(checkpoint.State);
        }

        public void Restore(TrainingCheckpoint checkpoint)
        {
            Epoch = checkpoint.Epoch;
            _position = checkpoint.State.GetInt64(PositionKey);
            _states.Load(checkpoint.State);
        }
    }
}
