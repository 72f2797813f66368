#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Launch time and memory of a Qradio window, beside Debian's Chromium showing the same page.

For each run, under one Xvfb server started here:
  * Qradio: the app (default: the calculator example) with QRADIO_BENCH=1, which prints
    `qradio-bench: loadFinished ok=1 epoch_ms=<ms>` when the window's page first finishes
    loading. Launch time = that moment - the moment before spawning the process.
  * Chromium: the same app headless serves the page; `chromium --app=<url>` shows it. Launch time
    = the page's performance.timing.loadEventEnd (read over the DevTools protocol) - spawn time.
After each page has loaded, the script waits --settle seconds and sums the PSS
(/proc/<pid>/smaps_rollup) of the whole process tree: the Qradio app with its QtWebEngineProcess
helpers (server included), and Chromium with all its helpers (the headless server, measured
separately, not included).

Not a test: it prints figures.
    python3 bench/launch/bench_launch.py [--app build/examples/calculator/calculator] [--runs 5]
                                         [--csv build/bench/launch.csv] [--smoke]
"""

import argparse
import base64
import csv
import json
import os
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


# ---- processes and memory ------------------------------------------------------------------

def children_of():
    tree = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(pid))
    return tree


def process_tree(root):
    tree, todo, found = children_of(), [root], []
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, []))
    return found


def pss_kb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def read_line(proc, prefix, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"process ended before printing {prefix!r}")
        if line.startswith(prefix):
            return line.strip()
    raise RuntimeError(f"no {prefix!r} within {timeout} s")


# ---- a minimal DevTools-protocol client (one WebSocket, text frames) -----------------------

class DevTools:
    def __init__(self, ws_url):
        host_port, path = ws_url[len("ws://"):].split("/", 1)
        host, port = host_port.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(4096)
        if b" 101 " not in response.split(b"\r\n", 1)[0]:
            raise RuntimeError("DevTools refused the WebSocket")
        self.buffer = response.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0

    def _recv(self, n):
        while len(self.buffer) < n:
            self.buffer += self.sock.recv(65536)
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _frame(self):
        b0, b1 = self._recv(2)
        length = b1 & 0x7F
        if length == 126:
            length = struct.unpack(">H", self._recv(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", self._recv(8))[0]
        return b0 & 0x0F, self._recv(length)

    def call(self, method, **params):
        self.next_id += 1
        payload = json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        n = len(payload)
        header += bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n)
        self.sock.sendall(header + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(payload)))
        while True:
            opcode, data = self._frame()
            if opcode == 1:
                message = json.loads(data)
                if message.get("id") == self.next_id:
                    return message.get("result", {})


def chromium_load_end(user_data_dir, url, timeout=30):
    deadline = time.time() + timeout
    port_file = os.path.join(user_data_dir, "DevToolsActivePort")
    port = None
    while port is None:
        if time.time() > deadline:
            raise RuntimeError("Chromium did not open its DevTools port")
        try:
            with open(port_file) as f:
                port = int(f.readline())
        except (OSError, ValueError):   # not there yet, or half written
            time.sleep(0.01)
    page = None
    while page is None:
        if time.time() > deadline:
            raise RuntimeError("Chromium shows no page for " + url)
        try:
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5))
            page = next((t for t in targets if t.get("type") == "page" and t.get("url", "").startswith(url)), None)
        except OSError:
            pass
        if page is None:
            time.sleep(0.02)
    tools = DevTools(page["webSocketDebuggerUrl"])
    while time.time() < deadline:
        value = tools.call("Runtime.evaluate", expression="performance.timing.loadEventEnd", returnByValue=True)
        end = value.get("result", {}).get("value", 0)
        if end:
            return end / 1000.0
        time.sleep(0.02)
    raise RuntimeError("the page never finished loading in Chromium")


# ---- the two contenders ----------------------------------------------------------------------

def run_qradio(app, env, settle):
    env = dict(env, QRADIO_BENCH="1")
    start = time.time()
    proc = subprocess.Popen([app, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=env, start_new_session=True)
    try:
        read_line(proc, "Running on local URL:")
        line = read_line(proc, "qradio-bench: loadFinished")
        if "ok=1" not in line:
            raise RuntimeError("the page did not load: " + line)
        loaded = int(line.split("epoch_ms=")[1]) / 1000.0
        time.sleep(settle)
        pids = process_tree(proc.pid)
        return loaded - start, pss_kb(pids), len(pids)
    finally:
        stop(proc)


def run_chromium(chromium, app, env, settle):
    server = subprocess.Popen([app, "--headless", "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, env=env, start_new_session=True)
    profile = tempfile.mkdtemp(prefix="qradio-bench-chromium-")
    browser = None
    try:
        url = read_line(server, "Running on local URL:").split(": ", 1)[1] + "/"
        args = [chromium, f"--app={url}", f"--user-data-dir={profile}", "--no-first-run",
                "--no-default-browser-check", "--remote-debugging-port=0", "--window-size=1024,768"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")     # as Qt WebEngine in the Qradio run
        start = time.time()
        browser = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                   start_new_session=True)
        loaded = chromium_load_end(profile, url)
        time.sleep(settle)
        pids = process_tree(browser.pid)
        return loaded - start, pss_kb(pids), len(pids), pss_kb(process_tree(server.pid))
    finally:
        if browser:
            stop(browser)
        stop(server)
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(app, env, path):
    """The calculator window after a click on +, as the page's own pixels (Qt WebEngine's
    DevTools endpoint, QTWEBENGINE_REMOTE_DEBUGGING, serves Page.captureScreenshot)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(env, QRADIO_BENCH="1", QTWEBENGINE_REMOTE_DEBUGGING=f"127.0.0.1:{port}")
    proc = subprocess.Popen([app, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=env, start_new_session=True)
    try:
        url = read_line(proc, "Running on local URL:").split(": ", 1)[1]
        read_line(proc, "qradio-bench: loadFinished")
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        page = next(t for t in targets if t.get("type") == "page" and t.get("url", "").startswith(url))
        tools = DevTools(page["webSocketDebuggerUrl"])
        result = "document.getElementById('result').textContent"
        deadline = time.time() + 20
        while tools.call("Runtime.evaluate", expression="!!document.getElementById('add') && "
                         "!document.getElementById('add').disabled", returnByValue=True)["result"]["value"] is not True:
            if time.time() > deadline:
                raise RuntimeError("the page never became ready")
            time.sleep(0.05)
        tools.call("Runtime.evaluate", expression="document.getElementById('add').click()")
        while not tools.call("Runtime.evaluate", expression=result, returnByValue=True)["result"].get("value"):
            if time.time() > deadline:
                raise RuntimeError("no result after clicking +")
            time.sleep(0.05)
        time.sleep(0.3)     # let the result paint
        png = base64.b64decode(tools.call("Page.captureScreenshot", format="png")["data"])
        with open(path, "wb") as f:
            f.write(png)
        print(f"screenshot: {path} ({len(png)} bytes)")
    finally:
        stop(proc)


def start_xvfb():
    for display in range(90, 140):
        if os.path.exists(f"/tmp/.X11-unix/X{display}") or os.path.exists(f"/tmp/.X{display}-lock"):
            continue
        xvfb = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(200):
            if os.path.exists(f"/tmp/.X11-unix/X{display}"):
                return xvfb, f":{display}"
            time.sleep(0.025)
        stop(xvfb)
    raise RuntimeError("could not start Xvfb")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app", default=os.path.join(ROOT, "build", "examples", "calculator", "calculator"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--settle", type=float, default=2.5, help="seconds after load before measuring memory")
    parser.add_argument("--screenshot", metavar="PNG", help="also save the window's page after a click on +")
    parser.add_argument("--csv", help="raw figures, one row per run and figure (target,run,metric,value,unit)")
    parser.add_argument("--smoke", action="store_true", help="one run, 0.5 s settle (for CI; figures are rough)")
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.settle = 1, 0.5
    if not os.access(args.app, os.X_OK):
        sys.exit(f"no app at {args.app}: build first, or pass --app")

    xvfb, display = start_xvfb()
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["DISPLAY"] = display
    home = tempfile.mkdtemp(prefix="qradio-bench-home-")     # every run starts from the default window size
    env["XDG_CONFIG_HOME"] = os.path.join(home, "config")
    try:
        print(f"app: {args.app}\nchromium: {subprocess.run([args.chromium, '--version'], capture_output=True, text=True, env=env).stdout.strip()}")
        if args.screenshot:
            screenshot(args.app, env, args.screenshot)
        print(f"Xvfb {display} 1280x900x24, {args.runs} runs after one warm-up each, PSS {args.settle} s after load\n")
        qradio, chromium = [], []
        for i in range(args.runs + 1):
            q = run_qradio(args.app, env, args.settle)
            c = run_chromium(args.chromium, args.app, env, args.settle)
            if i == 0:
                continue
            qradio.append(q)
            chromium.append(c)
            print(f"run {i}: qradio {q[0] * 1000:6.0f} ms {q[1] / 1024:6.1f} MB ({q[2]} processes) | "
                  f"chromium {c[0] * 1000:6.0f} ms {c[1] / 1024:6.1f} MB ({c[2]} processes) + server {c[3] / 1024:.1f} MB")
    finally:
        stop(xvfb)
        shutil.rmtree(home, ignore_errors=True)

    def med(rows, i, scale):
        return statistics.median(r[i] for r in rows) * scale

    print("\nmedian                          launch -> loadFinished   PSS, whole process tree")
    print(f"  Qradio window (server inside)   {med(qradio, 0, 1000):7.0f} ms             {med(qradio, 1, 1 / 1024):7.1f} MB")
    print(f"  chromium --app                  {med(chromium, 0, 1000):7.0f} ms             {med(chromium, 1, 1 / 1024):7.1f} MB"
          f"  (+ {med(chromium, 3, 1 / 1024):.1f} MB headless server)")
    print("  targets (issue 4)                   500 ms                 250.0 MB")
    if args.csv:
        os.makedirs(os.path.dirname(os.path.abspath(args.csv)), exist_ok=True)
        with open(args.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["target", "run", "metric", "value", "unit"])
            for name, rows in (("Qradio", qradio), ("chromium --app", chromium)):
                for run, r in enumerate(rows, 1):
                    w.writerow([name, run, "launch", f"{r[0] * 1000:.1f}", "ms"])
                    w.writerow([name, run, "pss", f"{r[1] / 1024:.1f}", "MB"])
                    w.writerow([name, run, "processes", r[2], ""])
            for run, r in enumerate(chromium, 1):
                w.writerow(["headless server", run, "pss", f"{r[3] / 1024:.1f}", "MB"])
        print(f"raw figures: {args.csv}")


if __name__ == "__main__":
    main()
