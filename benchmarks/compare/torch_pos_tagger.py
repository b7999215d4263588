#!/usr/bin/python3
# compare: the project's reference BiLSTM tagger (shared/reference/torch_pos_tagger.py, whose measured figures are in
# that folder's RESULTS.md), copied into benchmarks/compare/ for the side-by-side training-speed run (tasks.sh);
# unchanged except for the lines marked "compare:": --data defaults to the repository's data/brown_pos, and --json
# writes the training time and tokens (training loop only) as machine-readable output.
"""Reference BiLSTM part-of-speech tagger in PyTorch, for quality parity.

Data: shared/data/brown_pos/brown.conll, one `token<TAB>tag` a line, a blank line between sentences
(57,340 sentences, 1,161,192 tokens, 472 distinct tags). Sentences are numbered i = 0, 1, 2, ... in
file order (no shuffling of the file) and split by index:
  i % 10 == 9 -> test (5,734 sentences), i % 10 == 8 -> validation (5,734), else train (45,872).

Tags. --tagset full: the tags exactly as written (472; the output layer has all 472, sorted by
ordinal string order, even the few that never occur in train). --tagset base (default), applied to
each tag t in this order:
  1. a tag beginning with "--" (the dash tag "--", and "---hl") becomes "--";
  2. otherwise everything from the first '-' on is dropped: the -tl (title), -hl (headline), -nc
     (cited) suffixes and the fw- (foreign word) prefix, so "nn-tl-hl" -> "nn", "fw-in+at-tl" -> "fw";
  3. a compound tag (contractions, '+') keeps its first part: "ppss+md" (I'll) -> "ppss";
  4. '*' (negation, "wasn't" bedz*) is deleted unless the tag is "*" itself (the word "not").
  That leaves 93 base tags in this file, listed in RESULTS.md (167 if step 3 were left out).

Words keep their case. The vocabulary is <pad> = 0, <unk> = 1, then every training word form seen at
least twice in train, by descending count then ordinal string order; every other word (seen once in
train, or never) is <unk> in train, validation and test alike, so the model learns an <unk> vector.

Model: Embedding(V, 100) -> 1-layer bidirectional LSTM, 128 per direction, run over each sentence's
real tokens only (packed: the backward direction starts at the sentence's last token, never at
padding) -> Linear(256 -> tags). No dropout; PyTorch's default initialisation. Loss: cross-entropy
averaged over the real tokens of a batch (padding masked). Adam lr 1e-3 (betas 0.9/0.999, eps 1e-8),
global gradient-norm clip 5, batch 32 sentences, 5 epochs. Each epoch visits the training sentences
in the order torch.randperm(n_train) from one torch.Generator seeded with --seed (one permutation per
epoch, drawn in turn); consecutive runs of 32 form the batches, the last one shorter.

Reported: per epoch the training loss (mean per token over the epoch), validation token accuracy and
training tokens/s; at the end test token accuracy; accuracy on the test tokens that are <unk> (word
not in the vocabulary: seen < 2 times in train) and on those never seen in train; and the
most-frequent-tag baseline on the same test tokens: each word form (case kept) gets the tag it
carries most often in train (a tie goes to the tag more frequent in all of train, then the ordinally
smaller tag), and a word never seen in train gets the most frequent training tag overall.

  apt-get install -y python3-torch libopenblas0-openmp
  /usr/bin/python3 torch_pos_tagger.py [--data brown.conll] [--tagset base|full] [--threads 1] [--seed 0]

The defaults are the configuration a managed implementation must match: same split, vocabulary,
tag set, model, optimizer and number of updates, so the test accuracies can be set side by side.
"""
import argparse, collections, json, os, sys, time  # compare: json
import torch, torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

here = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("--data", default=os.path.join(here, "..", "..", "data", "brown_pos", "brown.conll"))  # compare: the repository's data/
p.add_argument("--tagset", choices=["base", "full"], default="base")
p.add_argument("--embed", type=int, default=100)
p.add_argument("--hidden", type=int, default=128, help="per direction")
p.add_argument("--min-count", type=int, default=2, help="training count a word needs to get its own embedding")
p.add_argument("--batch", type=int, default=32, help="sentences per batch")
p.add_argument("--lr", type=float, default=1e-3)
p.add_argument("--clip", type=float, default=5.0, help="global gradient-norm clip")
p.add_argument("--epochs", type=int, default=5)
p.add_argument("--limit", type=int, default=0, help="smoke test: read only the first N sentences (0 = all)")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--json", default="", help="compare: write the training time and tokens to this file")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)


