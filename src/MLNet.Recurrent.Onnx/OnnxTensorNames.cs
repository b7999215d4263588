namespace MLNet.Recurrent.Onnx;

/// <summary>
/// The names of the inputs and outputs of exported models. Dimension letters: B batch, T steps, D features per
/// frame, L layers, dirs directions (1 or 2), H hidden size, K classes (V characters for a character model).
/// </summary>
public static class OnnxTensorNames
{
    /// <summary>Input of a token network: int64 <c>[B, T]</c> token ids (padding: any valid id, e.g. 0).</summary>
    public const string Tokens = "tokens";

    /// <summary>Input of a frame network: float <c>[B, T, D]</c> frames (padding: any finite value).</summary>
    public const string Frames = "frames";

    /// <summary>Input: int32 <c>[B]</c>, each sequence's length in [0, T]; steps past it are ignored.</summary>
    public const string Lengths = "lengths";

    /// <summary>Input of a model with carried state: float <c>[L*dirs, B, H]</c> initial hidden states (zeros to start).</summary>
    public const string InitialHidden = "initial_h";

    /// <summary>Input of an LSTM model with carried state: float <c>[L*dirs, B, H]</c> initial cell states (zeros to start).</summary>
    public const string InitialCell = "initial_c";

    /// <summary>Output: float logits, <c>[B, K]</c> for a pooled network, <c>[B, T, K]</c> for a per-step one (a CRF's emission scores).</summary>
    public const string Logits = "logits";

    /// <summary>Output: the softmax of <see cref="Logits"/> over its last dimension (not written for a CRF output layer).</summary>
    public const string Probabilities = "probabilities";

    /// <summary>
    /// Output of a model whose output layer is a CRF: float <c>[K, K]</c> transition scores, row the previous tag and
    /// column the next (a constant; with <see cref="Logits"/>, the per-step emission scores, it is what Viterbi
    /// decoding needs).
    /// </summary>
    public const string CrfTransitions = "crf_transitions";

    /// <summary>Output of a CRF model: float <c>[K]</c>, the score of a tag path starting in each tag (a constant).</summary>
    public const string CrfStartTransitions = "crf_start_transitions";

    /// <summary>Output of a CRF model: float <c>[K]</c>, the score of a tag path ending in each tag (a constant).</summary>
    public const string CrfEndTransitions = "crf_end_transitions";

    /// <summary>Output of a model with carried state: float <c>[L*dirs, B, H]</c> hidden states after each sequence's last step.</summary>
    public const string FinalHidden = "final_h";

    /// <summary>Output of an LSTM model with carried state: float <c>[L*dirs, B, H]</c> cell states after each sequence's last step.</summary>
    public const string FinalCell = "final_c";
}
