using System.Runtime.InteropServices;
using MLNet.Recurrent.Core.Internals;

namespace MLNet.Recurrent.Core.Parameters;

/// <summary>
/// A seeded <see cref="Random"/> whose whole state can be read and restored (xoshiro256**, seeded by SplitMix64),
/// so a training loop that draws its shuffles and dropout masks from it can resume from a checkpoint
/// bit-identically. Every virtual member of <see cref="Random"/> is overridden, so <see cref="Random.Shuffle{T}(Span{T})"/>
/// and the like draw from this generator too. Not thread-safe; the same seed gives the same numbers on every machine.
/// </summary>
public sealed class DeterministicRandom : Random
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator from a seed.</summary>
    /// <param name="seed">Any value; equal seeds give equal sequences.</param>
    public DeterministicRandom(long seed) : base(0)
    {
        ulong x = (ulong)seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The number of 64-bit words in <see cref="GetState"/>.</summary>
    public const int StateLength = 4;

    /// <summary>A copy of the generator's state.</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3];

    /// <summary>Restores a state taken by <see cref="GetState"/>; the next numbers are the ones that followed it.</summary>
    /// <param name="state">Four words, not all zero.</param>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != StateLength) ThrowHelper.Argument(nameof(state), $"length {state.Length}", $"it must hold {StateLength} words");
        if ((state[0] | state[1] | state[2] | state[3]) == 0) ThrowHelper.Argument(nameof(state), "all zero", "xoshiro256** cannot leave the all-zero state");
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <inheritdoc/>
    public override int Next() => (int)Bounded(int.MaxValue);

    /// <inheritdoc/>
    public override int Next(int maxValue)
    {
        if (maxValue < 0) ThrowHelper.OutOfRange(nameof(maxValue), maxValue, "it must be zero or positive");
        return maxValue == 0 ? 0 : (int)Bounded((ulong)maxValue);
    }

    /// <inheritdoc/>
    public override int Next(int minValue, int maxValue)
    {
        if (minValue > maxValue) ThrowHelper.OutOfRange(nameof(minValue), minValue, $"it must not exceed maxValue ({maxValue})");
        ulong range = (ulong)((long)maxValue - minValue);
        return range == 0 ? minValue : (int)(minValue + (long)Bounded(range));
    }

    /// <inheritdoc/>
    public override long NextInt64() => (long)Bounded(long.MaxValue);

    /// <inheritdoc/>
    public override long NextInt64(long maxValue)
    {
        if (maxValue < 0) ThrowHelper.OutOfRange(nameof(maxValue), maxValue, "it must be zero or positive");
        return maxValue == 0 ? 0 : (long)Bounded((ulong)maxValue);
    }

    /// <inheritdoc/>
    public override long NextInt64(long minValue, long maxValue)
    {
        if (minValue > maxValue) ThrowHelper.OutOfRange(nameof(minValue), minValue, $"it must not exceed maxValue ({maxValue})");
        ulong range = unchecked((ulong)(maxValue - minValue));
        return range == 0 ? minValue : unchecked(minValue + (long)Bounded(range));
    }

    /// <inheritdoc/>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <inheritdoc/>
    public override float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <inheritdoc/>
    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }

    /// <inheritdoc/>
    public override void NextBytes(Span<byte> buffer)
    {
        while (buffer.Length >= 8)
        {
            ulong v = NextUInt64();
            MemoryMarshal.Write(buffer, in v);
            buffer = buffer[8..];
        }
        if (buffer.Length > 0)
        {
            ulong v = NextUInt64();
            for (int i = 0; i < buffer.Length; i++) buffer[i] = (byte)(v >> (8 * i));
        }
    }

    /// <inheritdoc/>
    protected override double Sample() => NextDouble();

    /// <summary>A uniform integer in [0, bound), without modulo bias (Lemire's multiply-and-reject).</summary>
    private ulong Bounded(ulong bound)
    {
        UInt128 m = (UInt128)NextUInt64() * bound;
        ulong low = (ulong)m;
        if (low < bound)
        {
            ulong threshold = (0 - bound) % bound;
            while (low < threshold)
            {
                m = (UInt128)NextUInt64() * bound;
                low = (ulong)m;
            }
        }
        return (ulong)(m >> 64);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