def base_tag(t):
    if t.startswith("--"):
        return "--"
    t = t.split("-")[0].split("+")[0]
    return t if t == "*" else t.replace("*", "")


# ---- data -------------------------------------------------------------------------------------
sents, cur = [], []
for line in open(a.data, encoding="utf-8"):
    line = line.rstrip("\n")
    if not line:
        if cur:
            sents.append(cur)
            cur = []
        if a.limit and len(sents) >= a.limit:
            break
        continue
    w, t = line.split("\t")
    cur.append((w, t if a.tagset == "full" else base_tag(t)))
if cur and not (a.limit and len(sents) >= a.limit):
    sents.append(cur)
split = {"train": [], "val": [], "test": []}
for i, s in enumerate(sents):
    split["test" if i % 10 == 9 else "val" if i % 10 == 8 else "train"].append(s)

tags = sorted({t for s in sents for _, t in s})
ttoi = {t: i for i, t in enumerate(tags)}
wcount = collections.Counter(w for s in split["train"] for w, _ in s)
words = sorted((w for w, c in wcount.items() if c >= a.min_count), key=lambda w: (-wcount[w], w))
wtoi = {w: i + 2 for i, w in enumerate(words)}      # 0 = <pad>, 1 = <unk>
V, T = len(words) + 2, len(tags)


def encode(ss):
    return [(torch.tensor([wtoi.get(w, 1) for w, _ in s]), torch.tensor([ttoi[t] for _, t in s])) for s in ss]


data = {k: encode(v) for k, v in split.items()}
ntok = {k: sum(len(s) for s in v) for k, v in split.items()}
train_tags = collections.Counter(t for s in split["train"] for _, t in s)
print(f"sentences: train {len(split['train']):,} val {len(split['val']):,} test {len(split['test']):,}; "
      f"tokens: train {ntok['train']:,} val {ntok['val']:,} test {ntok['test']:,}")
test_unk = sum(1 for s in split["test"] for w, _ in s if w not in wtoi)
test_unseen = sum(1 for s in split["test"] for w, _ in s if w not in wcount)
print(f"tagset {a.tagset}: {T} tags ({len(train_tags)} occur in train); word types in train {len(wcount):,}; "
      f"vocabulary {V:,} (<pad>, <unk> + {len(words):,} words seen >= {a.min_count}x); "
      f"test tokens <unk> {test_unk:,} ({100*test_unk/ntok['test']:.2f}%), never seen in train {test_unseen:,} "
      f"({100*test_unseen/ntok['test']:.2f}%)", flush=True)


# ---- model ------------------------------------------------------------------------------------
class Tagger(nn.Module):
    def __init__(s):
        super().__init__()
        s.emb = nn.Embedding(V, a.embed, padding_idx=0)
        s.rnn = nn.LSTM(a.embed, a.hidden, 1, batch_first=True, bidirectional=True)  # gates i, f, g, o
        s.out = nn.Linear(2 * a.hidden, T)

    def forward(s, x, lengths):                      # x: (B, L) padded word ids -> (B, L, T)
        packed = pack_padded_sequence(s.emb(x), lengths, batch_first=True, enforce_sorted=False)
        y, _ = s.rnn(packed)
        y, _ = pad_packed_sequence(y, batch_first=True, total_length=x.shape[1])
        return s.out(y)


def batchify(items):
    x = pad_sequence([w for w, _ in items], batch_first=True, padding_value=0)
    y = pad_sequence([t for _, t in items], batch_first=True, padding_value=-1)
    return x, y, torch.tensor([len(w) for w, _ in items])


m = Tagger()
print(f"parameters {sum(q.numel() for q in m.parameters()):,}", flush=True)
opt = torch.optim.Adam(m.parameters(), lr=a.lr)
gen = torch.Generator().manual_seed(a.seed)


