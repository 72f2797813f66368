# SPDX-License-Identifier: MIT
"""The figures of every bench suite in one shape, and the summary beside the baselines.

Each suite writes its own CSV (bench/<suite>/README.md). `normalize(suite, path)` turns one into
rows of (suite, figure, target, run, value, unit): one measured value of one target in one run.
`summarize(rows)` pairs each Qradio figure with its baseline(s) from the same run, as medians over
the runs, and says which figures it expected but did not find.
"""

import csv
import statistics

HTTP_WRK_UNITS = {"req_per_s": ("req/s", "req/s", "higher"), "p50_ms": ("p50", "ms", "lower"),
                  "p99_ms": ("p99", "ms", "lower")}
HELD_TARGETS = {("Qradio", "idle"): "Qradio idle keep-alive", ("Qradio", "heartbeat"): "Qradio SSE streams",
                ("nginx", "idle"): "nginx idle keep-alive"}


def _read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _num(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")


def held_figure(kind, n):
    """The figure names of the held-connection sweep (also read back by the plots)."""
    return {"p50": f"fresh GET /health p50, {n} held", "kb": f"KB per held connection, {n} held",
            "rss": f"server RSS, {n} held", "ok": f"connections held of {n}"}[kind]


def normalize(suite, path):
    out = []
    add = lambda figure, target, run, value, unit: out.append(  # noqa: E731
        [suite, figure, target, str(run), value, unit])
    rows = _read(path)
    if suite == "http":
        smallest = min((int(r["held"]) for r in rows if r["phase"] == "held"), default=None)
        for r in rows:
            if r["run"] == "median":
                continue
            if r["phase"] == "wrk" and r["metric"] in HTTP_WRK_UNITS:
                name, unit, _ = HTTP_WRK_UNITS[r["metric"]]
                add(f"{r['endpoint_or_kind']} {name}", r["target"], r["run"], _num(r["value"]), unit)
            elif r["phase"] == "held":
                target = HELD_TARGETS.get((r["target"], r["endpoint_or_kind"]))
                n, m, v = int(r["held"]), r["metric"], _num(r["value"])
                if not target:
                    continue
                if m == "p50_ms":
                    add(held_figure("p50", n), target, r["run"], v, "ms")
                elif m == "kb_per_conn":
                    add(held_figure("kb", n), target, r["run"], v, "KB")
                elif m == "rss_after_kb":
                    add(held_figure("rss", n), target, r["run"], v / 1024, "MB")
                elif m == "held_ok":
                    add(held_figure("ok", n), target, r["run"], v, "connections")
                elif n == smallest and m == "base_p50_ms":  # the sweep's point at 0 held
                    add(held_figure("p50", 0), target, r["run"], v, "ms")
                elif n == smallest and m == "rss_before_kb":
                    add(held_figure("rss", 0), target, r["run"], v / 1024, "MB")
    elif suite == "files":
        by_run = {}
        for r in rows:
            if r["run"] != "median":
                by_run.setdefault((r["target"], r["size"], r["direction"], r["run"]), {})[r["metric"]] = _num(r["value"])
        for (target, size, direction, run), m in by_run.items():
            add(f"{size} {direction} throughput", target, run, m.get("MiB_per_s", float("nan")), "MiB/s")
            add(f"{size} {direction} peak RSS growth", target, run,
                (m.get("peak_kb", float("nan")) - m.get("idle_kb", float("nan"))) / 1024, "MB")
    elif suite == "launch":
        names = {"Qradio": "Qradio window", "chromium --app": "chromium --app", "headless server": "headless server"}
        for r in rows:
            if r["metric"] == "launch":
                add("launch to page loaded", names[r["target"]], r["run"], _num(r["value"]), "ms")
            elif r["metric"] == "pss":
                add("PSS of the process tree", names[r["target"]], r["run"], _num(r["value"]), "MB")
    elif suite == "mcp":
        names = {"http-get": "Qradio GET /gradio_api/app_id", "api-run": "Qradio POST /run/add",
                 "mcp-raw": "Qradio MCP, one fetch", "mcp-sdk": "Qradio MCP, SDK client",
                 "fastapi-run": "FastAPI POST /run/add"}
        for r in rows:
            if r["metric"] in ("p50", "p99"):
                add(f"call {r['metric']}", names.get(r["kind"], r["kind"]), r["run"], _num(r["value"]), "ms")
    elif suite == "queue":
        for r in rows:
            if r["metric"] in ("p50", "p99"):
                add(f"round trip {r['metric']}", r["target"], r["run"], _num(r["value"]), "ms")
            elif r["metric"] == "events_per_s":
                add("streamed events", r["target"], r["run"], _num(r["value"]), "events/s")
            elif r["metric"] == "sequential_req_per_s":
                add("sequential requests", r["target"], r["run"], _num(r["value"]), "req/s")
    else:
        raise ValueError(f"unknown suite {suite}")
    return out


def expected(suite, rows):
    """(figure, Qradio target, baseline target, better, note) for the summary, in table order.
    `rows` (the suite's normalized rows) only provides names chosen at run time (FastAPI's
    uvloop variant, the held counts, the file sizes)."""
    targets = {r[2] for r in rows}
    figures = {r[1] for r in rows}
    spec = []
    if suite == "http":
        uvloop = sorted(t for t in targets if t.startswith("FastAPI uvloop")) or ["FastAPI uvloop"]
        for endpoint in ("GET /health", "POST /gradio_api/run/add"):
            for metric, better in (("req/s", "higher"), ("p50", "lower"), ("p99", "lower")):
                for base in (["nginx"] if endpoint == "GET /health" else []) + ["FastAPI h11"] + uvloop[:1]:
                    spec.append((f"{endpoint} {metric}", "Qradio", base, better,
                                 "nginx: a static file" if base == "nginx" and metric == "req/s" else ""))
        counts = sorted({int(f.split(", ")[1].split()[0]) for f in figures if f.startswith("fresh GET")} - {0})
        for n in counts or [0]:
            spec.append((held_figure("p50", n), "Qradio idle keep-alive", "nginx idle keep-alive", "lower", ""))
            spec.append((held_figure("p50", n), "Qradio SSE streams", "nginx idle keep-alive", "lower",
                         "nginx has no SSE route: its idle keep-alive is the nearest"))
            spec.append((held_figure("kb", n), "Qradio idle keep-alive", "nginx idle keep-alive", "lower", ""))
            spec.append((held_figure("kb", n), "Qradio SSE streams", "nginx idle keep-alive", "lower",
                         "nginx has no SSE route: its idle keep-alive is the nearest"))
    elif suite == "files":
        scale = {"K": 1, "M": 1 << 10, "G": 1 << 20}
        sizes = sorted({f.split()[0] for f in figures},
                       key=lambda s: float(s[:-1] or 0) * scale.get(s[-1:], 1) if s[:-1].replace(".", "").isdigit()
                       else 0) or ["?"]
        for size in sizes:
            for direction in ("upload", "download"):
                spec.append((f"{size} {direction} throughput", "Qradio", "nginx", "higher",
                             "nginx: WebDAV PUT" if direction == "upload" else "nginx: sendfile"))
            for direction in ("upload", "download"):
                spec.append((f"{size} {direction} peak RSS growth", "Qradio", "nginx", "lower", ""))
    elif suite == "launch":
        spec.append(("launch to page loaded", "Qradio window", "chromium --app", "lower", ""))
        spec.append(("PSS of the process tree", "Qradio window", "chromium --app", "lower",
                     "Qradio's includes its server; chromium's does not"))
    elif suite == "mcp":
        spec.append(("call p50", "Qradio MCP, SDK client", "FastAPI POST /run/add", "lower",
                     "no MCP server to run here: FastAPI's plain JSON call is a floor for a Python one"))
        spec.append(("call p50", "Qradio MCP, SDK client", "Qradio GET /gradio_api/app_id", "lower", "same server"))
        spec.append(("call p50", "Qradio MCP, one fetch", "Qradio POST /run/add", "lower", "same server"))
        spec.append(("call p50", "Qradio POST /run/add", "FastAPI POST /run/add", "lower", ""))
        spec.append(("call p99", "Qradio MCP, SDK client", "FastAPI POST /run/add", "lower", ""))
    elif suite == "queue":
        spec.append(("round trip p50", "Qradio predict", "FastAPI POST run/add", "lower",
                     "no Gradio here: one FastAPI request is a floor for its queue (join + stream)"))
        spec.append(("round trip p50", "Qradio predict", "Qradio GET /health", "lower", "same server, same client"))
        spec.append(("round trip p99", "Qradio predict", "FastAPI POST run/add", "lower", ""))
        spec.append(("streamed events", "Qradio count", "FastAPI stream", "higher",
                     "FastAPI: StreamingResponse, no queue"))
        spec.append(("streamed events", "Qradio count_blocking", "FastAPI stream", "higher",
                     "FastAPI: StreamingResponse, no queue"))
    return spec


def medians(rows):
    """{(suite, figure, target): (median over runs, unit, number of runs)}"""
    values = {}
    for suite, figure, target, run, value, unit in rows:
        values.setdefault((suite, figure, target), (unit, []))[1].append(float(value))
    return {k: (statistics.median(v) if not any(x != x for x in v) else float("nan"), unit, len(v))
            for k, (unit, v) in values.items()}


def summarize(suites, rows):
    """Returns (summary rows, missing): summary rows are dicts with suite, figure, qradio_target,
    qradio, baseline, baseline_value, ratio, unit, better, runs, note."""
    med = medians(rows)
    summary, missing = [], []
    for suite in suites:
        mine = [r for r in rows if r[0] == suite]
        for figure, qt, bt, better, note in expected(suite, mine):
            q, b = med.get((suite, figure, qt)), med.get((suite, figure, bt))
            for t, m in ((qt, q), (bt, b)):
                if m is None or m[0] != m[0]:
                    missing.append(f"{suite}: {figure}, {t}")
            if q is None or b is None:
                continue
            ratio = q[0] / b[0] if b[0] and q[0] == q[0] and b[0] == b[0] else float("nan")
            summary.append({"suite": suite, "figure": figure, "qradio_target": qt, "qradio": q[0],
                            "baseline": bt, "baseline_value": b[0], "ratio": ratio, "unit": q[1],
                            "better": better, "runs": min(q[2], b[2]), "note": note})
    return summary, sorted(set(missing))


def fmt(value):
    if value != value:
        return "-"
    a = abs(value)
    return f"{value:,.0f}" if a >= 1000 else f"{value:.1f}" if a >= 100 else f"{value:.2f}" if a >= 1 else f"{value:.3f}"


def table(summary):
    """The summary as aligned text, one line per figure."""
    head = ("suite", "figure", "Qradio", "value", "baseline", "value", "Qradio/base", "unit", "better", "note")
    lines = []
    for s in summary:
        lines.append((s["suite"], s["figure"], s["qradio_target"], fmt(s["qradio"]), s["baseline"],
                      fmt(s["baseline_value"]), "-" if s["ratio"] != s["ratio"] else f"{s['ratio']:.2f}",
                      s["unit"], s["better"], s["note"]))
    widths = [max([len(head[i])] + [len(line[i]) for line in lines]) for i in range(len(head))]
    right = {3, 5, 6}

    def row(cells):
        return "  ".join(c.rjust(widths[i]) if i in right else c.ljust(widths[i])
                         for i, c in enumerate(cells)).rstrip()

    out = [row(head), "  ".join("-" * w for w in widths)]
    previous = None
    for line in lines:
        if previous is not None and line[0] != previous:
            out.append("")
        out.append(row(line))
        previous = line[0]
    return "\n".join(out)
