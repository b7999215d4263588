#!/usr/bin/python3
"""Side-by-side speed of MLNet.Recurrent ("ours"), PyTorch 1.13 + OpenBLAS and ONNX Runtime from C#.

One command, from anywhere:   benchmarks/compare/run.sh [--rounds 3] [--quick] [--threads 2]
The three engines run in the same invocation, interleaved by rounds (torch, ours, onnx, torch, ours, onnx, ...),
so that a machine that gets busier or quieter during the run affects all of them alike. Each cell of the
table is the median over rounds of what the engine itself reported (itself a median over timed calls).
See benchmarks/compare/README.md for the columns and for the JSON schema "ours" must emit.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = "/usr/bin/python3"  # Debian's interpreter, where python3-torch lives; not the python3 first on PATH
ONNX_PROJECT = "benchmarks/MLNet.Recurrent.OnnxRoute"
ONNX_DLL = f"{ONNX_PROJECT}/bin/Release/net10.0/MLNet.Recurrent.OnnxRoute.dll"
OURS_PROJECT = "benchmarks/MLNet.Recurrent.Benchmarks"
# The pluggable command for our engine. Placeholders: {configs} {threads} {json} {quick}. It must write the
# JSON described in README.md ("ours" schema) to {json} and exit 0.
OURS_DEFAULT = (f"dotnet run -c Release --no-build --project {OURS_PROJECT} -- "
                "--configs {configs} --threads {threads} --json {json} {quick}")

THROUGHPUT = ["a", "b", "c", "d", "f"]
DESCRIBE = {
    "a": "char LM, LSTM 2x256, E 64, V 65, B 32, T 64",
    "b": "char LM, LSTM 1x512, E 64, V 65, B 64, T 100",
    "c": "classifier, LSTM 1x128, V 10000, E 128, B 32, T 200, 2 classes",
    "d": "char LM, GRU 2x256, as a",
    "f": "char LM, vanilla RNN 2x256, as a",
}
# PyTorch numbers quoted in the performance issue (another machine of this kind), for orientation only.
ISSUE_TORCH = {"a": (8900, 46700), "b": (7500, 30600), "c": (43400, 178000), "d": (12000, 56000), "f": (32000, 127000)}
ISSUE_TORCH_E_MS = 4.4
ISSUE_ONNX = {"a_infer_tok_s": 80700, "e_ms": 0.47, "stream_step_ms": 0.068}

# Matmul FLOPs per token of one forward pass, as torch_rnn_bench.fwd_flops_per_token counts them (2*m*n*k, gate
# arithmetic ignored); a training step counts three times that (forward, and the two products of backward).
SHAPES = {
    "a": dict(gates=4, vocab=65, embed=64, hidden=256, layers=2, lm=True),
    "b": dict(gates=4, vocab=65, embed=64, hidden=512, layers=1, lm=True),
    "c": dict(gates=4, vocab=10000, embed=128, hidden=128, layers=1, lm=False, classes=2, seq=200),
    "d": dict(gates=3, vocab=65, embed=64, hidden=256, layers=2, lm=True),
    "f": dict(gates=1, vocab=65, embed=64, hidden=256, layers=2, lm=True),
}


def forward_flops_per_token(cid):
    c = SHAPES[cid]
    f, inp = 0, c["embed"]
    for _ in range(c["layers"]):
        f += 2 * c["gates"] * c["hidden"] * (inp + c["hidden"])
        inp = c["hidden"]
    return f + (2 * c["hidden"] * c["vocab"] if c["lm"] else 2 * c["hidden"] * c["classes"] / c["seq"])


p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--rounds", type=int, default=5, help="interleaved rounds; every cell is the median over rounds")
p.add_argument("--quick", action="store_true", help="short measurements (about 1 s each) to check the harness")
p.add_argument("--threads", type=int, default=2, help="threads for every engine (torch, ours, ORT intra-op)")
p.add_argument("--configs", default="a,b,c,d,f", help="throughput configs (subset of a,b,c,d,f); e and stream always run")
p.add_argument("--onnx-configs", default="a", help="configs exported to ONNX for batch inference")
p.add_argument("--engines", default="torch,ours,onnx", help="which engines to run, in round order")
p.add_argument("--ours-cmd", default="", help="override the command for our engine (placeholders {configs} {threads} {json} {quick})")
p.add_argument("--timeout", type=float, default=1800, help="seconds one engine may take for one round")
p.add_argument("--out", default="out/compare", help="work folder for ONNX files, raw JSON and logs (relative to the repository)")
p.add_argument("--results", default="benchmarks/compare/results.md", help="markdown table written here (relative to the repository)")
p.add_argument("--max-load", type=float, default=0,
               help="before each engine run, wait (up to --timeout s) until the 1-minute load average is at most this (0: don't wait)")
p.add_argument("--no-peak", action="store_true", help="skip the FMA peak and GEMM-fraction measurement (ours, before the rounds)")
p.add_argument("--spread-flag", type=float, default=0.20,
               help="mark a cell whose rounds spread (max - min) / median exceeds this fraction")
p.add_argument("--note", default="", help="free text printed under the machine information (e.g. 'machine busy')")
args = p.parse_args()
for _cid in args.configs.split(","):
    if _cid not in THROUGHPUT:
        p.error(f"'--configs' contained '{_cid}'; it must be a comma list of {','.join(THROUGHPUT)}.")
for _e in args.engines.split(","):
    if _e not in ("torch", "ours", "onnx"):
        p.error(f"'--engines' contained '{_e}'; it must be a comma list of torch,ours,onnx.")
if args.rounds < 1:
    p.error(f"'--rounds' was {args.rounds}; it must be positive.")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(cmd, timeout=None):
    """Runs cmd (list) in the repository root; returns (exit code, stdout, stderr)."""
    try:
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired:
        return -1, "", f"timed out after {timeout} s"
    except OSError as e:
        return -1, "", str(e)


def tail(text, n=15):
    return "\n".join("    " + l for l in text.strip().splitlines()[-n:])


def machine_info():
    model = "?"
    rc, out, _ = sh(["lscpu"])
    for line in out.splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    _, commit, _ = sh(["git", "rev-parse", "--short", "HEAD"])
    _, dirty, _ = sh(["git", "status", "--porcelain", "--untracked-files=no"])
    _, dotnet, _ = sh(["dotnet", "--version"])
    return dict(cpu=model, logical_cpus=os.cpu_count(), os=platform.platform(),
                date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                commit=commit.strip() + (" (with uncommitted changes)" if dirty.strip() else ""),
                dotnet=dotnet.strip())


# ----- the three engines: a command per round and a reader that maps its JSON to the common schema -----

def torch_cmd(json_path):
    only = ",".join(args.configs.split(",") + ["e", "stream"])
    cmd = [PY, "benchmarks/compare/torch_rnn_bench.py", "--threads", str(args.threads), "--only", only, "--json", json_path]
    if args.quick:
        cmd += ["--warmup", "2", "--reps", "3", "--min-time", "1", "--latency-reps", "100"]
    return cmd


def torch_read(raw):
    t = str(raw["threads"])  # latencies are reported per thread count; compare at the common one
    return dict(version=f"torch {raw['torch']}", blas=raw.get("blas"),
                configs={c["id"]: dict(train_tok_s=c["train_tok_s"], infer_tok_s=c["infer_tok_s"]) for c in raw["configs"]},
                e_ms=raw["latency_e"][t]["median_ms"], e_p90_ms=raw["latency_e"][t]["p90_ms"],
                stream_step_ms=raw["stream"][t]["median_ms"], stream_step_p90_ms=raw["stream"][t]["p90_ms"],
                e_ms_1thread=raw["latency_e"].get("1", {}).get("median_ms"),
                stream_step_ms_1thread=raw["stream"].get("1", {}).get("median_ms"))


def onnx_cmd(json_path):
    cmd = ["dotnet", ONNX_DLL, "--models", f"{args.out}/onnx", "--threads", str(args.threads), "--json", json_path]
    return cmd + (["--quick"] if args.quick else [])


def common_read(raw):
    """'ours' and the ONNX route both emit the common schema (README.md); keep only its fields."""
    out = dict(version=raw.get("version"), configs={})
    for cid, c in (raw.get("configs") or {}).items():
        out["configs"][cid] = dict(train_tok_s=c.get("train_tok_s"), infer_tok_s=c.get("infer_tok_s"))
    for k in ("e_ms", "e_p90_ms", "stream_step_ms", "stream_step_p90_ms"):
        out[k] = raw.get(k)
    return out


def ours_template():
    """The command template for our engine, or (None, reason) when it cannot run yet."""
    if args.ours_cmd:
        return args.ours_cmd, None
    proj = os.path.join(ROOT, OURS_PROJECT)
    if not os.path.isdir(proj):
        return None, f"{OURS_PROJECT} does not exist yet"
    # BenchmarkDotNet without our flags would run its whole suite; require the compare flag to be implemented.
    mentions = False
    for dirpath, _, files in os.walk(proj):
        if "/bin" in dirpath or "/obj" in dirpath:
            continue
        for f in files:
            if f.endswith(".cs") and "--json" in open(os.path.join(dirpath, f), encoding="utf-8", errors="replace").read():
                mentions = True
    if not mentions:
        return None, f"{OURS_PROJECT} exists but none of its .cs files mentions the '--json' compare flag"
    return OURS_DEFAULT, None


def ours_cmd(template, json_path):
    json_path = os.path.join(ROOT, json_path)  # the command may change directory (dotnet run, scripts)
    configs = ",".join(args.configs.split(",") + ["e", "stream"])
    return shlex.split(template.format(configs=configs, threads=args.threads, json=json_path,
                                       quick="--quick" if args.quick else ""))


# ----- preparation -----

def prepare():
    """Returns {engine: (make_command, reader) or reason it is skipped}."""
    engines = {}
    wanted = [e for e in args.engines.split(",") if e]
    if "torch" in wanted:
        rc, out, err = sh([PY, "-c", "import torch; print(torch.__version__)"])
        engines["torch"] = (torch_cmd, torch_read) if rc == 0 else \
            f"{PY} cannot import torch (apt-get install -y python3-torch libopenblas0-openmp):\n{tail(err, 3)}"
    if "ours" in wanted:
        template, reason = ours_template()
        if template is None:
            engines["ours"] = reason
        else:
            if not args.ours_cmd:
                log(f"building {OURS_PROJECT} ...")
                rc, out, err = sh(["dotnet", "build", "-c", "Release", "--nologo", "-v", "q", OURS_PROJECT], timeout=args.timeout)
                if rc != 0:
                    template, engines["ours"] = None, f"dotnet build {OURS_PROJECT} failed:\n{tail(out + err)}"
            if template is not None:
                engines["ours"] = ((lambda j, t=template: ours_cmd(t, j)), common_read)
    if "onnx" in wanted:
        log(f"exporting ONNX models to {args.out}/onnx ...")
        rc, out, err = sh([PY, "benchmarks/compare/export_onnx.py", "--out", f"{args.out}/onnx", "--configs", args.onnx_configs],
                          timeout=args.timeout)
        if rc != 0:
            engines["onnx"] = f"export_onnx.py failed:\n{tail(out + err)}"
        else:
            log(f"building {ONNX_PROJECT} ...")
            rc, out, err = sh(["dotnet", "build", "-c", "Release", "--nologo", "-v", "q", ONNX_PROJECT], timeout=args.timeout)
            engines["onnx"] = (onnx_cmd, common_read) if rc == 0 else f"dotnet build {ONNX_PROJECT} failed:\n{tail(out + err)}"
    return {e: engines[e] for e in wanted}  # round order as asked


# ----- the machine's FMA peak and our GEMM as a fraction of it -----

OURS_DLL = f"{OURS_PROJECT}/bin/Release/net10.0/MLNet.Recurrent.Benchmarks.dll"


def measure_peak(engines):
    """Runs our benchmarks' peak mode once (before the rounds); returns its JSON or a reason it did not run."""
    if args.no_peak or not isinstance(engines.get("ours"), tuple) or args.ours_cmd:
        return None
    path = os.path.join(ROOT, args.out, "peak.json")
    log(f"measuring the FMA peak and GEMM fractions: dotnet {OURS_DLL} peak --threads {args.threads}")
    wait_for_quiet()
    rc, out, err = sh(["dotnet", OURS_DLL, "peak", "--threads", str(args.threads), "--json", path], timeout=args.timeout)
    log(out)
    if rc != 0 or not os.path.exists(path):
        return f"peak mode failed:\n{tail(out + err)}"
    with open(path) as f:
        return json.load(f)


