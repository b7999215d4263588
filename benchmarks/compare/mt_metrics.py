#!/usr/bin/python3
# compare: the project's reference metrics (shared/reference/mt_metrics.py), copied unchanged beside torch_seq2seq.py,
# which imports it; its test vectors are the repository's tests/fixtures/metric_vectors.json.
"""Corpus BLEU and chrF exactly as sacreBLEU 2.x computes them, in the standard library only.

Re-implemented from sacreBLEU's own source (mjpost/sacrebleu: sacrebleu/metrics/bleu.py, chrf.py,
helpers.py, tokenizers/tokenizer_13a.py, tokenizer_re.py) because sacrebleu itself is not installed
here. torch_seq2seq.py imports it; run it alone to check it against metric_vectors.json, the expected
values copied from sacreBLEU's tests and README (each vector names its source):

  /usr/bin/python3 mt_metrics.py [--vectors metric_vectors.json]

Conventions, as in sacreBLEU's API: `hyps` is a list of N hypothesis strings; `refs` is a list of
reference *streams*, refs[k][i] being the k-th reference of segment i (one stream = one reference
each). Scores are on the 0-100 scale.

BLEU (defaults = sacreBLEU's BLEU()): each segment is right-stripped, optionally lowercased, and
tokenized with mteval-v13a ('13a', below; 'none' = split on whitespace only). Per segment: n-gram
counts for n = 1..4, clipped by the maximum count of that n-gram in any one reference; the reference
length used is the closest to the hypothesis length (a tie goes to the shorter). Counts, totals and
lengths are summed over the corpus, then
  BLEU = BP * exp(mean_n log p_n),  BP = exp(1 - ref_len/sys_len) if sys_len < ref_len else 1
with p_n = correct_n / total_n. Smoothing 'exp' (the default; mteval's): the k-th order whose
correct count is 0 gets p_n = 1 / (2^k * total_n) -- for a real corpus no order is 0, so corpus BLEU
with 'exp' equals unsmoothed BLEU; it matters only for tiny inputs. No match at all -> 0.
'none', 'floor' and 'add-k' and effective_order are kept for the test vectors (sentence BLEU).

chrF (defaults = sacreBLEU's CHRF(): chrF2, char order 6, no word n-grams, beta 2, whitespace
removed, eps_smoothing off): per segment, all whitespace is removed (''.join(s.split())) and character
n-grams n = 1..6 are counted; per order: hyp count, ref count, clipped matches (best reference = the
one with the highest segment chrF). Statistics are summed over the corpus; then precision and recall
of each order are averaged over the orders where both hyp and ref counts are > 0 ("effective order"),
and chrF = 100 * (1+b^2) P R / (b^2 P + R). With eps_smoothing, it is instead the mean over all orders
of each order's F-beta (chrF++.py/NLTK style, 1e-16 for empty orders).
"""
import json, math, os, re, sys
from collections import Counter

_13A_RE = [
    (re.compile(r'([\{-\~\[-\` -\&\(-\+\:-\@\/])'), r' \1 '),   # split most ASCII punctuation
    (re.compile(r'([^0-9])([\.,])'), r'\1 \2 '),               # period/comma unless after a digit
    (re.compile(r'([\.,])([^0-9])'), r' \1 \2'),               # period/comma unless before a digit
    (re.compile(r'([0-9])(-)'), r'\1 \2 '),                    # dash after a digit
]


def tokenize_13a(line):
    """mteval-v13a tokenization as sacreBLEU's Tokenizer13a + TokenizerRegexp."""
    line = line.replace('<skipped>', '').replace('-\n', '').replace('\n', ' ')
    if '&' in line:
        line = line.replace('&quot;', '"').replace('&amp;', '&').replace('&lt;', '<').replace('&gt;', '>')
    line = f' {line} '
    for rx, repl in _13A_RE:
        line = rx.sub(repl, line)
    return ' '.join(line.split())


def _word_ngrams(line, max_order):
    toks = line.split()
    return Counter(tuple(toks[i:i + n]) for n in range(1, max_order + 1)
                   for i in range(len(toks) - n + 1)), len(toks)


def bleu_from_stats(correct, total, sys_len, ref_len, smooth_method='exp', smooth_value=None,
                    effective_order=False, max_ngram_order=4):
    """sacreBLEU's BLEU.compute_bleu; returns (score, precisions, bp)."""
    correct, total = list(correct), list(total)
    if smooth_value is None:
        smooth_value = {'floor': 0.1, 'add-k': 1}.get(smooth_method)
    bp = 1.0
    if sys_len < ref_len:
        bp = math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0
    precisions = [0.0] * max_ngram_order
    if not any(correct):
        return 0.0, precisions, bp
    smooth_mteval, eff_order = 1.0, max_ngram_order
    for n in range(1, max_ngram_order + 1):
        if smooth_method == 'add-k' and n > 1:
            correct[n - 1] += smooth_value
            total[n - 1] += smooth_value
        if total[n - 1] == 0:
            break
        if effective_order:
            eff_order = n
        if correct[n - 1] == 0:
            if smooth_method == 'exp':
                smooth_mteval *= 2
                precisions[n - 1] = 100.0 / (smooth_mteval * total[n - 1])
            elif smooth_method == 'floor':
                precisions[n - 1] = 100.0 * smooth_value / total[n - 1]
        else:
            precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1]
    logs = [math.log(p) if p != 0.0 else -9999999999 for p in precisions[:eff_order]]
    return bp * math.exp(sum(logs) / eff_order), precisions, bp


