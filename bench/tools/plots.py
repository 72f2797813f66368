# SPDX-License-Identifier: MIT
"""The bench's plots, drawn by gnuplot (Debian: gnuplot-nox) from the medians of bench/run.

Each plot is a data file and a gnuplot script in the output folder (kept, so a plot can be
redrawn or restyled by hand: `gnuplot <out>/plot-*.gp`), and a PNG beside them.
"""

import os
import re
import subprocess

from figures import held_figure

TERMINAL = 'set terminal pngcairo size 900,520 font "DejaVu Sans,11" noenhanced'
HTTP_TARGETS = ["Qradio", "nginx", "FastAPI h11"]
HELD_TARGETS = ["Qradio idle keep-alive", "Qradio SSE streams", "nginx idle keep-alive"]


def _q(text):
    return '"' + text.replace('"', "'") + '"'


def _value(med, figure, target):
    m = med.get(("http", figure, target))
    return "-" if m is None or m[0] != m[0] else f"{m[0]:.6g}"


def _http_targets(med):
    uvloop = sorted({t for (s, f, t) in med if s == "http" and t.startswith("FastAPI uvloop")})
    return HTTP_TARGETS + uvloop[:1]


def _bars(out, name, title, xlabel, ylabel, categories, targets, med, note):
    dat = os.path.join(out, f"{name}.dat")
    with open(dat, "w") as f:
        f.write("# category\t" + "\t".join(_q(t) for t in targets) + "\n")
        for label, figure in categories:
            f.write(_q(label) + "\t" + "\t".join(_value(med, figure, t) for t in targets) + "\n")
    plot = ", ".join(f"{_q(dat)} using {i + 2}:xtic(1) title {_q(t)}" for i, t in enumerate(targets))
    return f"""{TERMINAL}
set output {_q(os.path.join(out, name + '.png'))}
set title "{title}\\n{note}"
set xlabel {_q(xlabel)}
set ylabel {_q(ylabel)}
set datafile missing "-"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set yrange [0:*]
set key below horizontal
set xtics nomirror
plot {plot}
"""


def _lines(out, name, title, ylabel, kind, counts, med, note):
    dat = os.path.join(out, f"{name}.dat")
    with open(dat, "w") as f:
        f.write("# held\t" + "\t".join(_q(t) for t in HELD_TARGETS) + "\n")
        for n in [0] + counts:
            f.write(f"{n}\t" + "\t".join(_value(med, held_figure(kind, n), t) for t in HELD_TARGETS) + "\n")
    plot = ", ".join(f"{_q(dat)} using 1:{i + 2} with linespoints lw 2 pt 7 title {_q(t)}"
                     for i, t in enumerate(HELD_TARGETS))
    return f"""{TERMINAL}
set output {_q(os.path.join(out, name + '.png'))}
set title "{title}\\n{note}"
set xlabel "connections held open (N)"
set ylabel {_q(ylabel)}
set datafile missing "-"
set grid
set yrange [0:*]
set xrange [0:*]
set key inside left top vertical opaque box
plot {plot}
"""


def draw(out, med, header):
    """Writes and runs the four gnuplot scripts; returns {name: png path} of the plots drawn
    (or raises RuntimeError with gnuplot's complaint)."""
    targets = _http_targets(med)
    counts = sorted({int(m.group(1)) for (s, f, t) in med if s == "http"
                     for m in [re.fullmatch(r"fresh GET /health p50, (\d+) held", f)] if m} - {0})
    note = header
    scripts = {
        "plot-http-throughput": _bars(
            out, "plot-http-throughput", "Requests per second under wrk (median over runs; higher is better)",
            "endpoint (nginx: GET only, a static file)", "requests/s", [("GET /health", "GET /health req/s"),
                           ("POST /gradio_api/run/add", "POST /gradio_api/run/add req/s")], targets, med, note),
        "plot-http-latency": _bars(
            out, "plot-http-latency", "Latency under wrk (median over runs; lower is better)",
            "endpoint and percentile (nginx: GET only)", "latency (ms)",
            [("GET /health p50", "GET /health p50"), ("GET /health p99", "GET /health p99"),
             ("POST /run/add p50", "POST /gradio_api/run/add p50"),
             ("POST /run/add p99", "POST /gradio_api/run/add p99")], targets, med, note),
        "plot-held-latency": _lines(
            out, "plot-held-latency", "Latency of a fresh request (new connection) while N connections are held",
            "fresh GET /health p50 (ms)", "p50", counts, med, note),
        "plot-held-memory": _lines(
            out, "plot-held-memory", "Server memory while N connections are held (nginx: master + 2 workers)",
            "server RSS (MB)", "rss", counts, med, note),
    }
    drawn = {}
    for name, script in scripts.items():
        gp = os.path.join(out, f"{name}.gp")
        png = os.path.join(out, f"{name}.png")
        with open(gp, "w") as f:
            f.write(script)
        if os.path.exists(png):
            os.remove(png)
        r = subprocess.run(["gnuplot", gp], capture_output=True, text=True, timeout=60)
        if r.returncode != 0 or not os.path.exists(png) or os.path.getsize(png) == 0:
            raise RuntimeError(f"gnuplot {gp} drew no {png}: {r.stderr.strip()[-1000:]}")
        drawn[name] = png
    return drawn
