#!/usr/bin/env python3
"""Runs the Python reference scripts and prints the side-by-side table for bench/run.

  compare.py run-python --python-dir DIR [--workloads W1,W3] [--quick]   > python.jsonl
  compare.py table --java java.jsonl --python python.jsonl [--svg chart.svg] > table.md

--svg also draws the last column of the table as a chart: for every row with a Python figure, our
time (threads and processes) divided by Python's best, on a logarithmic scale.

Every ratio in the table compares figures measured in the same run on the same machine.
"""
import argparse
import html
import json
import math
import os
import statistics
import subprocess
import sys

PYTHON = "/usr/bin/python3"

# (script, backends, extra arguments): the Python tools side by side with ours.
FULL = {
    "W1": [("w1_tiny.py", ["pool", "ppe", "tpe", "joblib"], ["--n", "1000", "--paired", "--repeat", "7"]),
           ("w1_tiny.py", ["pool", "ppe_c1000", "joblib"], ["--n", "1000000", "--paired", "--repeat", "5"])],
    "W2": [("w2_sleep.py", ["procs", "pool"], ["--repeat", "3"])],
    "W3": [("w3_cpu.py", ["seq", "pool", "ppe", "joblib"], ["--repeat", "3"])],
    "W4": [("w4_cold.py", ["pool", "ppe", "tpe", "joblib"], ["--repeat", "1"])] * 3,
    "W5": [("w5_roundtrip.py", ["pool_async", "ppe", "tpe", "joblib"], ["--repeat", "3"])],
    "W6": [("w6_payload.py", ["pool", "pool_c1", "ppe", "joblib"], ["--repeat", "3"])],
    # pool and joblib_copy pickle 200 MB per task: they do not finish in minutes
    "W8": [("w8_shared.py", ["seq", "joblib"], ["--repeat", "3"])],
    "W7": [("w7_recycle.py", ["pool"], ["--repeat", "1"])],
}
QUICK = {
    "W1": [("w1_tiny.py", ["pool", "tpe"], ["--n", "1000", "--paired", "--repeat", "2"]),
           ("w1_tiny.py", ["pool"], ["--n", "10000", "--paired", "--repeat", "2"])],
    "W2": [("w2_sleep.py", ["procs", "pool"], ["--repeat", "1"])],
    "W3": [("w3_cpu.py", ["seq", "pool"], ["--repeat", "1", "--k", "60000"])],
    "W4": [("w4_cold.py", ["pool", "tpe"], ["--repeat", "1"])],
    "W5": [("w5_roundtrip.py", ["pool_async", "tpe"], ["--repeat", "1", "--n", "1000"])],
    "W6": [("w6_payload.py", ["pool"], ["--repeat", "1", "--n", "10"])],
    "W8": [("w8_shared.py", ["joblib"], ["--repeat", "1", "--n", "10"])],
    "W7": [("w7_recycle.py", ["pool"], ["--repeat", "1", "--n", "20"])],
}


def run_python(args):
    plan = QUICK if args.quick else FULL
    for workload in args.workloads.split(","):
        for script, backends, extra in plan.get(workload, []):
            for backend in backends:
                command = [PYTHON, os.path.join(args.python_dir, script), "--backend", backend] + extra
                print("compare.py: " + " ".join(command[1:]), file=sys.stderr, flush=True)
                done = subprocess.run(command, capture_output=True, text=True, cwd=args.python_dir)
                if done.returncode != 0:
                    print(done.stderr, file=sys.stderr)
                    continue
                for line in done.stdout.splitlines():
                    if line.startswith("{"):
                        print(line, flush=True)


def load(path):
    rows = []
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    rows.append(json.loads(line))
    return rows


def fmt(value, unit=""):
    if value is None:
        return "–"
    if value >= 100:
        text = f"{value:,.0f}"
    elif value >= 10:
        text = f"{value:.1f}"
    elif value >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3g}"
    return text + unit


