#!/usr/bin/python3
"""Side-by-side training speed on the two task configurations: POS tagging and English->Spanish translation.

One command, from anywhere:   benchmarks/compare/tasks.sh [--rounds 3] [--max-load 2.5] [--quick]

For each task it runs the PyTorch reference script (torch_pos_tagger.py, torch_seq2seq.py, copied here from
shared/reference) and our sample (samples/PosTagging, samples/Translation) in the same invocation, alternately, in
interleaved rounds (round 1: torch, ours; round 2: ours, torch; ...), so a machine that gets busier or quieter during
the run affects both alike. Both sides use one thread (--threads 1; for PyTorch also OMP_NUM_THREADS,
OPENBLAS_NUM_THREADS and MKL_NUM_THREADS), the same data from the repository's data/ folder, the same model, batch
size, optimizer and batching rule (consecutive runs of one random permutation per epoch), and report training tokens
per second over the training loop only (no data loading, vocabulary building or evaluation on either side):
POS = word tokens; translation = target tokens including </s>. The translation runs also time the greedy decoding of
one 20-word sentence (median of 21 runs after a warm-up). Every cell is the median over rounds, with min and max.
Writes a markdown report to benchmarks/compare/tasks.md (--results), raw JSON and logs to out/tasks/.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = "/usr/bin/python3"  # Debian's interpreter, where python3-torch lives; not the python3 first on PATH
SAMPLES = {"pos": "samples/PosTagging", "translation": "samples/Translation"}
DLLS = {"pos": "samples/PosTagging/bin/Release/net10.0/PosTagging.dll",
        "translation": "samples/Translation/bin/Release/net10.0/Translation.dll"}
SCRIPTS = {"pos": "benchmarks/compare/torch_pos_tagger.py", "translation": "benchmarks/compare/torch_seq2seq.py"}
DATA = {"pos": "data/brown_pos/brown.conll", "translation": "data/bible_en_es/pairs.tsv"}
TARGET_RATIO = 1.5  # issues 10 and 11: training throughput at least 1.5x the PyTorch reference's

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--rounds", type=int, default=3, help="interleaved rounds; every cell is the median over rounds")
p.add_argument("--tasks", default="pos,translation", help="comma list of pos,translation")
p.add_argument("--engines", default="torch,ours", help="comma list of torch,ours")
p.add_argument("--threads", type=int, default=1, help="training threads for both engines")
p.add_argument("--pos-limit", type=int, default=0, help="POS: read only the first N sentences (0 = the whole corpus)")
p.add_argument("--pos-epochs", type=int, default=1, help="POS: epochs per measurement (the reference trains 5)")
p.add_argument("--mt-limit", type=int, default=0, help="translation: keep only the first N kept pairs (0 = all 5,721)")
p.add_argument("--mt-epochs", type=int, default=2, help="translation: epochs per measurement (the reference trains 15)")
p.add_argument("--quick", action="store_true",
               help="check the harness: 1 round, --pos-limit 3000, --mt-limit 600, 1 epoch each; the report goes to "
                    "out/tasks/tasks.md, never over the committed one; not for quoting")
p.add_argument("--max-load", type=float, default=0,
               help="before each run, wait (up to --timeout s) until the 1-minute load average is at most this (0: don't wait)")
p.add_argument("--timeout", type=float, default=1800, help="seconds one run may take")
p.add_argument("--spread-flag", type=float, default=0.20, help="mark a cell whose rounds spread (max - min) / median exceeds this")
p.add_argument("--out", default="out/tasks", help="raw JSON and logs (relative to the repository)")
p.add_argument("--results", default="benchmarks/compare/tasks.md", help="markdown report (relative to the repository)")
p.add_argument("--note", default="", help="free text printed under the machine information")
args = p.parse_args()
if args.quick:
    args.rounds, args.pos_limit, args.pos_epochs, args.mt_limit, args.mt_epochs = 1, 3000, 1, 600, 1
    if args.results == p.get_default("results"):
        args.results = f"{args.out}/tasks.md"
TASKS = [t for t in args.tasks.split(",") if t]
ENGINES = [e for e in args.engines.split(",") if e]
for t in TASKS:
    if t not in SAMPLES:
        p.error(f"'--tasks' contained '{t}'; it must be a comma list of pos,translation.")
for e in ENGINES:
    if e not in ("torch", "ours"):
        p.error(f"'--engines' contained '{e}'; it must be a comma list of torch,ours.")
for name in ("rounds", "threads", "pos_epochs", "mt_epochs"):
    if getattr(args, name) < 1:
        p.error(f"'--{name.replace('_', '-')}' was {getattr(args, name)}; it must be positive.")
for name in ("pos_limit", "mt_limit"):
    if getattr(args, name) < 0:
        p.error(f"'--{name.replace('_', '-')}' was {getattr(args, name)}; it must be 0 (all) or positive.")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def limit_epochs(task):
    return (args.pos_limit, args.pos_epochs) if task == "pos" else (args.mt_limit, args.mt_epochs)


def command(engine, task, json_path):
    """The command line of one measurement; both sides get the same data file, limit, epochs, threads and seed."""
    limit, epochs = limit_epochs(task)
    common = ["--data", DATA[task], "--threads", str(args.threads), "--limit", str(limit), "--epochs", str(epochs),
              "--seed", "0", "--json", json_path]
    if engine == "torch":
        return [PY, SCRIPTS[task]] + common
    # Ours: no per-epoch validation (the reference's validation runs outside its training clock), and for translation
    # the reference's batching (one permutation per epoch) instead of the sample's default length buckets.
    extra = ["--no-validation"] + (["--shuffled", "--out", f"{args.out}/translation-output"] if task == "translation" else [])
    return ["dotnet", DLLS[task]] + common + extra


def environment(engine):
    env = dict(os.environ)
    if engine == "torch":
        # One thread for every runtime PyTorch may use (OpenMP, OpenBLAS, MKL), besides torch.set_num_threads in the
        # script: with these unset, an idle OpenMP pool spin-waits and under load collapses PyTorch's speed.
        for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[k] = str(args.threads)
    return env


def run(cmd, env, log_path):
    """Runs cmd in the repository root; returns (exit code, seconds, most OS threads the process had at once)."""
    t0 = time.time()
    most = 0
    with open(log_path, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        while True:
            try:
                rc = proc.wait(timeout=1)
                break
            except subprocess.TimeoutExpired:
                try:
                    most = max(most, len(os.listdir(f"/proc/{proc.pid}/task")))
                except OSError:
                    pass
                if time.time() - t0 > args.timeout:
                    proc.kill()
                    proc.wait()
                    out.write(f"\n[tasks.py] killed after {args.timeout} s\n")
                    rc = -1
                    break
    return rc, time.time() - t0, most


def wait_for_quiet():
    if args.max_load <= 0:
        return
    t0 = time.time()
    while os.getloadavg()[0] > args.max_load and time.time() - t0 < args.timeout:
        time.sleep(10)
    if time.time() - t0 >= 10:
        log(f"  waited {time.time() - t0:.0f} s for the load average to reach {args.max_load} (now {os.getloadavg()[0]:.1f})")


def machine_info():
    def out(cmd):
        try:
            return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True).stdout
        except OSError:
            return ""
    model = next((l.split(":", 1)[1].strip() for l in out(["lscpu"]).splitlines() if l.startswith("Model name:")), "?")
    flags = next((l for l in open("/proc/cpuinfo") if l.startswith("flags")), "")
    simd = "AVX-512" if " avx512f" in flags else "AVX2" if " avx2" in flags else "no AVX2"
    dirty = out(["git", "status", "--porcelain", "--untracked-files=no"]).strip()
    return dict(cpu=model, simd=simd, logical_cpus=os.cpu_count(), os=platform.platform(),
                date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                commit=out(["git", "rev-parse", "--short", "HEAD"]).strip() + (" (with uncommitted changes)" if dirty else ""),
                dotnet=out(["dotnet", "--version"]).strip())


def prepare():
    """Checks both engines can run; returns {engine: reason} for those that cannot."""
    skipped = {}
    if "torch" in ENGINES:
        r = subprocess.run([PY, "-c", "import torch"], capture_output=True, text=True)
        if r.returncode != 0:
            skipped["torch"] = f"{PY} cannot import torch (apt-get install -y python3-torch libopenblas0-openmp)"
    if "ours" in ENGINES:
        for task in TASKS:
            log(f"building {SAMPLES[task]} ...")
            r = subprocess.run(["dotnet", "build", "-c", "Release", "--nologo", "-v", "q", SAMPLES[task]], cwd=ROOT,
                               capture_output=True, text=True)
            if r.returncode != 0:
                skipped["ours"] = f"dotnet build {SAMPLES[task]} failed:\n{(r.stdout + r.stderr)[-2000:]}"
                break
    return skipped


def rounds_of(raw, engine, task, key):
    return [r[key] for r in raw if r["engine"] == engine and r["task"] == task and isinstance(r.get(key), (int, float))]


def cell(vals, fmt):
    if not vals:
        return "–"
    m = statistics.median(vals)
    text = fmt(m) + (f" [{fmt(min(vals))}-{fmt(max(vals))}]" if len(vals) > 1 else "")
    spread = (max(vals) - min(vals)) / m if len(vals) > 1 and m else 0
    return text + (" !" if spread > args.spread_flag else "")


def med(vals):
    return statistics.median(vals) if vals else None


def report(info, raw, commands, failures, skipped):
    tok = lambda v: f"{v:,.0f}"
    ms = lambda v: f"{v:.1f}"
    L = ["# Task training speed: MLNet.Recurrent vs PyTorch, side by side", ""]
    L.append(f"- machine: {info['cpu']} ({info['simd']}), {info['logical_cpus']} logical CPUs, {info['os']}")
    L.append(f"- date: {info['date']}; commit {info['commit']}; .NET SDK {info['dotnet']}")
    versions = {e: next((r.get("version") for r in raw if r["engine"] == e), None) for e in ("torch", "ours")}
    L.append(f"- engines: PyTorch `{versions['torch'] or '–'}` (Debian python3-torch, OpenBLAS), ours `{versions['ours'] or '–'}`; "
             f"{args.threads} training thread(s) each")
    L.append(f"- command: `{(os.environ.get('TASKS_CMD') or '').strip() or 'benchmarks/compare/tasks.py ' + ' '.join(shlex.quote(a) for a in sys.argv[1:])}`"
             f" ({args.rounds} interleaved round{'s' if args.rounds > 1 else ''}{', quick: not for quoting' if args.quick else ''}; every cell is the median "
             f"[min-max] over rounds; `!` marks a spread (max - min) / median above {args.spread_flag:.0%})")
    if args.note:
        L.append(f"- note: {args.note}")
    loads = [r["load_avg_1min_before"] for r in raw]
    if loads and max(loads) > info["logical_cpus"]:
        L.append(f"- **warning: the machine was busy during this run (1-minute load average up to {max(loads):.1f} on "
                 f"{info['logical_cpus']} logical CPUs); these numbers are not representative.**")
    for e, why in skipped.items():
        L.append(f"- **{e} skipped**: {why.splitlines()[0]}")
    for k, why in failures.items():
        L.append(f"- **{k} failed**: {why}")
    L += ["", "## Training throughput (higher is better)", ""]
    L.append("Tokens per second of training: the training tokens of all epochs divided by the time spent in the training "
             "loops (batching, forward, loss, backward, gradient clipping, Adam), without data loading, vocabulary building "
             "or evaluation on either side. POS: word tokens; translation: target tokens including `</s>`.")
    L += ["", f"| task | training tokens per run | ours tok/s | PyTorch tok/s | ours/PyTorch | target ≥ {TARGET_RATIO}× |",
          "|---|--:|--:|--:|--:|---|"]
    for task in TASKS:
        o, t = rounds_of(raw, "ours", task, "train_tok_s"), rounds_of(raw, "torch", task, "train_tok_s")
        ratio = med(o) / med(t) if o and t else None
        # The ratio of each round's pair as well, so a round where the machine changed shows up.
        pairs = [a / b for a, b in zip(o, t)] if len(o) == len(t) else []
        ratio_text = "–" if ratio is None else f"{ratio:.2f}×" + (f" [{min(pairs):.2f}-{max(pairs):.2f}]" if len(pairs) > 1 else "")
        ntok = sorted(set(rounds_of(raw, "ours", task, "train_tokens") + rounds_of(raw, "torch", task, "train_tokens")))
        met = "–" if ratio is None else ("met" if ratio >= TARGET_RATIO else "**not met**")
        L.append(f"| {TITLE[task]} | {', '.join(tok(n) for n in ntok) or '–'} | {cell(o, tok)} | {cell(t, tok)} | {ratio_text} | {met} |")
    if "translation" in TASKS:
        L += ["", "## Greedy latency of one sentence (lower is better)", ""]
        L.append("\"And God said to Noah, Make thee an ark of gopher wood, and rooms shalt thou make in the ark today.\" "
                 "(the sentence samples/Translation times: 21 words between spaces, 24 source tokens), decoded alone with each side's greedy decoder (encoder included, "
                 "at most 2 |x| + 10 steps), on the model each run just trained: median of 21 runs after one warm-up, "
                 f"{args.threads} thread(s). The two models may stop after different numbers of tokens, so the time per output "
                 "token is shown as well.")
        L += ["", "| | ours | PyTorch | PyTorch/ours |", "|---|--:|--:|--:|"]
        o, t = rounds_of(raw, "ours", "translation", "greedy_latency_ms"), rounds_of(raw, "torch", "translation", "greedy_latency_ms")
        L.append(f"| median ms | {cell(o, ms)} | {cell(t, ms)} | {f'{med(t) / med(o):.2f}×' if o and t else '–'} |")
        on = rounds_of(raw, "ours", "translation", "latency_output_tokens")
        tn = rounds_of(raw, "torch", "translation", "latency_output_tokens")
        L.append(f"| output tokens (without `</s>`) | {', '.join(map(str, on)) or '–'} | {', '.join(map(str, tn)) or '–'} | |")
        per = lambda raws, n: [a / max(1, b) for a, b in zip(raws, n)]
        po, pt = per(o, on), per(t, tn)
        L.append(f"| ms per output token | {cell(po, lambda v: f'{v:.2f}')} | {cell(pt, lambda v: f'{v:.2f}')} | "
                 f"{f'{med(pt) / med(po):.2f}×' if po and pt else '–'} |")
    L.append("")
    L.append("For orientation, `shared/reference/RESULTS.md` measured the reference scripts alone, 1 thread, on a machine of this "
             "kind with other work on the second core: 8,695 tok/s for the full 5-epoch POS run and 1,700 to 2,050 target "
             "tok/s per epoch for the translator.")
    L += ["", "## What both sides trained", ""]
    L.append("| | POS tagging | translation |")
    L.append("|---|---|---|")
    L.append("| reference script | `torch_pos_tagger.py` | `torch_seq2seq.py` |")
    L.append("| our program | `samples/PosTagging` (engine, `SequenceNetwork`) | `samples/Translation` (engine, `EncoderDecoder`) |")
    L.append(f"| data | `{DATA['pos']}`, 93 base tags, sentences i % 10 < 8 | `{DATA['translation']}`, pairs of ≤ 80 characters, k % 20 < 18 |")
    L.append(f"| limit, epochs | {args.pos_limit or 'all'} sentences, {args.pos_epochs} | {args.mt_limit or 'all'} kept pairs, {args.mt_epochs} |")
    for task in TASKS:
        for key in ("train_sentences", "train_pairs", "vocabulary", "source_vocabulary", "target_vocabulary", "tags"):
            seen = {e: sorted(set(rounds_of(raw, e, task, key))) for e in ("ours", "torch")}
            if seen["ours"] and seen["torch"] and seen["ours"] != seen["torch"]:
                L.append(f"| **mismatch** | {task} {key}: ours {seen['ours']}, PyTorch {seen['torch']} | |")
    L.append("| model | embedding 100, BiLSTM 128 per direction, linear to the tags | embedding 128, BiLSTM encoder 256 per direction, "
             "LSTM decoder 256, additive attention, input feeding, output layer 256 -> target vocabulary |")
    L.append("| batch, optimizer | 32 sentences; Adam 1e-3, global norm clip 5; softmax cross-entropy over the real tokens | "
             "64 pairs; Adam 1e-3, global norm clip 5; teacher forcing, cross-entropy over the real target tokens |")
    L.append("| batching | consecutive runs of one random permutation per epoch, both sides (each from its own generator) | "
             "the same (ours: `--shuffled`; the sample's default is length buckets) |")
    L.append("| initialisation | ours: PyTorch's rule (`InitializeLikePyTorch`, the sample's default) | ours: the engine's "
             "seeded initialisation (speed does not depend on it) |")
    L.append("| validation | PyTorch: after every epoch, outside its training clock; ours: `--no-validation` (none), so its clock "
             "covers the training loop alone | the same |")
    L.append("| padding | PyTorch: packed sequences in the (bi)LSTMs, padded batch elsewhere; ours: lengths and masks | "
             "PyTorch: packed encoder, decoder steps over the padded batch (loss masked); ours: lengths in the encoder; each decoder step on the rows whose target has not ended (longest targets first in a batch), the output layer on the targets that count |")
    L += ["", "## Every run", ""]
    L.append("`load` is the 1-minute load average when the run started; well above the number of logical CPUs means other work "
             "competed for the cores. `OS threads` is the most threads the process had at once (polled every second): "
             "PyTorch at one thread should show no OpenMP pool (1); ours computes on one thread (`ComputeSettings.MaxThreads` "
             "= 1) and the others are the .NET runtime's (garbage collector, tiered JIT compilation, timers).")
    L += ["", "| round | task | engine | tok/s | training s | latency ms | OS threads | load | PyTorch threads (torch, OMP, OpenBLAS) |",
          "|--:|---|---|--:|--:|--:|--:|--:|---|"]
    for r in raw:
        env = r.get("env") or {}
        th = (f"{r.get('torch_num_threads')}, {env.get('OMP_NUM_THREADS')}, {env.get('OPENBLAS_NUM_THREADS')}"
              if r["engine"] == "torch" else "")
        lat = r.get("greedy_latency_ms")
        L.append(f"| {r['round']} | {r['task']} | {r['engine']} | {tok(r['train_tok_s'])} | {r['train_seconds']:.1f} | "
                 f"{'' if lat is None else f'{lat:.1f}'} | {r['os_threads']} | {r['load_avg_1min_before']:.1f} | {th} |")
    L += ["", "Commands (`{json}` is the run's raw output in " + f"`{args.out}/`):", ""]
    for k, c in commands.items():
        L.append(f"- {k}: `{c}`")
    return "\n".join(L) + "\n"


TITLE = {"pos": "POS tagging (BiLSTM)", "translation": "translation (attention encoder-decoder)"}


def main():
    os.makedirs(os.path.join(ROOT, args.out), exist_ok=True)
    info = machine_info()
    skipped = prepare()
    for e, why in skipped.items():
        log(f"SKIPPING {e}: {why}")
    engines = [e for e in ENGINES if e not in skipped]
    raw, commands, failures = [], {}, {}
    for rnd in range(1, args.rounds + 1):
        order = engines if rnd % 2 == 1 else list(reversed(engines))
        for task in TASKS:
            for engine in order:
                key = f"{task} {engine}"
                if key in failures:
                    continue
                json_rel = f"{args.out}/round{rnd}_{task}_{engine}.json"
                json_abs = os.path.join(ROOT, json_rel)
                if os.path.exists(json_abs):
                    os.remove(json_abs)
                cmd = command(engine, task, json_rel)
                env = environment(engine)
                envs = " ".join(f"{k}={env[k]}" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
                                if engine == "torch")
                commands[key] = (envs + " " if envs else "") + " ".join(shlex.quote(c) for c in cmd).replace(json_rel, "{json}")
                wait_for_quiet()
                load = os.getloadavg()[0]
                log(f"round {rnd}/{args.rounds} {key}: {commands[key]} (load {load:.1f})")
                rc, seconds, threads = run(cmd, env, os.path.join(ROOT, f"{args.out}/round{rnd}_{task}_{engine}.log"))
                if rc != 0 or not os.path.exists(json_abs):
                    failures[key] = f"round {rnd} exited with {rc}; see {args.out}/round{rnd}_{task}_{engine}.log"
                    log(f"  FAILED: {failures[key]}")
                    continue
                with open(json_abs) as f:
                    rec = json.load(f)
                rec.update(round=rnd, load_avg_1min_before=load, os_threads=threads, wall_seconds=seconds)
                raw.append(rec)
                log(f"  {rec['train_tok_s']:,.0f} tok/s ({rec['train_tokens']:,} tokens in {rec['train_seconds']:.1f} s of training, "
                    f"{seconds:.0f} s in all, at most {threads} OS threads)")
    md = report(info, raw, commands, failures, skipped)
    print(md)
    results = os.path.join(ROOT, args.results)
    os.makedirs(os.path.dirname(results), exist_ok=True)
    with open(results, "w") as f:
        f.write(md)
    with open(os.path.join(ROOT, args.out, "tasks.json"), "w") as f:
        json.dump(dict(machine=info, args=vars(args), commands=commands, failures=failures, skipped=skipped, raw=raw), f, indent=1)
    log(f"wrote {args.results} and {args.out}/tasks.json")
    return 0 if not failures and not skipped else 1


if __name__ == "__main__":
    sys.exit(main())
