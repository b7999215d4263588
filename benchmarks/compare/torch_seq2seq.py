#!/usr/bin/python3
# compare: the project's reference attention translator (shared/reference/torch_seq2seq.py, whose measured figures are
# in that folder's RESULTS.md), copied into benchmarks/compare/ with mt_metrics.py for the side-by-side training-speed
# run (tasks.sh); unchanged except for the lines marked "compare:": --data defaults to the repository's
# data/bible_en_es, the metric self-check reads the repository's tests/fixtures/metric_vectors.json (the same file),
# and --json writes the training time and tokens (training loop only) and the greedy latency of one 20-word sentence.
"""Reference English->Spanish attention translator in PyTorch, for quality parity.

Data: shared/data/bible_en_es/pairs.tsv, `ref<TAB>en<TAB>es` with a header line (31,077 verse pairs).
A pair is kept when its English AND its Spanish side are each at most --max-chars (80) characters
(Python string length, i.e. Unicode code points; the file is NFC with no combining marks): 5,721
pairs. Kept pairs are numbered k = 0, 1, 2, ... in file order and split by index:
  k % 20 == 19 -> test (286 pairs), k % 20 == 18 -> validation (286), else train (5,149).

Tokens: each side is lowercased (str.lower) and cut with the regex \\w+|[^\\w\\s] (Unicode \\w: runs
of letters/digits/underscore are words; every other non-space character is a token of its own, so
"God's" -> god ' s, "¿Quién" -> ¿ quién). One vocabulary per language, from the training split
only: <pad> = 0, <unk> = 1, <s> = 2, </s> = 3, then every token seen at least --min-count (2) times
in train, by descending count then ordinal string order; anything else is <unk>. The source is its
tokens alone; the decoder reads <s> y1 .. yn and is trained to emit y1 .. yn </s>.

Model (E = 128, H = 256):
  encoder: Embedding(Vsrc, E) -> 1-layer bidirectional LSTM, H per direction, over the real tokens
           only (packed) -> annotations enc_j (2H), final states (h_fwd, h_bwd), (c_fwd, c_bwd);
  init:    h_0 = tanh(W_h [h_fwd; h_bwd] + b_h),  c_0 = W_c [c_fwd; c_bwd] + b_c   (2H -> H each);
  step t:  x_t = [Embedding_tgt(y_{t-1}) (E); ctx_{t-1} (2H)]          (input feeding, ctx_0 = 0)
           h_t, c_t = LSTMCell(x_t, (h_{t-1}, c_{t-1}))                 (gates i, f, g, o)
           e_tj = v . tanh(W_q h_t + W_k enc_j + b_k),  padding masked  (additive / Bahdanau, A = H)
           a_t = softmax_j(e_tj),  ctx_t = sum_j a_tj enc_j
           o_t = tanh(W_o [h_t; ctx_t] + b_o) (H),  logits_t = W_out o_t + b_out (Vtgt)
  No dropout; PyTorch's default initialisation; W_q and v have no bias.
Training: teacher forcing at every step; loss = cross-entropy averaged over the real target tokens
of a batch (</s> included, padding masked); Adam lr 1e-3, global gradient-norm clip 5, batch 64
pairs, --epochs 15 (or stop after the epoch in which --minutes of training time run out). Each epoch
visits train in the order torch.randperm(n_train) from one torch.Generator seeded with --seed (one
permutation per epoch, drawn in turn); consecutive runs of 64 form the batches, the last shorter.
The model after the last epoch is the one evaluated (no early stopping).

Decoding (at most 2 * source length + 10 tokens):
  greedy: argmax at every step until </s>;
  beam (width 5): at each step every live hypothesis is extended by every token, and the 5 best
  extensions by summed log-probability are kept; an extension ending in </s> moves to the finished
  list with score = summed log-prob / its length in tokens (</s> included), the others stay live;
  stop when 5 hypotheses have finished (or none is live, or the length limit is reached, when the
  live ones are finished as they stand, divided by their length). Output = best finished score.

Metrics on test, computed by mt_metrics.py (sacreBLEU 2.x's algorithms, checked against its test
vectors in metric_vectors.json): the hypothesis is the output tokens joined with single spaces,
the unknown token written "UNK" (upper case, so it matches nothing in a lowercased reference, and
one token under 13a, which would cut "<unk>" into "< unk >"); the reference is the Spanish side
lowercased and tokenized as above, joined with single spaces (original words, no <unk>). Corpus BLEU with sacreBLEU's defaults
(13a tokenization, 4-grams, brevity penalty, 'exp' smoothing, which changes nothing unless an
n-gram order has no match), chrF2 (character 6-grams, beta 2, whitespace removed) and the rate of
outputs exactly equal to their reference string. Per epoch: train loss, validation loss
(teacher-forced, per token) and perplexity, validation greedy BLEU.

  apt-get install -y python3-torch libopenblas0-openmp
  /usr/bin/python3 torch_seq2seq.py [--epochs 15] [--minutes 0] [--threads 1] [--seed 0]

The defaults are the configuration a managed implementation must match: same data, split,
vocabularies, model, optimizer, number of updates and decoders, so the test scores can be compared.
"""
import argparse, collections, json, os, re, statistics, sys, time  # compare: json, statistics
import torch, torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import mt_metrics                                             # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--data", default=os.path.join(here, "..", "..", "data", "bible_en_es", "pairs.tsv"))  # compare: the repository's data/
p.add_argument("--max-chars", type=int, default=80, help="keep pairs whose two sides are both this short")
p.add_argument("--min-count", type=int, default=2)
p.add_argument("--embed", type=int, default=128)
p.add_argument("--hidden", type=int, default=256, help="encoder per direction, decoder, attention")
p.add_argument("--batch", type=int, default=64)
p.add_argument("--lr", type=float, default=1e-3)
p.add_argument("--clip", type=float, default=5.0, help="global gradient-norm clip")
p.add_argument("--epochs", type=int, default=15)
p.add_argument("--minutes", type=float, default=0, help="also stop after the epoch that passes this much training time (0 = off)")
p.add_argument("--beam", type=int, default=5)
p.add_argument("--limit", type=int, default=0, help="smoke test: keep only the first N kept pairs (0 = all)")
p.add_argument("--save-outputs", default="", help="folder to write test sources, references and outputs to")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--json", default="", help="compare: write the training time and tokens and the greedy latency to this file")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
PAD, UNK, BOS, EOS = 0, 1, 2, 3

