"""The home page on a rural link: bytes and seconds until `load`, on a phone.

    .venv/bin/python bench/rural.py [--data-dir var] [--before SRC] [--runs 3]

Serves the demo as `make demo` does (`maillage serve`, SQLite database of
MAILLAGE_DATA_DIR, default ./var: run `make demo-setup` first) on a free
loopback port, opens / in Debian's Chromium at 390×844 with the network
emulated through the DevTools protocol (Network.emulateNetworkConditions:
400 kbit/s down and up, 400 ms latency, cache disabled), and prints for each
run: the bytes transferred until the `load` event (sum of the encoded sizes
of the responses finished by then), the time to `load`, and the time until the
map's base map is drawn (it loads after `load`).

Reference, in the same run:
- the same server with compression refused (``Accept-Encoding: identity``);
- with ``--before SRC``: another version of Maillage (a source tree, e.g.
  ``git archive main | tar -x -C /tmp/before``) served from the same database.

Goals (issue 11): at most 150 kB and 3 s until `load`.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
RURAL = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
BUDGET_BYTES, BUDGET_SECONDS = 150_000, 3.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(data_dir: Path, src: Path | None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "MAILLAGE_DATA_DIR": str(data_dir),
        # as `make demo` serves it
        "DJANGO_SETTINGS_MODULE": "maillage.config.settings.dev",
        "DJANGO_DEBUG": "0",
    }
    if src is not None:
        env["PYTHONPATH"] = str(src / "src")
    process = subprocess.Popen(
        [sys.executable, "-m", "maillage.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=src or ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "/", timeout=2).read()
            return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"the server on {url} did not answer")


def measure(browser, url: str, compressed: bool = True) -> dict:
    context = browser.new_context(viewport=PHONE, locale="fr-FR", service_workers="block")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", RURAL)
    if not compressed:
        cdp.send("Network.setExtraHTTPHeaders", {"headers": {"Accept-Encoding": "identity"}})
    sizes: dict[str, int] = {}
    state = {"loaded": False}

    def finished(event):
        if not state["loaded"]:
            sizes[event["requestId"]] = event["encodedDataLength"]

    cdp.on("Network.loadingFinished", finished)
    started = time.perf_counter()
    page.goto(url + "/", wait_until="load", timeout=120_000)
    state["loaded"] = True
    load_s = page.evaluate(
        "() => performance.getEntriesByType('navigation')[0].loadEventStart / 1000"
    )
    map_s = None
    try:
        page.wait_for_selector(".leaflet-tile-pane canvas", timeout=30_000)
        map_s = time.perf_counter() - started
    except Exception:  # an older version may have no tiles: no figure
        pass
    context.close()
    return {"bytes": sum(sizes.values()), "requests": len(sizes), "load": load_s, "map": map_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("MAILLAGE_DATA_DIR", ROOT / "var"))
    )
    parser.add_argument("--before", type=Path, default=None, help="source tree of another version")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not (args.data_dir / "maillage.sqlite3").exists():
        raise SystemExit(f"no demo database in {args.data_dir}: run `make demo-setup` first")
    from playwright.sync_api import sync_playwright

    servers = [("this version", None, True), ("this version, uncompressed", None, False)]
    if args.before:
        servers.append((f"before ({args.before})", args.before, True))
    print(
        f"Home page on a phone (390×844), {RURAL['downloadThroughput'] * 8 // 1000} kbit/s, "
        f"{RURAL['latency']} ms latency; median of {args.runs} runs"
    )
    print(f"{'version':42} {'kB to load':>10} {'requests':>8} {'load s':>7} {'map s':>6}")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--headless=new"]
        )
        running = {}
        try:
            for name, src, compressed in servers:
                if src not in running:
                    running[src] = serve(args.data_dir, src)
                url = running[src][1]
                measure(browser, url, compressed)  # warm the server's caches
                runs = [measure(browser, url, compressed) for _ in range(args.runs)]
                maps = [r["map"] for r in runs if r["map"] is not None]
                kb = statistics.median(r["bytes"] for r in runs) / 1000
                load = statistics.median(r["load"] for r in runs)
                flag = (
                    "ok" if kb * 1000 <= BUDGET_BYTES and load <= BUDGET_SECONDS else "over budget"
                )
                print(
                    f"{name:42} {kb:10.1f} {runs[0]['requests']:8d} {load:7.2f} "
                    f"{(statistics.median(maps) if maps else float('nan')):6.2f}  {flag}"
                )
        finally:
            for process, _ in running.values():
                process.terminate()
                process.wait(timeout=10)
    print(f"Goal: ≤ {BUDGET_BYTES // 1000} kB and ≤ {BUDGET_SECONDS:.0f} s until load.")


if __name__ == "__main__":
    main()
