"""All-pairs body overlap of 10,000 agents: agentkit (exact) against datasketch MinHash-LSH; and the
memory of `agentkit overlap` on 20,000 agents of several shapes (`--memory`).

    python benchmarks/overlap.py [--agents 10000] [--corpora ../shared/corpora] [--workdir DIR]
                                 [--repeat 1] [--parallel] [--seed 7]
    python benchmarks/overlap.py --memory [--agents 20000] [--limit-gb 4] [--shapes perturbed,clusters-250,...]

`--memory` (issue 25): builds `--agents` files in each shape below and runs `agentkit overlap DIR --format
json` (the default: same-role verdicts, all four scores, groups, merge guidance) as a whole process under
a memory watch that kills it past `--limit-gb`; reports wall seconds, peak RSS (from wait4) and whether it
finished or refused up front (exit 1, one line saying why and what to do instead). Shapes:
  perturbed      this file's perturbed copies of every corpus agent (near-duplicates at every level);
  clusters-250   copies of 80 corpus agents, 250 each (half byte-identical, half with a few words
                 changed; names and descriptions kept): 2.5 million pairs that do the same job;
  clusters-500   the same with 40 agents, 500 each: 5 million such pairs, just under what agentkit lists;
  clusters-1000  the same with 20 agents, 1,000 each: 10 million such pairs, more than agentkit lists;
  copies         20 agents, 1,000 byte-identical copies each.

1. Builds `--agents` files from the shared corpora into a temporary folder: perturbed copies of
   every real agent (words deleted, inserted, changed; lines deleted, inserted from other agents,
   swapped; sections reordered; some exact copies), so there are many near-duplicate pairs at all
   Jaccard levels.
2. Runs, each as a whole process (interpreter start, imports, reading the files, the work):
   (a) agentkit: `agentkit.load` + `overlap(...).pairs(0.5, kind="body", scores=("body",))`, exact
       Jaccard of word 5-shingle sets;
   (b) agentkit-cli-body: the command line, `agentkit overlap DIR --kind body --min-score 0.5 --format
       json --limit 0` (must compute nothing but the body score);
   (c) agentkit-cli-all: `agentkit overlap DIR --format json --limit 0`: the same-role verdicts and all
       four scores of the listed pairs, the same-role groups and their merge guidance (the default);
   (d) datasketch: the same files, the same word 5-shingles, `MinHash.bulk` with 128 permutations,
       `MinHashLSH(threshold=0.5)`, insert all then query all (its candidate pairs).
   One after the other by default (clean timings on a small machine); `--parallel` starts both at
   once, side by side. Peak RSS of each process comes from wait4().
3. Ground truth: exact body Jaccard of every pair >= 0.6, with an inverted index over shingle hashes
   (prefix filtering: two sets with Jaccard >= t share one of the |x| - ceil(t|x|) + 1 rarest shingles
   of each), verified with exact set intersections. Recall is measured against it.

Bars: agentkit (library, body) and agentkit-cli-body <= 0.25 of datasketch's time with recall >= 0.95
on pairs with exact Jaccard >= 0.6; agentkit-cli-all (verdicts and all four scores) <= 1.0; peak memory
under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THRESHOLD = 0.5  # what both tools are asked for
TRUTH = 0.6  # the pairs recall is measured on

# -- the data set -----------------------------------------------------------------------------------------

_FRONT = re.compile(r"\A(\ufeff?---\r?\n.*?\r?\n---[ \t]*\r?\n?)(.*)\Z", re.S)
_FILLER = ("robust", "carefully", "also", "the", "quickly", "new", "always", "clearly", "scalable", "data")


def perturb(text: str, rng: random.Random, pool: list[str]) -> str:
    """A near copy of an agent file: the front matter kept, the body edited at a random strength."""
    match = _FRONT.match(text)
    head, body = (match.group(1), match.group(2)) if match else ("", text)
    if rng.random() < 0.08:
        return head + body  # an exact copy, as plugins ship them
    lines = body.split("\n")
    if rng.random() < 0.3:  # reorder the sections after the first
        sections: list[list[str]] = [[]]
        for line in lines:
            if line.startswith("#") and sections[-1]:
                sections.append([])
            sections[-1].append(line)
        if len(sections) > 2:
            rest = sections[1:]
            rng.shuffle(rest)
            lines = [line for section in [sections[0], *rest] for line in section]
    for _ in range(rng.choice((0, 0, 1, 2, 4, 8))):  # line edits
        if not lines:
            break
        at = rng.randrange(len(lines))
        roll = rng.random()
        if roll < 0.4:
            del lines[at]
        elif roll < 0.8:
            lines.insert(at, rng.choice(rng.choice(pool).split("\n")))
        else:
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
    rate = rng.choice((0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12))  # word edits
    if rate:
        edited = []
        for line in lines:
            words = []
            for word in line.split(" "):
                roll = rng.random()
                if roll < rate / 3:
                    continue
                if roll < 2 * rate / 3:
                    words += [word, rng.choice(_FILLER)]
                elif roll < rate:
                    words.append(word[::-1] or rng.choice(_FILLER))
                else:
                    words.append(word)
            edited.append(" ".join(words))
        lines = edited
    return head + "\n".join(lines)


def build(corpora: Path, target: Path, count: int, seed: int) -> list[Path]:
    sources = sorted(p for p in corpora.rglob("*.md") if p.parent != corpora)
    texts = [p.read_text(encoding="utf-8") for p in sources]
    rng = random.Random(seed)
    paths = []
    for n in range(count):
        out = target / f"set{n // 500:02d}" / f"{n:05d}-{sources[n % len(sources)].name}"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(perturb(texts[n % len(texts)], rng, texts), encoding="utf-8")
        paths.append(out)
    return paths


def build_clusters(corpora: Path, target: Path, count: int, size: int, seed: int, edits: bool = True) -> None:
    """`count` files made of `count // size` corpus agents, `size` copies each: half byte-identical, half
    (with `edits`) with one to five words reversed; names and descriptions kept."""
    sources = sorted(p for p in corpora.rglob("*.md") if p.parent != corpora)
    rng = random.Random(seed)
    picked = rng.sample(sources, max(1, count // size))
    texts = [p.read_text(encoding="utf-8") for p in picked]
    for n in range(count):
        text = texts[n % len(texts)]
        match = _FRONT.match(text)
        head, body = (match.group(1), match.group(2)) if match else ("", text)
        if edits and rng.random() < 0.5:
            words = body.split(" ")
            for _ in range(rng.choice((1, 2, 5))):
                at = rng.randrange(len(words))
                words[at] = words[at][::-1]
            body = " ".join(words)
        out = target / f"set{n // 500:02d}" / f"{n:05d}-{picked[n % len(picked)].name}"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(head + body, encoding="utf-8")


SHAPES = {
    "perturbed": lambda corpora, folder, count, seed: build(corpora, folder, count, seed),
    "clusters-250": lambda corpora, folder, count, seed: build_clusters(corpora, folder, count, 250, seed),
    "clusters-500": lambda corpora, folder, count, seed: build_clusters(corpora, folder, count, 500, seed),
    "clusters-1000": lambda corpora, folder, count, seed: build_clusters(corpora, folder, count, 1000, seed),
    "copies": lambda corpora, folder, count, seed: build_clusters(corpora, folder, count, 1000, seed, False),
}


def watched(command: list[str], limit: float) -> tuple[float, float, int, bool, str]:
    """Run a command, killing it once its RSS passes `limit` bytes: (seconds, peak RSS MB from wait4, exit
    code, whether it was killed, the last line of its stderr)."""
    import signal
    import threading

    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    killed = threading.Event()

    def watch() -> None:
        while process.poll() is None:
            try:
                with open(f"/proc/{process.pid}/status", encoding="ascii") as f:
                    rss = next((int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:")), 0)
            except OSError:
                return
            if rss > limit:
                killed.set()
                os.kill(process.pid, signal.SIGKILL)
                return
            time.sleep(0.05)

    threading.Thread(target=watch, daemon=True).start()
    err = process.stderr.read() if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    last = err.strip().splitlines()[-1] if err.strip() else ""
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), killed.is_set(), last


def memory(args: argparse.Namespace) -> None:
    limit = args.limit_gb * 1024**3
    results = []
    with tempfile.TemporaryDirectory(prefix="agentkit-overlap-memory-", dir=args.workdir) as tmp:
        for shape in args.shapes.split(","):
            folder = Path(tmp) / shape
            SHAPES[shape](args.corpora, folder, args.agents, args.seed)
            command = [sys.executable, "-m", "agentkit", "overlap", str(folder), "--format", "json"]
            seconds, peak, code, killed, last = watched(command, limit)
            outcome = (
                "killed"
                if killed
                else "finished"
                if code == 0
                else "refused"
                if code == 1
                else f"exit {code}"
            )
            results.append(
                {
                    "shape": shape,
                    "agents": args.agents,
                    "seconds": seconds,
                    "peak_rss_mb": peak,
                    "outcome": outcome,
                    "message": last if code == 1 else "",
                }
            )
            print(
                f"{shape:14} {args.agents:7,} agents {seconds:7.1f} s {peak:8.0f} MB  {outcome}"
                + (f": {last}" if code == 1 else ""),
                flush=True,
            )
    ok = all(
        r["outcome"] in ("finished", "refused") and r["peak_rss_mb"] < args.limit_gb * 1024 for r in results
    )
    print(
        f"bar: every shape finishes or refuses up front under {args.limit_gb:g} GB: {'PASS' if ok else 'FAIL'}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


# -- the two contenders (run as child processes) ----------------------------------------------------------


def run_agentkit(folder: str, out: str) -> None:
    import agentkit
    from agentkit._overlap.overlap import overlap

    pairs = overlap(agentkit.load(folder), loaded_only=False).pairs(THRESHOLD, kind="body", scores=("body",))
    with open(out, "w", encoding="utf-8") as f:
        for a, b, body in zip(pairs["a"], pairs["b"], pairs["body"], strict=True):
            f.write(f"{a}\t{b}\t{body!r}\n")


def run_datasketch(folder: str, out: str) -> None:
    from datasketch import MinHash, MinHashLSH

    from agentkit._overlap.shingles import word_tokens  # the same words as agentkit: same shingle sets

    paths = sorted(str(p) for p in Path(folder).rglob("*.md"))
    sets = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        match = _FRONT.match(text)
        words = word_tokens(match.group(2) if match else text)
        if len(words) < 5:
            sets.append([b" ".join(words)] if words else [])
        else:
            sets.append(list({b" ".join(words[i : i + 5]) for i in range(len(words) - 4)}))
    sketches = MinHash.bulk(sets, num_perm=128)
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=128)
    for key, sketch in enumerate(sketches):
        lsh.insert(key, sketch)
    found = set()
    for key, sketch in enumerate(sketches):
        for other in lsh.query(sketch):
            if other != key:
                found.add((min(key, other), max(key, other)))
    with open(out, "w", encoding="utf-8") as f:
        for a, b in sorted(found):
            f.write(f"{paths[a]}\t{paths[b]}\t{sketches[a].jaccard(sketches[b])!r}\n")


# -- ground truth -----------------------------------------------------------------------------------------


def ground_truth(folder: Path, threshold: float) -> tuple[dict[tuple[str, str], float], int]:
    """Exact Jaccard of every pair of bodies >= threshold (prefix-filtered inverted index)."""
    import agentkit
    from agentkit._overlap.shingles import word_tokens

    agents = list(agentkit.load(folder))
    paths = [str(a.path) for a in agents]
    sets = []
    for a in agents:
        words = word_tokens(a.body)
        shingles = {hash(tuple(words[i : i + 5])) for i in range(len(words) - 4)}
        sets.append(shingles if len(words) >= 5 else ({hash(tuple(words))} if words else set()))
    frequency = Counter(s for shingles in sets for s in shingles)
    # Prefix of each set in a global order (rarest first): any pair >= threshold shares a prefix item.
    index: dict[int, list[int]] = {}
    candidates: set[tuple[int, int]] = set()
    for x, shingles in enumerate(sets):
        ordered = sorted(shingles, key=lambda s: (frequency[s], s))
        need = math.ceil(threshold * len(ordered) - 1e-9)
        for s in ordered[: len(ordered) - need + 1]:
            bucket = index.setdefault(s, [])
            candidates.update((y, x) for y in bucket)
            bucket.append(x)
    truth = {}
    for x, y in candidates:
        a, b = sets[x], sets[y]
        if min(len(a), len(b)) < threshold * max(len(a), len(b)):
            continue
        inter = len(a & b)
        jaccard = inter / (len(a) + len(b) - inter)
        if jaccard >= threshold:
            truth[tuple(sorted((paths[x], paths[y])))] = jaccard
    return truth, len(candidates)


# -- driver -----------------------------------------------------------------------------------------------


CONTENDERS = {
    "agentkit": "agentkit library, body (exact)",
    "agentkit-cli-body": "agentkit overlap --kind body",
    "agentkit-cli-all": "agentkit overlap (verdicts)",
    "datasketch": "datasketch MinHash-LSH 128",
}
BODY_ONLY = (
    "agentkit",
    "agentkit-cli-body",
    "datasketch",
)  # the contenders whose pairs recall is measured on


def start(which: str, folder: Path, out: Path) -> tuple[subprocess.Popen, float]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    if which.startswith("agentkit-cli"):  # the command itself is the whole process
        options = ["--kind", "body", "--min-score", str(THRESHOLD)] if which == "agentkit-cli-body" else []
        command = [
            sys.executable,
            "-m",
            "agentkit",
            "overlap",
            str(folder),
            "--format",
            "json",
            "--limit",
            "0",
            *options,
        ]
        return subprocess.Popen(
            command, env=env, stdout=open(out.with_suffix(".json"), "w")
        ), time.perf_counter()
    command = [sys.executable, str(Path(__file__).resolve()), f"_{which}", str(folder), str(out)]
    return subprocess.Popen(command, env=env), time.perf_counter()


def finish(process: subprocess.Popen, started: float) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a child, from wait4 (Linux reports ru_maxrss in KB)."""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # agentkit overlap exits 1 only when it finds no agent files
        raise SystemExit(f"{' '.join(map(str, process.args[:4]))} failed with exit code {process.returncode}")
    return seconds, usage.ru_maxrss / 1024