# ----- rounds -----

def run_rounds(engines):
    rounds = {e: [] for e in engines}
    commands = {}
    failures = {}
    for r in range(1, args.rounds + 1):
        for name, spec in engines.items():
            if isinstance(spec, str) or name in failures:
                continue
            make, read = spec
            json_path = f"{args.out}/round{r}_{name}.json"
            if os.path.exists(os.path.join(ROOT, json_path)):
                os.remove(os.path.join(ROOT, json_path))
            cmd = make(json_path)
            commands[name] = " ".join(shlex.quote(c) for c in cmd)
            log(f"round {r}/{args.rounds} {name}: {commands[name]}")
            wait_for_quiet()
            t0 = time.time()
            load = os.getloadavg()[0]  # other work on the machine shows up here, and in the numbers
            rc, out, err = sh(cmd, timeout=args.timeout)
            with open(os.path.join(ROOT, f"{args.out}/round{r}_{name}.log"), "w") as f:
                f.write(out + "\n--- stderr ---\n" + err)
            if rc != 0 or not os.path.exists(os.path.join(ROOT, json_path)):
                failures[name] = f"round {r} exited with {rc} and {'no' if not os.path.exists(os.path.join(ROOT, json_path)) else 'a'} JSON:\n{tail(out + err)}"
                log(f"  {name} FAILED; dropped from the remaining rounds\n{failures[name]}")
                continue
            with open(os.path.join(ROOT, json_path)) as f:
                rounds[name].append(dict(read(json.load(f)), load_avg_1min_before=load))
            log(f"  done in {time.time() - t0:.0f} s (1-minute load average before: {load:.1f})")
    return rounds, commands, failures


