using static MLNet.Recurrent.Onnx.Internals.OnnxGraphBuilder;

namespace MLNet.Recurrent.Onnx.Internals;

/// <summary>
/// ML.NET key values to the network's token ids inside the graph, as <c>SequenceInput</c> maps them: key k (1-based;
/// 0 = missing) reads as <c>tokenIds[k]</c>, and keys beyond the N seen at training read as the unknown id 0.
/// </summary>
internal static class KeyInput
{
    /// <param name="g">The graph being built.</param>
    /// <param name="keys">Int64 <c>[B, T]</c> raw key values.</param>
    /// <param name="tokenIds">[N + 1]: the network id of key k at index k (index 0, the missing key, holds 0).</param>
    /// <returns>Int64 <c>[B, T]</c> network ids.</returns>
    public static string ToTokenIds(OnnxGraphBuilder g, string keys, int[] tokenIds)
    {
        // One entry past key N holds 0, so capping every key at N + 1 sends the keys beyond N to the unknown id.
        var table = new long[tokenIds.Length + 1];
        for (int k = 0; k < tokenIds.Length; k++) table[k] = tokenIds[k];
        string capped = g.Node("Min", "keys_capped", [keys, g.Int64Scalar("last_key", tokenIds.Length)]);
        return g.Node("Gather", "token_ids", [g.Int64s("key_to_id", table, table.Length), capped], Int("axis", 0));
    }
}