def corpus_bleu(hyps, refs, tokenize='13a', lowercase=False, smooth_method='exp', smooth_value=None,
                max_ngram_order=4, effective_order=False):
    """Returns a dict: score, precisions (4), bp, sys_len, ref_len, counts, totals."""
    tok = tokenize_13a if tokenize == '13a' else (lambda s: s)
    prep = lambda s: tok((s.lower() if lowercase else s).rstrip())
    N = max_ngram_order
    correct, total, sys_len, ref_len = [0] * N, [0] * N, 0, 0
    for i, hyp in enumerate(hyps):
        ref_ngrams, ref_lens = Counter(), []
        for stream in refs:
            if stream[i] is None:
                continue
            ng, ln = _word_ngrams(prep(stream[i]), N)
            ref_lens.append(ln)
            for g, c in ng.items():
                ref_ngrams[g] = max(ref_ngrams[g], c)
        hyp_ngrams, hyp_len = _word_ngrams(prep(hyp), N)
        closest = min(ref_lens, key=lambda r: (abs(hyp_len - r), r))
        sys_len += hyp_len
        ref_len += closest
        for g, c in hyp_ngrams.items():
            total[len(g) - 1] += c
            if g in ref_ngrams:
                correct[len(g) - 1] += min(c, ref_ngrams[g])
    score, prec, bp = bleu_from_stats(correct, total, sys_len, ref_len, smooth_method, smooth_value,
                                      effective_order, N)
    return dict(score=score, precisions=prec, bp=bp, sys_len=sys_len, ref_len=ref_len,
                counts=correct, totals=total)


def _char_ngrams(line, order, whitespace):
    if not whitespace:
        line = ''.join(line.split())
    return [Counter(line[i:i + n] for i in range(len(line) - n + 1)) for n in range(1, order + 1)]


def _chrf_f(stats, order, beta, eps_smoothing):
    eps, factor = 1e-16, beta ** 2
    score, eff, avg_p, avg_r = 0.0, 0, 0.0, 0.0
    for i in range(order):
        n_hyp, n_ref, n_match = stats[3 * i: 3 * i + 3]
        prec = n_match / n_hyp if n_hyp > 0 else eps
        rec = n_match / n_ref if n_ref > 0 else eps
        denom = factor * prec + rec
        score += ((1 + factor) * prec * rec / denom) if denom > 0 else eps
        if n_hyp > 0 and n_ref > 0:
            avg_p += prec
            avg_r += rec
            eff += 1
    if eps_smoothing:
        return 100 * score / order
    if eff == 0:
        avg_p = avg_r = 0.0
    else:
        avg_p, avg_r = avg_p / eff, avg_r / eff
    if avg_p + avg_r:
        return 100 * (1 + factor) * avg_p * avg_r / (factor * avg_p + avg_r)
    return 0.0


def corpus_chrf(hyps, refs, char_order=6, beta=2, whitespace=False, eps_smoothing=False, lowercase=False):
    """chrF (word_order 0). Returns the score."""
    prep = (lambda s: s.lower()) if lowercase else (lambda s: s)
    total = [0] * (3 * char_order)
    for i, hyp in enumerate(hyps):
        h = _char_ngrams(prep(hyp), char_order, whitespace)
        best, best_f = None, -1.0
        for stream in refs:
            if stream[i] is None:
                continue
            r = _char_ngrams(prep(stream[i]), char_order, whitespace)
            st = []
            for hc, rc in zip(h, r):
                match = sum(min(c, rc[g]) for g, c in hc.items() if g in rc)
                st += [sum(hc.values()) if rc else 0, sum(rc.values()), match]
            f = _chrf_f(st, char_order, beta, eps_smoothing)
            if f > best_f:
                best, best_f = st, f
        total = [a + b for a, b in zip(total, best)]
    return _chrf_f(total, char_order, beta, eps_smoothing)


def check_vectors(path):
    """Evaluates every vector in the JSON file; returns (passed, failed)."""
    vec = json.load(open(path, encoding='utf-8'))
    ok = bad = 0
    for kind, fn in (('bleu', lambda v: corpus_bleu(v['hyps'], v['refs'], **v.get('options', {}))['score']),
                     ('chrf', lambda v: corpus_chrf(v['hyps'], v['refs'], **v.get('options', {})))):
        for j, v in enumerate(vec[kind]):
            got = fn(v)
            good = abs(got - v['score']) <= v['tolerance']
            ok, bad = ok + good, bad + (not good)
            if not good or '-v' in sys.argv:
                print(f"{'ok  ' if good else 'FAIL'} {kind}[{j}] expected {v['score']} got {got:.10f} "
                      f"(tol {v['tolerance']}; {v['source']})")
    return ok, bad


if __name__ == '__main__':
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[sys.argv.index('--vectors') + 1] if '--vectors' in sys.argv else os.path.join(here, 'metric_vectors.json')
    ok, bad = check_vectors(path)
    print(f"metric vectors: {ok} passed, {bad} failed ({path})")
    sys.exit(1 if bad else 0)
