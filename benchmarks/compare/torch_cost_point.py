#!/usr/bin/python3
"""One point of the cost curves for PyTorch (benchmarks/compare/cost_curves.py runs one process per point).

The model is torch_rnn_bench.py's CharLM with one LSTM layer: V 65, E 64, LSTM 1 x H, linear to V at every step,
cross-entropy over all B*T positions, Adam. Prints one JSON line: training and inference tokens/s (median step after
warm-up) and peak resident memory above the process's baseline (ru_maxrss at the end minus the resident size before
the model was built), in bytes. With --chunk C, training runs truncated BPTT over T/C chunks with the state carried
(detached), as our engine does.
"""
import argparse, json, resource, statistics, time

import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--steps", type=int, default=64)
p.add_argument("--hidden", type=int, default=256)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--chunk", type=int, default=0)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seconds", type=float, default=3.0)
args = p.parse_args()
if args.chunk < 0 or (args.chunk and args.steps % args.chunk):
    p.error(f"--chunk was {args.chunk}; it must be 0 or divide --steps ({args.steps})")
torch.set_num_threads(args.threads)
torch.manual_seed(0)


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


class CharLM(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.emb = nn.Embedding(65, 64)
        self.rnn = nn.LSTM(64, hidden, 1, batch_first=True)
        self.out = nn.Linear(hidden, 65)

    def forward(self, x, state=None):
        h, state = self.rnn(self.emb(x), state)
        return self.out(h), state


baseline = rss_bytes()
length = args.chunk or args.steps
chunks = args.steps // length
model = CharLM(args.hidden)
x = torch.randint(0, 65, (args.batch, length))
y = torch.randint(0, 65, (args.batch, length))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
lossf = nn.CrossEntropyLoss()


def train():
    state = None
    for _ in range(chunks):
        opt.zero_grad(set_to_none=True)
        out, state = model(x, state)
        loss = lossf(out.reshape(-1, 65), y.reshape(-1))
        loss.backward()
        opt.step()
        state = tuple(s.detach() for s in state)


def infer():
    with torch.inference_mode():
        state = None
        for _ in range(chunks):
            _, state = model(x, state)


def median(fn):
    t0 = time.perf_counter()
    calls = 0
    while calls < 2 or time.perf_counter() - t0 < 1.0:
        fn()
        calls += 1
    ts = []
    t_start = time.perf_counter()
    while (len(ts) < 5 or time.perf_counter() - t_start < args.seconds) and len(ts) < 100:
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


model.train()
t_train = median(train)
model.eval()
t_infer = median(infer)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
tokens = args.batch * args.steps
print(json.dumps(dict(engine="torch", steps=args.steps, hidden=args.hidden, batch=args.batch, chunk=args.chunk,
                      threads=args.threads, train_tok_s=tokens / t_train, infer_tok_s=tokens / t_infer,
                      peak_bytes=peak - baseline, torch=torch.__version__)))