def wait_for_quiet():
    if args.max_load <= 0:
        return
    t0 = time.time()
    while os.getloadavg()[0] > args.max_load and time.time() - t0 < args.timeout:
        time.sleep(10)
    if time.time() - t0 >= 10:
        log(f"  waited {time.time() - t0:.0f} s for the load average to reach {args.max_load} (now {os.getloadavg()[0]:.1f})")


def median_of(values):
    vals = [v for v in values if isinstance(v, (int, float))]
    return statistics.median(vals) if vals else None


def summarize(rounds):
    """{engine: {metric key: median over rounds}} with keys like 'a.train_tok_s', 'e_ms'."""
    s = {}
    for name, rs in rounds.items():
        keys = set()
        for r in rs:
            keys |= {f"{cid}.{k}" for cid, c in r["configs"].items() for k in c}
            keys |= {k for k in r if k not in ("configs", "version", "blas") and r[k] is not None}
        s[name] = {}
        for k in keys:
            if "." in k:
                cid, m = k.split(".", 1)
                vals = [r["configs"].get(cid, {}).get(m) for r in rs]
            else:
                vals = [r.get(k) for r in rs]
            s[name][k] = median_of(vals)
            s[name][k + ".rounds"] = [v for v in vals if v is not None]
    return s


# ----- the report -----