@torch.no_grad()
def predict(items):
    m.eval()
    out = []
    for i in range(0, len(items), 256):
        x, y, n = batchify(items[i:i + 256])
        pred = m(x, n).argmax(-1)
        out += [pred[j, :n[j]] for j in range(len(n))]
    m.train()
    return out


def accuracy(items, preds):
    return sum(int((p == t).sum()) for (_, t), p in zip(items, preds)) / sum(len(t) for _, t in items)


train_time = 0.0
for epoch in range(1, a.epochs + 1):
    perm = torch.randperm(len(data["train"]), generator=gen).tolist()
    t0, loss_sum, tok = time.time(), 0.0, 0
    for b in range(0, len(perm), a.batch):
        x, y, n = batchify([data["train"][k] for k in perm[b:b + a.batch]])
        logits = m(x, n)
        mask = y >= 0
        loss = nn.functional.cross_entropy(logits[mask], y[mask])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(m.parameters(), a.clip)
        opt.step()
        loss_sum += loss.item() * int(mask.sum())
        tok += int(mask.sum())
    dt = time.time() - t0
    train_time += dt
    val_acc = accuracy(data["val"], predict(data["val"]))
    print(f"epoch {epoch} train_loss {loss_sum/tok:.4f} val_acc {100*val_acc:.2f}% "
          f"({tok/dt:,.0f} train tok/s, {dt:.0f} s)", flush=True)

# ---- final evaluation on test ------------------------------------------------------------------
preds = predict(data["test"])
test_acc = accuracy(data["test"], preds)
hit = collections.Counter()
for s, (_, t), pr in zip(split["test"], data["test"], preds):
    for (w, _), tt, pp in zip(s, t.tolist(), pr.tolist()):
        for k in ("all", "unk" if w not in wtoi else None, "unseen" if w not in wcount else None):
            if k:
                hit[k + "_n"] += 1
                hit[k] += tt == pp

# most-frequent-tag baseline
per_word = collections.defaultdict(collections.Counter)
for s in split["train"]:
    for w, t in s:
        per_word[w][t] += 1
best = {w: min(c, key=lambda t: (-c[t], -train_tags[t], t)) for w, c in per_word.items()}
top = min(train_tags, key=lambda t: (-train_tags[t], t))
base = collections.Counter()
for s in split["test"]:
    for w, t in s:
        ok = best.get(w, top) == t
        base["all"] += ok
        base["unk"] += ok and w not in wtoi
        base["unseen"] += ok and w not in wcount

pct = lambda k, d: f"{100*d[k]/hit[k+'_n']:.2f}%" if hit[k + "_n"] else "n/a"
print(f"test: token accuracy {100*test_acc:.2f}% ({ntok['test']:,} tokens); "
      f"<unk> tokens {pct('unk', hit)} (n={hit['unk_n']:,}); never-seen tokens {pct('unseen', hit)} (n={hit['unseen_n']:,})")
print(f"baseline most-frequent-tag (default tag '{top}'): test accuracy {pct('all', base)}; "
      f"<unk> tokens {pct('unk', base)}; never-seen tokens {pct('unseen', base)}")
print(f"training: {a.epochs} epochs, {ntok['train']*a.epochs:,} tokens in {train_time:.0f} s = "
      f"{ntok['train']*a.epochs/train_time:,.0f} tok/s (threads {a.threads})", flush=True)
# compare: machine-readable timing. Tokens are the word tokens of train times epochs; seconds are the sum of the
# epochs' training loops (batching, forward, loss, backward, clipping, Adam), without data loading, vocabulary
# building or the per-epoch validation.
if a.json:
    with open(a.json, "w") as f:
        json.dump(dict(engine="torch", task="pos", version=f"torch {torch.__version__}", epochs=a.epochs, limit=a.limit,
                       threads=a.threads, torch_num_threads=torch.get_num_threads(),
                       torch_num_interop_threads=torch.get_num_interop_threads(),
                       env={k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_WAIT_POLICY")},
                       train_sentences=len(split["train"]), vocabulary=V, tags=T,
                       train_tokens=ntok["train"] * a.epochs, train_seconds=train_time,
                       train_tok_s=ntok["train"] * a.epochs / train_time, test_accuracy=test_acc), f, indent=1)