def table(args):
    java, python = load(args.java), load(args.python)

    def ours(workload, backend, key="median", **match):
        for row in java:
            if row["workload"] == workload and row["backend"] == backend and all(
                    row.get(k) == v for k, v in match.items()):
                return row.get(key)
        return None

    def py(workload, backend, key, **match):
        values = [row[key] for row in python if row.get("workload") == workload
                  and row.get("backend") == backend and key in row
                  and all(row.get(k) == v for k, v in match.items())]
        return statistics.median(values) if values else None

    def py_best(workload, backends, key, scale=1.0, lower_is_better=True, **match):
        found = [(py(workload, b, key, **match), b) for b in backends]
        found = [(v * scale, b) for v, b in found if v is not None]
        if not found:
            return None, None
        return (min if lower_is_better else max)(found)

    lines = ["| Workload | Metric | Loop | JDK executor | Parallel streams | Ours: threads | Ours: processes"
             " | Python's best | Ours (threads / processes) vs Python's best |",
             "|---|---|---|---|---|---|---|---|---|"]
    chart_rows = []

    def row(workload, metric, cells, best, best_name, lower_is_better=True):
        # a cell is a number, None, or (number, text shown)
        threads, processes = [c[0] if isinstance(c, tuple) else c for c in cells[3:5]]

        def versus(value):
            if value is None or best is None or value == 0:
                return "–"
            factor = value / best if lower_is_better else best / value
            return f"{factor:.2f}x" if factor >= 0.01 else f"{factor:.2g}x"

        factors = [None if v is None or best is None or v == 0 else
                   (v / best if lower_is_better else best / v) for v in (threads, processes)]
        if any(f is not None for f in factors):
            chart_rows.append((f"{workload}: {metric}", factors[0], factors[1], best_name))
        shown = [c[1] if isinstance(c, tuple) else fmt(c) for c in cells]
        python_cell = f"{fmt(best)} ({best_name})" if best is not None else "–"
        lines.append(f"| {workload} | {metric} | " + " | ".join(shown)
                     + f" | {python_cell} | {versus(threads)} / {versus(processes)} |")

    def w1_cell(backend, tasks, **match):
        value = ours("W1", backend, tasks=tasks, **match)
        ratio = ours("W1", backend, "ratio", tasks=tasks, **match)
        return None if value is None else (value, f"{fmt(value)} ({ratio:.2f}x)")

    py_backends_w1 = ["pool", "ppe", "ppe_c1000", "tpe", "joblib"]
    for tasks in sorted({r["tasks"] for r in java if r["workload"] == "W1"}):
        n = tasks + 1
        best, name = py_best("W1", py_backends_w1, "warm_median_s", 1e3, n=n)
        if name:
            name += f", {py('W1', name, 'ratio_to_seq_median', n=n):.1f}x its loop"
        backends = ["loop", "jdk-executor", "parallel-stream", "threads", "processes"]
        cells = [w1_cell(b, tasks) for b in backends]
        row(f"W1 {tasks:,} cubes", "warm ms (ratio to loop)", cells, best, name)
        if ours("W1", "threads", tasks=tasks, mode="generated map") is not None:
            row(f"W1 {tasks:,} cubes", "warm ms, generated cubeMap (ratio to loop)",
                [None, None, None, w1_cell("threads", tasks, mode="generated map"),
                 w1_cell("processes", tasks, mode="generated map")], best, name)
        if ours("W1", "loop-array", tasks=tasks) is not None:
            row(f"W1 {tasks:,} cubes", "warm ms, the loop into a long[] (ratio to the List<Long> loop)",
                [w1_cell("loop-array", tasks), None, None, None, None], None, None)
        if ours("W1", "processes-bound", tasks=tasks) is not None:
            row(f"W1 {tasks:,} cubes", "bound: the same bytes over pipes and a socket per worker, as a worker's channel, ms (ratio to loop)",
                [None, None, None, None, w1_cell("processes-bound", tasks)], None, None)
        best_name = py_best("W1", py_backends_w1, "warm_median_s", 1e3, n=n)[1]
        cold = py("W1", best_name, "cold_total_s", n=n) if best_name else None
        row(f"W1 {tasks:,} cubes", "cold ms: create + first map + close",
            [None, ours("W1", "jdk-executor", "cold_ms", tasks=tasks), None,
             ours("W1", "threads", "cold_ms", tasks=tasks), ours("W1", "processes", "cold_ms", tasks=tasks)],
            cold * 1e3 if cold else None, best_name)

    if any(r["workload"] == "W2" for r in java):
        best, name = py_best("W2", ["procs"], "cold_median_s")
        row("W2 10 jobs of a nap", "cold s: start + join", [None, None, None, ours("W2", "threads-jobs"),
            ours("W2", "processes-jobs")], best, "Process")
        best, name = py_best("W2", ["pool"], "cold_median_s")
        row("W2 pool of 10, 10 naps", "cold s: create + map + close",
            [None, ours("W2", "jdk-executor"), None, ours("W2", "threads"), ours("W2", "processes")], best, "Pool(10)")
        best, name = py_best("W2", ["procs"], "cold_median_s")
        for run, label in [("first", "first run"), ("second", "second run, the first run's workers warm")]:
            if ours("W2", f"processes-warm-{run}") is not None:
                row("W2 pool of 10, 10 naps, in a fresh JVM, reuseWorkersAcrossRuns", f"s: create + map + close, {label}",
                    [None, None, None, None, ours("W2", f"processes-warm-{run}")], best, "Process")

    if any(r["workload"] == "W3" for r in java):
        seq = py("W3", "seq", "warm_median_s")
        speedups = {}
        cold_speedups = {}
        for b in ["pool", "ppe", "joblib"]:
            warm, cold = py("W3", b, "warm_median_s"), py("W3", b, "cold_total_s")
            if seq and warm:
                speedups[b] = seq / warm
            if seq and cold:
                cold_speedups[b] = seq / cold
        for label, key, table_ in [("warm", "speedup", speedups), ("cold", "cold_speedup", cold_speedups)]:
            best_b = max(table_, key=table_.get) if table_ else None
            row("W3 40 CPU tasks", f"speedup over the loop, {label}",
                [1.0 if label == "warm" else ours("W3", "loop", key)] + [ours("W3", b, key) for b in
                 ["jdk-executor", "parallel-stream", "threads", "processes"]],
                table_.get(best_b), best_b, lower_is_better=False)

    if any(r["workload"] == "W4" for r in java):
        best, name = py_best("W4", ["pool", "ppe", "tpe", "joblib"], "first_total_s", 1e3)
        best_p, name_p = py_best("W4", ["pool", "ppe", "joblib"], "first_total_s", 1e3)
        row("W4 cold start, fresh runtime", "ms: create + 1 task + shutdown",
            [None, ours("W4", "jdk-executor"), None, ours("W4", "threads"), ours("W4", "processes")],
            best, name)
        if name_p and name_p != name:
            row("W4 cold start, fresh runtime", "ms, Python's best with processes",
                [None, None, None, None, ours("W4", "processes")], best_p, name_p)
        for backend, label in [("processes-warm-first", "first run"),
                               ("processes-warm-second", "second run, the first run's worker warm"),
                               ("processes-warm-second-cds", "second run, warm, with a class-data archive of the application")]:
            if ours("W4", backend) is not None:
                row("W4 cold start, fresh runtime, reuseWorkersAcrossRuns", f"ms, {label}",
                    [None, None, None, None, ours("W4", backend)], best_p, name_p)

    if any(r["workload"] == "W5" for r in java):
        best, name = py_best("W5", ["pool_async", "ppe", "tpe", "joblib"], "us_per_call_median")
        row("W5 round trip", "µs per applyAsync(trivial).get()",
            [ours("W5", "loop"), ours("W5", "jdk-executor"), None, ours("W5", "threads"), ours("W5", "processes")],
            best, name)
        best_p, name_p = py_best("W5", ["pool_async", "ppe", "joblib"], "us_per_call_median")
        if name_p and name_p != name:
            row("W5 round trip", "µs, Python's best with processes",
                [None, None, None, None, ours("W5", "processes")], best_p, name_p)
        bound = ours("W5", "processes-bound")
        if bound is not None:
            ratio = ours("W5", "processes-bound", "processes_to_bound")
            row("W5 bound: echo by a child JVM", "µs, 8 bytes over a pair of named pipes, answer read by a reader thread",
                [None, None, None, None, (bound, f"{fmt(bound)} (processes: {ratio:.2f}x)")], None, None)

    if any(r["workload"] == "W6" for r in java):
        best, name = py_best("W6", ["pool", "pool_c1", "ppe", "joblib"], "warm_MB_per_s",
                             lower_is_better=False)
        row("W6 200 payloads of 1 MB", "MB/s to workers, warm",
            [None, ours("W6", "jdk-executor"), None, ours("W6", "threads"), ours("W6", "processes")],
            best, name, lower_is_better=False)

    if any(r["workload"] == "W8" for r in java):
        tasks = ours("W8", "processes-shared", "tasks") or ours("W8", "loop", "tasks")
        best, name = py_best("W8", ["joblib"], "median_s", n=tasks)
        row(f"W8 {tasks} tasks reading one 200 MB array", "s, through SharedData",
            [ours("W8", "loop"), None, None, ours("W8", "threads-shared"), ours("W8", "processes-shared")],
            best, name)
        if ours("W8", "processes-shared-per-call") is not None:
            row(f"W8 {tasks} tasks reading one 200 MB array",
                "s, SharedData created, mapped and closed in each call (as joblib's memory map)",
                [None, None, None, None, ours("W8", "processes-shared-per-call")], best, name)
        row(f"W8 {tasks} tasks reading one 200 MB array", "s, passing the array (shared over 1 MiB)",
            [None, None, None, None, ours("W8", "processes-array")], best, name)
        row(f"W8 {tasks} tasks reading one 200 MB array", "s, array copied to every task (scaled)",
            [None, None, None, None, ours("W8", "processes-copy")], best, name)
    if any(r["workload"] == "W7" for r in java):
        best, name = py_best("W7", ["pool"], "median_s")
        row("W7 200 tasks, maxTasksPerWorker(1)", "cold s: create + map + close",
            [None, None, None, None, ours("W7", "processes")], best, "Pool(2, maxtasksperchild=1)")
        if ours("W7", "processes-classloader") is not None:
            row("W7 200 tasks, maxTasksPerClassLoader(1)", "cold s: create + map + close",
                [None, None, None, None, ours("W7", "processes-classloader")], best,
                "Pool(2, maxtasksperchild=1)")
        if ours("W7", "bare-jvms") is not None:
            row("W7 bound: 200 JVMs of a no-op main, 2 at a time", "s (workers' classpath and default JVM options)",
                [None, None, None, None, ours("W7", "bare-jvms")], None, None)

    if any(r["workload"] == "W1-cold" for r in java):
        reused = ours("W1-cold", "processes-reused")
        ratio = ours("W1-cold", "processes-reused", "ratio")
        row("W1-cold 999 cubes, second pool", "ms: create + first map + close (reused workers)",
            [None, None, None, ours("W1-cold", "threads"),
             None if reused is None else (reused, f"{fmt(reused)} ({ratio:.2f}x threads)")], None, None)
        fresh = ours("W1-cold", "processes")
        ratio = ours("W1-cold", "processes", "ratio")
        row("W1-cold 999 cubes, second pool", "ms, without reuseWorkersFor",
            [None, None, None, None, None if fresh is None else (fresh, f"{fmt(fresh)} ({ratio:.2f}x threads)")],
            None, None)

    if ours("W2", "bare-jvms") is not None:
        bare = ours("W2", "bare-jvms")
        jobs = ours("W2", "processes-jobs")
        row("W2 bound: 10 bare JVMs together", "s (`java -Xshare:auto -version`); jobs' target: + 0.5 s",
            [None, None, None, None, bare], None, None)
        if jobs is not None:
            lines.append(f"| W2 10 jobs against their bound | s | – | – | – | – | {fmt(jobs)} (target {fmt(bare + 0.5)})"
                         " | – | – |")
        floor = ours("W2", "worker-floor")
        if floor is not None:
            row("W2 worker floor: 10 worker mains to their handshake", "s, started together, until all exited",
                [None, None, None, None, floor], None, None)
        for backend, label in [("worker-floor", "without"), ("worker-floor-cds", "with")]:
            handshake = ours("W2", backend, "handshake_s")
            if handshake is not None and bare:
                row(f"W2 worker floor {label} a class-data archive", "s, 10 worker mains to their handshake (ratio to the bare JVMs)",
                    [None, None, None, None, (handshake, f"{fmt(handshake)} ({handshake / bare:.2f}x)")], None, None)

    scale = [r for r in java if r["workload"] == "W1-scale"]
    print("\n".join(lines))
    if args.svg:
        with open(args.svg, "w") as f:
            f.write(svg_chart(chart_rows))
    if scale:
        print()
        print("| W1-scale | tasks | ns per task | heap |")
        print("|---|---|---|---|")
        for r in scale:
            heap = (f"live heap max {fmt(r['heap_max_live_MB'])} MB (start {fmt(r['heap_start_MB'])} MB)"
                    if "heap_max_live_MB" in r else "")
            mode = " imap" if r.get("mode") == "imap" else " map"
            print(f"| {r['backend']}{mode} | {r['tasks']:,} | {fmt(r['median'])} | {heap} |")
    w6 = [r for r in java if r["workload"] == "W6" and r["backend"] == "processes"]
    if w6:
        r = w6[0]
        print()
        print(f"W6 processes: payload {fmt(r['payload_MB'])} MB; heap growth in the parent during the"
              f" warm maps {fmt(r['heap_peak_growth_MB'])} MB (garbage included); workers' peak RSS"
              f" {fmt(r['workers_peak_rss_MB'])} MB in all.")
    w8 = [r for r in java if r["workload"] == "W8" and r["backend"].startswith("processes")]
    if w8:
        print()
        print("| W8 memory (MB) | parent RSS | parent peak | workers RSS | workers private (RssAnon) | workers peak |")
        print("|---|---|---|---|---|---|")
        for r in w8:
            print(f"| {r['backend']} | {fmt(r['parent_rss_MB'])} | {fmt(r['parent_peak_rss_MB'])} |"
                  f" {fmt(r['workers_rss_MB'])} | {fmt(r['workers_private_MB'])} | {fmt(r['workers_peak_rss_MB'])} |")
        joblib_rss = py("W8", "joblib", "parent_peak_rss_MB")
        if joblib_rss is not None:
            print(f"| joblib (Python) | – | {fmt(joblib_rss)} | – | – | – |")
    print()
    print("Ratios in parentheses are to the loop timed just before each call in the same process"
          " (Python's against its own loop). The last column divides our time by Python's best time"
          " (for speedups and MB/s, Python's figure by ours): below 1.00x we are faster.")


