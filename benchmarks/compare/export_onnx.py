#!/usr/bin/python3
"""Export the comparison models to ONNX for the ONNX Runtime route (benchmarks/MLNet.Recurrent.OnnxRoute).

Run with the Debian interpreter (PyTorch 1.13.1):
    /usr/bin/python3 benchmarks/compare/export_onnx.py --out out/compare/onnx [--configs a]

Writes into --out (not committed; the repository ignores /out/):
  infer_<id>.onnx  batch inference of config <id> from torch_rnn_bench.CONFIGS (a by default), fixed shapes
                   tokens int64 [B, T] -> logits float [B, T, V] (LM) or [B, K] (classifier, last step)
  e.onnx           config e: one sequence, tokens int64 [1, 100] -> logits float [1, 2]
  stream_a.onnx    one generation step of the config-a LM with the state carried by the caller:
                   token int64 [1, 1], h float [L, 1, H], c float [L, 1, H] -> logits [1, V], h_out, c_out
  manifest.json    shapes, names and PyTorch reference outputs, so the C# route can check that ONNX Runtime
                   computes what PyTorch computes before it times anything.

Models and configs come from torch_rnn_bench.py (same folder), so both sides time the same networks.
Weights are PyTorch's default initialization under a fixed seed; speed does not depend on their values.
"""
import argparse
import json
import os
import sys
import warnings

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_rnn_bench as bench  # noqa: E402  (parses no arguments when imported)

p = argparse.ArgumentParser()
p.add_argument("--out", default="out/compare/onnx", help="output folder (created)")
p.add_argument("--configs", default="a", help="comma list of batch-inference configs to export (a,b,c,d,f)")
p.add_argument("--opset", type=int, default=14)
args = p.parse_args()

# torch 1.13's exporter warns about LSTM batch sizes (shapes here are fixed, h/c are explicit inputs where it
# matters) and about prim::Constant shape inference; neither affects these graphs.
warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.onnx")


def build(cid):
    c = bench.CONFIGS[cid]
    torch.manual_seed(0)
    if c["kind"] == "lm":
        return bench.CharLM(c["cell"], c["vocab"], c["embed"], c["hidden"], c["layers"]).eval()
    return bench.Classifier(c["cell"], c["vocab"], c["embed"], c["hidden"], c["layers"], c["classes"]).eval()


def export(model, inputs, path, input_names, output_names):
    with torch.no_grad():
        torch.onnx.export(model, inputs, path, input_names=input_names, output_names=output_names,
                          opset_version=args.opset, do_constant_folding=True)
    print(f"wrote {path} ({os.path.getsize(path):,} bytes)")


class Step(nn.Module):
    """One LSTM LM step: the caller owns the state, as a streaming generator does."""

    def __init__(self, lm):
        super().__init__()
        self.lm = lm

    def forward(self, token, h, c):
        y, (h_out, c_out) = self.lm.rnn(self.lm.emb(token), (h, c))
        return self.lm.out(y[:, -1]), h_out, c_out


def flat(t):
    return [float(v) for v in t.reshape(-1)]


def main():
    os.makedirs(args.out, exist_ok=True)
    manifest = {"torch": torch.__version__, "opset": args.opset, "infer": {}}

    for cid in [s for s in args.configs.split(",") if s]:
        if cid not in bench.CONFIGS:
            sys.exit(f"'--configs' contained '{cid}'; it must be one of {','.join(bench.CONFIGS)}.")
        c = bench.CONFIGS[cid]
        model = build(cid)
        g = torch.Generator().manual_seed(1)
        x = torch.randint(0, c["vocab"], (c["batch"], c["seq"]), generator=g)
        export(model, (x,), os.path.join(args.out, f"infer_{cid}.onnx"), ["tokens"], ["logits"])
        with torch.no_grad():
            y = model(x)
        last = y[:, -1] if c["kind"] == "lm" else y  # [B, V] or [B, K]
        manifest["infer"][cid] = dict(file=f"infer_{cid}.onnx", cell=c["cell"], kind=c["kind"], batch=c["batch"],
                                      seq=c["seq"], outputs_per_token=y.shape[-1], tokens=[int(v) for v in x.reshape(-1)],
                                      reference_last_step=flat(last))

    # e: the single-sequence classifier exactly as torch_rnn_bench.run_latency builds it.
    torch.manual_seed(0)
    cls = bench.Classifier("LSTM", 10000, 128, 128, 1, 2).eval()
    g = torch.Generator().manual_seed(2)
    x = torch.randint(0, 10000, (1, 100), generator=g)
    export(cls, (x,), os.path.join(args.out, "e.onnx"), ["tokens"], ["logits"])
    with torch.no_grad():
        manifest["e"] = dict(file="e.onnx", seq=100, tokens=[int(v) for v in x.reshape(-1)], reference=flat(cls(x)))

    # stream: one step of the config-a LM, state in and out.
    a = bench.CONFIGS["a"]
    step = Step(build("a")).eval()
    L, H = a["layers"], a["hidden"]
    tok = torch.zeros((1, 1), dtype=torch.long)
    h = torch.zeros(L, 1, H)
    cst = torch.zeros(L, 1, H)
    export(step, (tok, h, cst), os.path.join(args.out, "stream_a.onnx"), ["token", "h", "c"], ["logits", "h_out", "c_out"])
    generated = []
    with torch.no_grad():
        for _ in range(20):  # greedy generation from token 0 and a zero state
            logits, h, cst = step(tok, h, cst)
            tok = logits.argmax(-1, keepdim=True)
            generated.append(int(tok))
    manifest["stream"] = dict(file="stream_a.onnx", layers=L, hidden=H, vocab=a["vocab"], start_token=0,
                              generated=generated, reference_final_logits=flat(logits))

    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f)
    print(f"wrote {os.path.join(args.out, 'manifest.json')}")


if __name__ == "__main__":
    main()