ok, bad = mt_metrics.check_vectors(os.path.join(here, "..", "..", "tests", "fixtures", "metric_vectors.json"))  # compare: the repository's copy
print(f"metric self-check against sacreBLEU's test vectors: {ok} passed, {bad} failed")
if bad:
    sys.exit("mt_metrics.py disagrees with sacreBLEU's test vectors")

# ---- data -------------------------------------------------------------------------------------
rows = [l.rstrip("\n").split("\t") for l in open(a.data, encoding="utf-8")][1:]
kept = [(en, es) for _, en, es in rows if len(en) <= a.max_chars and len(es) <= a.max_chars]
if a.limit:
    kept = kept[:a.limit]
split = {"train": [], "val": [], "test": []}
for k, pair in enumerate(kept):
    split["test" if k % 20 == 19 else "val" if k % 20 == 18 else "train"].append(pair)
TOKEN = re.compile(r"\w+|[^\w\s]")
tok = lambda s: TOKEN.findall(s.lower())


def vocab(sents):
    c = collections.Counter(w for s in sents for w in tok(s))
    ws = sorted((w for w, n in c.items() if n >= a.min_count), key=lambda w: (-c[w], w))
    return ["<pad>", "<unk>", "<s>", "</s>"] + ws, len(c)


src_words, src_types = vocab(e for e, _ in split["train"])
tgt_words, tgt_types = vocab(s for _, s in split["train"])
stoi_src = {w: i for i, w in enumerate(src_words)}
stoi_tgt = {w: i for i, w in enumerate(tgt_words)}
Vs, Vt = len(src_words), len(tgt_words)


def encode(pairs):
    return [(torch.tensor([stoi_src.get(w, UNK) for w in tok(en)]),
             torch.tensor([BOS] + [stoi_tgt.get(w, UNK) for w in tok(es)] + [EOS])) for en, es in pairs]