def spread(values):
    """(max - min) / median of a cell's rounds, or None."""
    vals = [v for v in values if isinstance(v, (int, float))]
    if len(vals) < 2:
        return None
    m = statistics.median(vals)
    return (max(vals) - min(vals)) / m if m else None


def flag(s, engine, key):
    sp = spread(s.get(engine, {}).get(key + ".rounds", []))
    return " !" if sp is not None and sp > args.spread_flag else ""


def fmt(v, unit="tok"):
    if v is None:
        return "–"
    if unit == "tok":
        return f"{v:,.0f}"
    return f"{v:.3f}" if v >= 0.1 else f"{v:.4f}"


def ratio(num, den):
    return f"{num / den:.2f}×" if num is not None and den is not None and den > 0 else "–"


def report(info, engines, commands, failures, s, versions_rounds, n_rounds, peak=None):
    versions = {e: (rs[0].get("version") if rs else None) for e, rs in versions_rounds.items()}
    get = lambda e, k: s.get(e, {}).get(k)
    L = []
    L.append("# MLNet.Recurrent vs PyTorch vs ONNX Runtime")
    L.append("")
    L.append(f"- machine: {info['cpu']}, {info['logical_cpus']} logical CPUs, {info['os']}")
    L.append(f"- date: {info['date']}; commit {info['commit']}; .NET SDK {info['dotnet']}")
    L.append(f"- engines: PyTorch `{versions.get('torch') or '–'}`, ONNX Runtime `{versions.get('onnx') or '–'}`, "
             f"ours `{versions.get('ours') or '–'}`; threads {args.threads} for all")
    # .NET settings that change the code our side runs (DOTNET_EnableAVX512=0: the 256-bit path) head the command line.
    jit_env = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(os.environ.items())
                       if k.startswith(("DOTNET_Enable", "DOTNET_Tiered", "DOTNET_TC_", "DOTNET_ReadyToRun")))
    command = (os.environ.get('COMPARE_CMD') or '').strip() or 'benchmarks/compare/run.py ' + ' '.join(shlex.quote(a) for a in sys.argv[1:])
    L.append(f"- command: `{(jit_env + ' ' if jit_env else '') + command}`"
             f" ({n_rounds} interleaved rounds{', quick' if args.quick else ''}; every cell is the median over rounds)")
    if args.note:
        L.append(f"- note: {args.note}")
    loads = [r.get("load_avg_1min_before") for rs in versions_rounds.values() for r in rs]
    loads = [x for x in loads if x is not None]
    if loads and max(loads) > info["logical_cpus"]:
        L.append(f"- **warning: the machine was busy during this run (1-minute load average up to {max(loads):.1f} on "
                 f"{info['logical_cpus']} logical CPUs, see the last table); these numbers are not representative.**")
    for name in ("torch", "ours", "onnx"):
        spec = engines.get(name)
        if isinstance(spec, str):
            L.append(f"- **{name} skipped**: {spec.splitlines()[0]}")
        elif name in failures:
            L.append(f"- **{name} failed**: {failures[name].splitlines()[0]}")
        elif name in commands:
            L.append(f"- {name} ran: `{commands[name]}`")
    L.append("")
    L.append("## Throughput, tokens/s (higher is better)")
    L.append("")
    L.append("Ratios are ours divided by the other engine: above 1× means ours is faster. A cell marked `!` moved by more "
             f"than {args.spread_flag:.0%} of its median between rounds (max - min over median; every round is in the last table).")
    L.append("")
    L.append("| config | model | ours train | PyTorch train | ours/PyTorch train | ours infer | PyTorch infer | ours/PyTorch infer | ONNX RT infer | ours/ONNX RT infer |")
    L.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for cid in args.configs.split(","):
        ot, pt = get("ours", f"{cid}.train_tok_s"), get("torch", f"{cid}.train_tok_s")
        oi, pi, xi = get("ours", f"{cid}.infer_tok_s"), get("torch", f"{cid}.infer_tok_s"), get("onnx", f"{cid}.infer_tok_s")
        f = lambda e, m: flag(s, e, f"{cid}.{m}")
        L.append(f"| {cid} | {DESCRIBE.get(cid, '?')} | {fmt(ot)}{f('ours', 'train_tok_s')} | {fmt(pt)}{f('torch', 'train_tok_s')} | "
                 f"{ratio(ot, pt)} | {fmt(oi)}{f('ours', 'infer_tok_s')} | {fmt(pi)}{f('torch', 'infer_tok_s')} | "
                 f"{ratio(oi, pi)} | {fmt(xi)}{f('onnx', 'infer_tok_s')} | {ratio(oi, xi)} |")
    L.append("")
    L.append("## Latency, ms (lower is better)")
    L.append("")
    L.append("Ratios are the other engine's time divided by ours: above 1× means ours is faster.")
    L.append("")
    L.append("| measurement | ours | PyTorch | PyTorch/ours | ONNX RT | ONNX RT/ours |")
    L.append("|---|--:|--:|--:|--:|--:|")
    rows = [("e: classifier B=1, T=100, LSTM 128, V 10000, E 128 — median", "e_ms"),
            ("e — p90", "e_p90_ms"),
            ("stream: one config-a LM step, B=1, state carried — median", "stream_step_ms"),
            ("stream — p90", "stream_step_p90_ms")]
    for label, k in rows:
        o, t, x = get("ours", k), get("torch", k), get("onnx", k)
        L.append(f"| {label} | {fmt(o, 'ms')}{flag(s, 'ours', k)} | {fmt(t, 'ms')}{flag(s, 'torch', k)} | {ratio(t, o)} | "
                 f"{fmt(x, 'ms')}{flag(s, 'onnx', k)} | {ratio(x, o)} |")
    L.extend(peak_section(peak, s))
    L.append("")
    L.append("## Orientation: numbers quoted in the performance issue (another machine of this kind)")
    L.append("")
    L.append("| | issue | here |")
    L.append("|---|--:|--:|")
    for cid in args.configs.split(","):
        if cid in ISSUE_TORCH:
            L.append(f"| PyTorch {cid} train tok/s | {ISSUE_TORCH[cid][0]:,} | {fmt(get('torch', f'{cid}.train_tok_s'))} |")
            L.append(f"| PyTorch {cid} infer tok/s | {ISSUE_TORCH[cid][1]:,} | {fmt(get('torch', f'{cid}.infer_tok_s'))} |")
    L.append(f"| PyTorch e ms | {ISSUE_TORCH_E_MS} | {fmt(get('torch', 'e_ms'), 'ms')} |")
    L.append(f"| ONNX RT a infer tok/s | {ISSUE_ONNX['a_infer_tok_s']:,} | {fmt(get('onnx', 'a.infer_tok_s'))} |")
    L.append(f"| ONNX RT e ms | {ISSUE_ONNX['e_ms']} | {fmt(get('onnx', 'e_ms'), 'ms')} |")
    L.append(f"| ONNX RT stream step ms | {ISSUE_ONNX['stream_step_ms']} | {fmt(get('onnx', 'stream_step_ms'), 'ms')} |")
    t1e, t1s = get("torch", "e_ms_1thread"), get("torch", "stream_step_ms_1thread")
    if t1e is not None:
        L.append("")
        L.append(f"PyTorch with 1 thread (not in the tables): e {fmt(t1e, 'ms')} ms, stream step {fmt(t1s, 'ms')} ms.")
    L.append("")
    L.append("## Every round (spread)")
    L.append("")
    L.append(f"`load_avg_1min_before` is the machine's 1-minute load average when that engine's round started; "
             f"with {info['logical_cpus']} logical CPUs, a value well above {info['logical_cpus']} means other work "
             "competed for the cores and the round's numbers are low. OpenMP (PyTorch) suffers most from that.")
    L.append("")
    L.append("| engine | metric | rounds |")
    L.append("|---|---|---|")
    for name in ("ours", "torch", "onnx"):
        for k in sorted(k for k in s.get(name, {}) if not k.endswith(".rounds")):
            vals = s[name][k + ".rounds"]
            if not vals:
                continue
            if k.startswith("load_avg"):
                L.append(f"| {name} | {k} | {', '.join(f'{v:.1f}' for v in vals)} |")
                continue
            unit = "ms" if k.endswith("_ms") or "_ms_" in k else "tok"
            L.append(f"| {name} | {k} | {', '.join(fmt(v, unit) for v in vals)} |")
    return "\n".join(L) + "\n"