def read_pairs(path: Path) -> dict[tuple[str, str], float]:
    document = path.with_suffix(".json")
    if document.is_file():  # the command line's JSON
        found = json.loads(document.read_text(encoding="utf-8"))["pairs"]
        return {tuple(sorted((p["a"], p["b"]))): float(p.get("body", 0.0)) for p in found}
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        a, b, value = line.split("\t")
        pairs[tuple(sorted((a, b)))] = float(value)
    return pairs


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] in ("_agentkit", "_datasketch"):
        (run_agentkit if sys.argv[1] == "_agentkit" else run_datasketch)(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--workdir", type=Path, help="build the files here (default: a temporary folder)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each contender; the best time counts")
    parser.add_argument("--parallel", action="store_true", help="run both contenders at the same time")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--memory", action="store_true", help="peak memory of `agentkit overlap` by set shape"
    )
    parser.add_argument("--limit-gb", type=float, default=4.0, help="--memory: kill a run past this RSS")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="--memory: the shapes to build and run")
    args = parser.parse_args()
    if args.memory:
        if args.agents == 10_000 and "--agents" not in sys.argv:
            args.agents = 20_000
        memory(args)
        return
    if not args.corpora.is_dir():
        raise SystemExit(f"no corpora at {args.corpora}")

    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="agentkit-overlap-bench-", dir=args.workdir) as tmp:
        work = Path(tmp)
        folder = work / "agents"
        began = time.perf_counter()
        build(args.corpora, folder, args.agents, args.seed)
        print(f"built {args.agents} agent files in {time.perf_counter() - began:.1f}s under {folder}")

        results: dict[str, list[tuple[float, float]]] = {name: [] for name in CONTENDERS}
        outputs = {name: work / f"{name}.tsv" for name in results}
        for _ in range(args.repeat):
            if args.parallel:
                running = {name: start(name, folder, outputs[name]) for name in results}
                for name, (process, started) in running.items():
                    results[name].append(finish(process, started))
            else:
                for name in results:
                    results[name].append(finish(*start(name, folder, outputs[name])))

        began = time.perf_counter()
        truth, candidates = ground_truth(folder, TRUTH)
        truth_seconds = time.perf_counter() - began
        found = {name: read_pairs(outputs[name]) for name in results}

    best = {name: min(runs, key=lambda r: r[0]) for name, runs in results.items()}
    peak = {name: max(r[1] for r in runs) for name, runs in results.items()}
    recall = {name: sum(pair in found[name] for pair in truth) / max(len(truth), 1) for name in BODY_ONLY}
    error = max(
        (abs(found["agentkit"][p] - v) for p, v in truth.items() if p in found["agentkit"]), default=0.0
    )
    ratios = {name: best[name][0] / best["datasketch"][0] for name in results}
    ratio = ratios["agentkit"]
    levels = Counter(min(int(v * 10), 9) for v in truth.values())

    mode = "side by side" if args.parallel else "one after the other"
    print(f"\n{args.agents} agents, whole processes run {mode}, best of {args.repeat}")
    print(
        f"ground truth: {len(truth)} pairs with exact body Jaccard >= {TRUTH} "
        f"({candidates} prefix-filter candidates, {truth_seconds:.1f}s); by level: "
        + ", ".join(f"{k / 10:.1f}+: {levels[k]}" for k in sorted(levels))
    )
    print(f"\n{'':32}{'seconds':>9}{'ratio':>7}{'peak RSS MB':>13}{'pairs':>10}{'recall >=0.6':>14}")
    for name, label in CONTENDERS.items():
        shown = f"{recall[name]:14.4f}" if name in recall else f"{'(verdicts)':>14}"
        print(
            f"{label:32}{best[name][0]:9.2f}{ratios[name]:7.2f}{peak[name]:13.0f}{len(found[name]):10}{shown}"
        )
    print(
        "\nbars: body only <= 0.25 of datasketch with recall >= 0.95; verdicts and all scores <= 1.0; < 1 GB"
    )
    print(f"agentkit body score vs exact Jaccard on the truth pairs: max abs error {error:.2e}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "agents": args.agents,
                    "parallel": args.parallel,
                    "truth_pairs": len(truth),
                    "ratio": ratio,
                    **{f"{n}_ratio": ratios[n] for n in results},
                    **{f"{n}_seconds": best[n][0] for n in results},
                    **{f"{n}_peak_rss_mb": peak[n] for n in results},
                    **{f"{n}_recall": recall[n] for n in recall},
                    **{f"{n}_pairs": len(found[n]) for n in results},
                    "agentkit_max_abs_error": error,
                },
                indent=2,
            )
        )
    ok = (
        max(ratios["agentkit"], ratios["agentkit-cli-body"]) <= 0.25
        and ratios["agentkit-cli-all"] <= 1.0
        and min(recall["agentkit"], recall["agentkit-cli-body"]) >= 0.95
        and max(peak[n] for n in results if n != "datasketch") < 1024
    )
    print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