data = {k: encode(v) for k, v in split.items()}
print(f"pairs: file {len(rows):,}, kept (en and es <= {a.max_chars} chars) {len(kept):,}: "
      f"train {len(split['train']):,} val {len(split['val']):,} test {len(split['test']):,}")
for k in data:
    print(f"  {k}: source tokens {sum(len(s) for s, _ in data[k]):,}, target tokens "
          f"{sum(len(t) - 2 for _, t in data[k]):,} (+ </s> each), source <unk> "
          f"{sum(int((s == UNK).sum()) for s, _ in data[k]):,}, target <unk> {sum(int((t == UNK).sum()) for _, t in data[k]):,}")
print(f"vocabulary: English {Vs:,} (4 specials + {Vs-4:,} of {src_types:,} training types seen >= {a.min_count}x), "
      f"Spanish {Vt:,} (4 + {Vt-4:,} of {tgt_types:,})", flush=True)


# ---- model ------------------------------------------------------------------------------------
class Seq2Seq(nn.Module):
    def __init__(s, E, H):
        super().__init__()
        s.src_emb = nn.Embedding(Vs, E, padding_idx=PAD)
        s.enc = nn.LSTM(E, H, 1, batch_first=True, bidirectional=True)
        s.init_h, s.init_c = nn.Linear(2 * H, H), nn.Linear(2 * H, H)
        s.tgt_emb = nn.Embedding(Vt, E, padding_idx=PAD)
        s.cell = nn.LSTMCell(E + 2 * H, H)
        s.att_k = nn.Linear(2 * H, H)
        s.att_q = nn.Linear(H, H, bias=False)
        s.att_v = nn.Linear(H, 1, bias=False)
        s.comb = nn.Linear(H + 2 * H, H)
        s.out = nn.Linear(H, Vt)

    def encode(s, x, n):
        """x (B, S) padded source ids, n (B,) lengths -> memory for step()."""
        packed = pack_padded_sequence(s.src_emb(x), n, batch_first=True, enforce_sorted=False)
        y, (h, c) = s.enc(packed)
        enc, _ = pad_packed_sequence(y, batch_first=True, total_length=x.shape[1])   # (B, S, 2H)
        h0 = torch.tanh(s.init_h(torch.cat([h[0], h[1]], -1)))
        c0 = s.init_c(torch.cat([c[0], c[1]], -1))
        mask = torch.arange(x.shape[1])[None, :] >= n[:, None]                         # True = padding
        return enc, s.att_k(enc), mask, (h0, c0, enc.new_zeros(x.shape[0], enc.shape[2]))

    def step(s, y_prev, state, enc, keys, mask):
        h, c, ctx = state
        h, c = s.cell(torch.cat([s.tgt_emb(y_prev), ctx], -1), (h, c))
        e = s.att_v(torch.tanh(keys + s.att_q(h)[:, None, :])).squeeze(-1).masked_fill(mask, float("-inf"))
        ctx = torch.bmm(torch.softmax(e, -1)[:, None, :], enc).squeeze(1)
        logits = s.out(torch.tanh(s.comb(torch.cat([h, ctx], -1))))
        return logits, (h, c, ctx)

    def forward(s, x, n, y_in):
        """Teacher forcing: y_in (B, T) decoder inputs -> logits (B, T, Vt)."""
        enc, keys, mask, state = s.encode(x, n)
        outs = []
        for t in range(y_in.shape[1]):
            logits, state = s.step(y_in[:, t], state, enc, keys, mask)
            outs.append(logits)
        return torch.stack(outs, 1)


def batchify(items):
    x = pad_sequence([s for s, _ in items], batch_first=True, padding_value=PAD)
    y = pad_sequence([t for _, t in items], batch_first=True, padding_value=PAD)
    return x, torch.tensor([len(s) for s, _ in items]), y[:, :-1], y[:, 1:]


m = Seq2Seq(a.embed, a.hidden)
print(f"parameters {sum(q.numel() for q in m.parameters()):,}", flush=True)
opt = torch.optim.Adam(m.parameters(), lr=a.lr)
gen = torch.Generator().manual_seed(a.seed)