def peak_section(peak, s):
    L = ["", "## FMA peak and fraction of it", ""]
    if peak is None:
        return L + ["Not measured (`--no-peak`, a custom `--ours-cmd`, or our engine did not run)."]
    if isinstance(peak, str):
        return L + [f"**Not measured**: {peak.splitlines()[0]}"]
    L.append(f"`dotnet {OURS_DLL} peak --threads {args.threads}`, once before the rounds: twelve independent FMA chains per "
             "thread (the best of 5 trials), and our GEMM (median of 9 trials [min-max]) as a fraction of the "
             f"{peak['threads']}-thread peak. \"In turn\": each GEMM trial right after a 0.2 s peak trial, the GEMM's rate over "
             "that peak trial's, median [min-max] of the 9 (the two then meet the same machine; a busy minute lowers both). "
             "A multiply-add counts two FLOPs.")
    L.append("")
    L.append("| vector width | peak, 1 thread | peak, all threads | product | GEMM GFLOP/s | fraction of peak | in turn |")
    L.append("|---|--:|--:|---|--:|--:|--:|")
    best = None
    for width, w in sorted(peak["widths"].items()):
        best = max(best or 0, w["peak_gflops"])
        for i, g in enumerate(w["gemm"]):
            head = f"| {width}-bit | {w['peak_1thread_gflops']:.1f} | {w['peak_gflops']:.1f} |" if i == 0 else "| | | |"
            turn = (f"{g['fraction_in_turn_median']:.0%} [{g['fraction_in_turn_min']:.0%}-{g['fraction_in_turn_max']:.0%}]"
                    if "fraction_in_turn_median" in g else "")
            L.append(f"{head} {g['shape']} | {g['median_gflops']:.1f} [{g['min_gflops']:.1f}-{g['max_gflops']:.1f}] | {g['fraction_of_peak']:.0%} | {turn} |")
    if best:
        L.append("")
        L.append(f"Whole steps as a fraction of the widest peak ({best:.1f} GFLOP/s): matmul FLOPs per token as torch_rnn_bench "
                 "counts them (forward; a training step counts three forwards), times tokens/s.")
        L.append("")
        L.append("| config | forward MFLOP/token | ours train | ours infer | PyTorch train | PyTorch infer | ONNX RT infer |")
        L.append("|---|--:|--:|--:|--:|--:|--:|")
        for cid in args.configs.split(","):
            ff = forward_flops_per_token(cid)
            cell = lambda e, m, k: (f"{s.get(e, {}).get(f'{cid}.{m}') * ff * k / 1e9 / best:.0%}"
                                    if s.get(e, {}).get(f"{cid}.{m}") else "–")
            L.append(f"| {cid} | {ff / 1e6:.2f} | {cell('ours', 'train_tok_s', 3)} | {cell('ours', 'infer_tok_s', 1)} | "
                     f"{cell('torch', 'train_tok_s', 3)} | {cell('torch', 'infer_tok_s', 1)} | {cell('onnx', 'infer_tok_s', 1)} |")
    return L


def main():
    os.makedirs(os.path.join(ROOT, args.out), exist_ok=True)
    info = machine_info()
    engines = prepare()
    for name, spec in engines.items():
        if isinstance(spec, str):
            log(f"SKIPPING {name}: {spec}")
    peak = measure_peak(engines)
    rounds, commands, failures = run_rounds(engines)
    s = summarize(rounds)
    md = report(info, engines, commands, failures, s, rounds, args.rounds, peak)
    print(md)
    results = os.path.join(ROOT, args.results)
    os.makedirs(os.path.dirname(results), exist_ok=True)
    with open(results, "w") as f:
        f.write(md)
    with open(os.path.join(ROOT, args.out, "results.json"), "w") as f:
        json.dump(dict(machine=info, args=vars(args), peak=peak, commands=commands, failures=failures,
                       skipped={k: v for k, v in engines.items() if isinstance(v, str)}, rounds=rounds, medians=s), f, indent=1)
    log(f"wrote {args.results} and {args.out}/results.json")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
