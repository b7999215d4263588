#!/usr/bin/python3
"""Cost curves: how training and inference tokens/s and peak memory grow with T, H and B, ours and PyTorch.

One command, from anywhere:   benchmarks/compare/cost_curves.sh [--rounds 3] [--seconds 2] [--threads 2]

The model is a character LM with one LSTM layer (V 65, E 64, LSTM 1 x H, linear to V at every step). Three sweeps
around the base point T 64, H 256, B 32: T in {16, 64, 256, 1024, 4096}, H in {64, 128, 256, 512, 1024},
B in {1, 4, 16, 64, 256}; plus T 4096 trained in chunks of 256 steps (truncated BPTT, state carried), which bounds
memory by the chunk. Every point runs in its own process (so peak memory is the point's own), the engines
interleaved point by point and round by round; every cell is the median over rounds, with min and max kept.
Writes benchmarks/compare/cost_curves.md (table) and benchmarks/compare/cost_curves.png (plot, drawn by the
benchmarks project's `costplot` mode with ScottPlot), and the raw points to out/cost_curves/points.json.
"""
import argparse, datetime, json, os, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = "/usr/bin/python3"
PROJECT = "benchmarks/MLNet.Recurrent.Benchmarks"
DLL = f"{PROJECT}/bin/Release/net10.0/MLNet.Recurrent.Benchmarks.dll"
BASE = dict(steps=64, hidden=256, batch=32, chunk=0)
SWEEPS = {
    "steps": [16, 64, 256, 1024, 4096],
    "hidden": [64, 128, 256, 512, 1024],
    "batch": [1, 4, 16, 64, 256],
}

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--rounds", type=int, default=3)
p.add_argument("--seconds", type=float, default=2.0, help="timed seconds per measurement (after at least 1 s of warm-up)")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--engines", default="ours,torch")
p.add_argument("--max-load", type=float, default=0, help="wait before each point until the 1-minute load average is at most this")
p.add_argument("--out", default="out/cost_curves")
p.add_argument("--quick", action="store_true",
               help="check the harness: the three smallest values of each sweep, 0.3 s per measurement, 1 round; not for quoting")
args = p.parse_args()
if args.quick:
    SWEEPS = {k: v[:3] for k, v in SWEEPS.items()}
    args.rounds, args.seconds = 1, 0.3


def points():
    seen, out = set(), []
    for key, values in SWEEPS.items():
        for v in values:
            pt = dict(BASE, **{key: v})
            k = (pt["steps"], pt["hidden"], pt["batch"], pt["chunk"])
            if k not in seen:
                seen.add(k)
                out.append(pt)
    longest = max(SWEEPS["steps"])
    out.append(dict(BASE, steps=longest, chunk=longest // 16))
    return out


def command(engine, pt):
    flags = ["--steps", str(pt["steps"]), "--hidden", str(pt["hidden"]), "--batch", str(pt["batch"]),
             "--chunk", str(pt["chunk"]), "--threads", str(args.threads), "--seconds", str(args.seconds)]
    if engine == "ours":
        return ["dotnet", DLL, "costcurves"] + flags
    return [PY, "benchmarks/compare/torch_cost_point.py"] + flags


def main():
    os.makedirs(os.path.join(ROOT, args.out), exist_ok=True)
    r = subprocess.run(["dotnet", "build", "-c", "Release", "--nologo", "-v", "q", PROJECT], cwd=ROOT)
    if r.returncode != 0:
        return r.returncode
    engines = [e for e in args.engines.split(",") if e]
    raw = []
    pts = points()
    for rnd in range(1, args.rounds + 1):
        for i, pt in enumerate(pts):
            for engine in engines:
                if args.max_load > 0:
                    while os.getloadavg()[0] > args.max_load:
                        time.sleep(5)
                load = os.getloadavg()[0]
                cmd = command(engine, pt)
                res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
                line = (res.stdout.strip().splitlines() or [""])[-1]
                if res.returncode != 0 or not line.startswith("{"):
                    print(f"round {rnd} point {pt} {engine} FAILED:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}", file=sys.stderr)
                    return 1
                rec = json.loads(line)
                rec.update(round=rnd, load_avg_1min_before=load)
                raw.append(rec)
                print(f"round {rnd}/{args.rounds} point {i + 1}/{len(pts)} {engine}: T {pt['steps']} H {pt['hidden']} B {pt['batch']}"
                      f"{' chunk ' + str(pt['chunk']) if pt['chunk'] else ''}: train {rec['train_tok_s']:,.0f} tok/s, "
                      f"infer {rec['infer_tok_s']:,.0f} tok/s, peak {rec['peak_bytes'] / 2**20:,.1f} MiB (load {load:.1f})",
                      file=sys.stderr, flush=True)
    summary = []
    for pt in pts:
        for engine in engines:
            rs = [x for x in raw if x["engine"] == engine and all(x[k] == pt[k] for k in ("steps", "hidden", "batch", "chunk"))]
            cell = dict(pt, engine=engine)
            for m in ("train_tok_s", "infer_tok_s", "peak_bytes"):
                vals = sorted(x[m] for x in rs)
                cell[m] = statistics.median(vals)
                cell[m + "_min"], cell[m + "_max"] = vals[0], vals[-1]
            summary.append(cell)
    info = dict(date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                command="benchmarks/compare/cost_curves.sh " + " ".join(sys.argv[1:]),
                commit=subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
                cpu=next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
                logical_cpus=os.cpu_count(), rounds=args.rounds, threads=args.threads,
                max_load=max(x["load_avg_1min_before"] for x in raw))
    path = os.path.join(ROOT, args.out, "points.json")
    with open(path, "w") as f:
        json.dump(dict(info=info, summary=summary, raw=raw), f, indent=1)
    # A quick run checks the harness; it writes beside its raw points, never over the committed table and plot.
    where = args.out if args.quick else "benchmarks/compare"
    r = subprocess.run(["dotnet", DLL, "costplot", "--json", path, "--png", f"{where}/cost_curves.png",
                        "--md", f"{where}/cost_curves.md"], cwd=ROOT)
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