@torch.no_grad()
def greedy(items, bs=128):
    m.eval()
    res = []
    for i in range(0, len(items), bs):
        x, n, _, _ = batchify(items[i:i + bs])
        enc, keys, mask, state = m.encode(x, n)
        limit = 2 * n + 10
        y = torch.full((len(n),), BOS, dtype=torch.long)
        outs, done = [], torch.zeros(len(n), dtype=torch.bool)
        for t in range(int(limit.max())):
            logits, state = m.step(y, state, enc, keys, mask)
            y = logits.argmax(-1)
            outs.append(y)
            done |= (y == EOS) | (t + 1 >= limit)
            if done.all():
                break
        outs = torch.stack(outs, 1).tolist()
        for j, o in enumerate(outs):
            o = o[:int(limit[j])]
            res.append(o[:o.index(EOS)] if EOS in o else o)
    m.train()
    return res


@torch.no_grad()
def beam_search(src, K):
    m.eval()
    enc, keys, mask, state = m.encode(src[None, :], torch.tensor([len(src)]))
    limit = 2 * len(src) + 10
    live_tok, live_score, finished = [[]], torch.zeros(1), []
    for t in range(limit):
        L = len(live_tok)
        y = torch.tensor([tk[-1] if tk else BOS for tk in live_tok])
        logits, state = m.step(y, state, enc.expand(L, -1, -1), keys.expand(L, -1, -1), mask.expand(L, -1))
        cand = (live_score[:, None] + torch.log_softmax(logits, -1)).view(-1)
        top, idx = cand.topk(K)
        keep, new_tok, new_score = [], [], []
        for sc, ix in zip(top.tolist(), idx.tolist()):
            h, w = divmod(ix, Vt)
            if w == EOS:
                finished.append((sc / (len(live_tok[h]) + 1), live_tok[h]))
            else:
                keep.append(h)
                new_tok.append(live_tok[h] + [w])
                new_score.append(sc)
        if len(finished) >= K or not keep:
            break
        live_tok, live_score = new_tok, torch.tensor(new_score)
        state = tuple(st[keep] for st in state)
    else:
        finished += [(sc / len(tk), tk) for sc, tk in zip(live_score.tolist(), live_tok)]
    m.train()
    return max(finished, key=lambda f: f[0])[1]


def detok(ids):
    return " ".join("UNK" if i == UNK else tgt_words[i] for i in ids)


def scores(outs, pairs):
    hyps = [detok(o) for o in outs]
    refs = [" ".join(tok(es)) for _, es in pairs]
    b = mt_metrics.corpus_bleu(hyps, [refs])
    return (b, mt_metrics.corpus_chrf(hyps, [refs]), sum(h == r for h, r in zip(hyps, refs)) / len(refs), hyps, refs)


@torch.no_grad()
def val_loss():
    m.eval()
    tot, cnt = 0.0, 0
    for i in range(0, len(data["val"]), 128):
        x, n, yi, yo = batchify(data["val"][i:i + 128])
        tot += nn.functional.cross_entropy(m(x, n, yi).reshape(-1, Vt), yo.reshape(-1), ignore_index=PAD, reduction="sum").item()
        cnt += int((yo != PAD).sum())
    m.train()
    return tot / cnt


train_time, epochs_run, train_tokens = 0.0, 0, 0  # compare: train_tokens
for epoch in range(1, a.epochs + 1):
    perm = torch.randperm(len(data["train"]), generator=gen).tolist()
    t0, loss_sum, ntok = time.time(), 0.0, 0
    for b in range(0, len(perm), a.batch):
        x, n, yi, yo = batchify([data["train"][k] for k in perm[b:b + a.batch]])
        loss = nn.functional.cross_entropy(m(x, n, yi).reshape(-1, Vt), yo.reshape(-1), ignore_index=PAD)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(m.parameters(), a.clip)
        opt.step()
        k = int((yo != PAD).sum())
        loss_sum, ntok = loss_sum + loss.item() * k, ntok + k
    dt = time.time() - t0
    train_time += dt
    train_tokens += ntok  # compare
    epochs_run = epoch
    vl = val_loss()
    vb = scores(greedy(data["val"]), split["val"])[0]["score"]
    print(f"epoch {epoch} train_loss {loss_sum/ntok:.4f} val_loss {vl:.4f} val_ppl {torch.tensor(vl).exp():.2f} "
          f"val_greedy_BLEU {vb:.2f} ({ntok/dt:,.0f} target tok/s, {dt:.0f} s)", flush=True)
    if a.minutes and train_time >= 60 * a.minutes:
        print(f"stopping: {train_time/60:.1f} min of training >= --minutes {a.minutes}")
        break

