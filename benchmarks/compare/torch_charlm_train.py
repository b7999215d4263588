#!/usr/bin/python3
# The project's reference character-level LSTM (quality parity); the rest of the file is unchanged.
"""Reference character-level LSTM language model in PyTorch, for quality parity.

Trains embedding -> LSTM -> linear on one text file, char-rnn style (the text is cut into `batch`
parallel tracks, read in chunks of `seq` characters, hidden state carried across chunks and
detached: truncated backprop through time), and reports validation bits per character on the last
`--val` fraction of the text after every `--eval-every` steps and at the end.

  apt-get install -y python3-torch libopenblas0-openmp
  /usr/bin/python3 torch_charlm_train.py --text FILE [--steps 2000] [--seed 0]

The defaults are the configuration a managed implementation must match: same data split, same
model, same optimizer, same number of updates, so the two validation bits/char can be set side by side.
"""
import argparse, math, sys, time
import torch, torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--text", required=True)
p.add_argument("--val", type=float, default=0.05, help="last fraction of the text held out")
p.add_argument("--embed", type=int, default=64)
p.add_argument("--hidden", type=int, default=256)
p.add_argument("--layers", type=int, default=2)
p.add_argument("--dropout", type=float, default=0.0)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--seq", type=int, default=64)
p.add_argument("--lr", type=float, default=2e-3)
p.add_argument("--clip", type=float, default=5.0, help="global gradient-norm clip")
p.add_argument("--steps", type=int, default=2000)
p.add_argument("--eval-every", type=int, default=500)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seed", type=int, default=0)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)

text = open(a.text, encoding="utf-8").read()
cut = int(len(text) * (1 - a.val))
chars = sorted(set(text[:cut]))
stoi = {c: i for i, c in enumerate(chars)}
unk = len(chars)                     # characters unseen in training map to one extra symbol
V = len(chars) + 1
enc = lambda s: torch.tensor([stoi.get(c, unk) for c in s], dtype=torch.long)
train, val = enc(text[:cut]), enc(text[cut:])
print(f"chars={len(text):,} train={len(train):,} val={len(val):,} vocab={V}")

class CharLM(nn.Module):
    def __init__(s):
        super().__init__()
        s.emb = nn.Embedding(V, a.embed)
        s.rnn = nn.LSTM(a.embed, a.hidden, a.layers, batch_first=True, dropout=a.dropout if a.layers > 1 else 0)
        s.out = nn.Linear(a.hidden, V)
    def forward(s, x, h=None):
        y, h = s.rnn(s.emb(x), h)
        return s.out(y), h

def tracks(data, B):
    n = (len(data) - 1) // B
    return data[: n * B].view(B, n), data[1 : n * B + 1].view(B, n)

m = CharLM()
opt = torch.optim.Adam(m.parameters(), lr=a.lr)
lossf = nn.CrossEntropyLoss()
X, Y = tracks(train, a.batch)

@torch.no_grad()
def val_bpc():
    m.eval()
    vx, vy = tracks(val, 1)
    h, total, n = None, 0.0, 0
    for i in range(0, vx.shape[1], 256):
        out, h = m(vx[:, i:i+256], h)
        total += nn.functional.cross_entropy(out.reshape(-1, V), vy[:, i:i+256].reshape(-1), reduction="sum").item()
        n += vy[:, i:i+256].numel()
    m.train()
    return total / n / math.log(2)

h, pos, t0 = None, 0, time.time()
for step in range(1, a.steps + 1):
    if pos + a.seq > X.shape[1]:
        pos, h = 0, None
    x, y = X[:, pos:pos+a.seq], Y[:, pos:pos+a.seq]
    pos += a.seq
    if h is not None:
        h = tuple(t.detach() for t in h)
    out, h = m(x, h)
    loss = lossf(out.reshape(-1, V), y.reshape(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_(m.parameters(), a.clip)
    opt.step()
    if step % a.eval_every == 0 or step == a.steps:
        print(f"step {step} train_bpc {loss.item()/math.log(2):.4f} val_bpc {val_bpc():.4f} "
              f"({a.batch*a.seq*step/(time.time()-t0):,.0f} tok/s)", flush=True)