def svg_chart(rows):
    """Bars of our time over Python's best (threads and processes), log scale, 1x marked."""
    low, high = 1 / 64, 64
    label_width, plot_width, bar, gap, top = 520, 420, 9, 10, 48
    height = top + len(rows) * (2 * bar + gap) + 40

    def x(factor):
        factor = min(max(factor, low), high)
        return label_width + plot_width * (math.log2(factor) - math.log2(low)) / (math.log2(high) - math.log2(low))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + plot_width + 20}" height="{height}"'
           ' font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="10" y="18" font-size="13" font-weight="bold">Our time divided by Python\'s best'
           ' in the same run (left of 1x: faster)</text>',
           f'<rect x="10" y="28" width="10" height="8" fill="#4477aa"/><text x="24" y="36">threads</text>',
           f'<rect x="84" y="28" width="10" height="8" fill="#ee6677"/><text x="98" y="36">processes</text>']
    for tick in [1 / 64, 1 / 16, 1 / 4, 1, 4, 16, 64]:
        tx = x(tick)
        text = f"{tick:g}x" if tick >= 1 else f"1/{round(1 / tick)}x"
        out.append(f'<line x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{height - 30}"'
                   f' stroke="{"black" if tick == 1 else "#dddddd"}"/>')
        out.append(f'<text x="{tx:.1f}" y="{height - 16}" text-anchor="middle">{text}</text>')
    y = top
    for label, threads, processes, best_name in rows:
        name = f" (vs {best_name})" if best_name else ""
        out.append(f'<text x="{label_width - 6}" y="{y + bar + 3}" text-anchor="end">'
                   f'{html.escape((label + name)[:95])}</text>')
        for offset, factor, colour in [(0, threads, "#4477aa"), (bar, processes, "#ee6677")]:
            if factor is None:
                continue
            one, end = x(1), x(factor)
            out.append(f'<rect x="{min(one, end):.1f}" y="{y + offset}" width="{max(abs(end - one), 1):.1f}"'
                       f' height="{bar - 1}" fill="{colour}"><title>{factor:.3g}x</title></rect>')
            out.append(f'<text x="{max(one, end) + 3:.1f}" y="{y + offset + bar - 2}" font-size="9">'
                       f'{factor:.2g}x</text>')
        y += 2 * bar + gap
    out.append("</svg>\n")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run-python")
    run.add_argument("--python-dir", required=True)
    run.add_argument("--workloads", default="W1,W2,W3,W4,W5,W6,W7,W8")
    run.add_argument("--quick", action="store_true")
    show = commands.add_parser("table")
    show.add_argument("--java", required=True)
    show.add_argument("--python")
    show.add_argument("--svg", help="also write the chart of the last column to this file")
    args = parser.parse_args()
    if args.command == "run-python":
        run_python(args)
    else:
        table(args)


if __name__ == "__main__":
    main()