# ---- test -------------------------------------------------------------------------------------
t0 = time.time()
g = scores(greedy(data["test"]), split["test"])
tg = time.time() - t0
t0 = time.time()
bm = scores([beam_search(s, a.beam) for s, _ in data["test"]], split["test"])
tb = time.time() - t0
for name, (b, c, em, _, _), dt in (("greedy", g, tg), (f"beam{a.beam}", bm, tb)):
    print(f"test {name}: BLEU {b['score']:.2f} ({'/'.join(f'{q:.1f}' for q in b['precisions'])}, BP {b['bp']:.3f}, "
          f"hyp_len {b['sys_len']} ref_len {b['ref_len']}) chrF2 {c:.2f} exact {100*em:.2f}% "
          f"({len(data['test'])} sentences, {dt:.1f} s)")
for i in range(min(5, len(split["test"]))):
    print(f"example {i}: en   {split['test'][i][0]}\n           ref  {g[4][i]}\n           greedy {g[3][i]}\n           beam   {bm[3][i]}")
print(f"training: {epochs_run} epochs in {train_time:.0f} s ({train_time/60:.1f} min, threads {a.threads})", flush=True)
if a.save_outputs:
    os.makedirs(a.save_outputs, exist_ok=True)
    for name, lines in (("test.en", [e for e, _ in split["test"]]), ("test.ref", g[4]), ("test.greedy", g[3]), ("test.beam", bm[3])):
        open(os.path.join(a.save_outputs, name), "w", encoding="utf-8").write("\n".join(lines) + "\n")
# compare: machine-readable timing. Tokens are the target tokens of train including </s> (what the loss counts),
# summed over the epochs run; seconds are the sum of the epochs' training loops (batching, forward, loss, backward,
# clipping, Adam), without data loading, vocabulary building or the per-epoch validation. The greedy latency is that
# of the sentence samples/Translation times (20 words), decoded alone with greedy() as the test set is: the median of
# 21 runs after one warm-up, as the sample measures it.
if a.json:
    sentence = "And God said to Noah, Make thee an ark of gopher wood, and rooms shalt thou make in the ark today."
    item = [(torch.tensor([stoi_src.get(w, UNK) for w in tok(sentence)]), torch.tensor([BOS, EOS]))]
    times = []
    for r in range(22):
        t0 = time.perf_counter()
        out = greedy(item)
        if r > 0:
            times.append(1000 * (time.perf_counter() - t0))
    print(f"greedy latency: median {statistics.median(times):.1f} ms, min {min(times):.1f} ms, "
          f"{len(item[0][0])} source tokens -> {detok(out[0])}", flush=True)
    with open(a.json, "w") as f:
        json.dump(dict(engine="torch", task="translation", version=f"torch {torch.__version__}", epochs=epochs_run, limit=a.limit,
                       threads=a.threads, torch_num_threads=torch.get_num_threads(),
                       torch_num_interop_threads=torch.get_num_interop_threads(),
                       env={k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_WAIT_POLICY")},
                       train_pairs=len(split["train"]), source_vocabulary=Vs, target_vocabulary=Vt,
                       train_tokens=train_tokens, train_seconds=train_time, train_tok_s=train_tokens / train_time,
                       latency_source_tokens=len(item[0][0]), greedy_latency_ms=statistics.median(times),
                       greedy_latency_min_ms=min(times), latency_output_tokens=len(out[0]), test_greedy_bleu=g[0]["score"]), f, indent=1)
