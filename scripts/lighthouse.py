"""Lighthouse scores of the public pages, on the production settings, as a phone sees them.

    .venv/bin/python scripts/lighthouse.py            # mobile (Lighthouse's default)
    .venv/bin/python scripts/lighthouse.py --desktop

Serves the demo content with gunicorn (debug off, compressed static files, the demo
image's renditions), runs Lighthouse 12 from npm in Debian's Chromium against each page,
and prints the four category scores with the layout shift and largest paint. Needs Node
and npm (Lighthouse is installed once into ~/.cache/clinic-lighthouse) and /usr/bin/chromium
(scripts/ensure_chromium.sh). Exits 1 when a score is below 100 or anything shifts.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import PROJECT_ROOT, Gunicorn, log, manage, site_env

LIGHTHOUSE_VERSION = "12.2.3"  # 13.x needs Node 22
LIGHTHOUSE_DIR = Path.home() / ".cache" / "clinic-lighthouse"
PAGES = ["/treatments/ketamine-for-ptsd/", "/", "/search/?q=ptsd", "/our-team/", "/locations/"]
# Search results say noindex on purpose, which Lighthouse's SEO score counts against them.
NOT_FOR_SEARCH_ENGINES = {"/search/?q=ptsd"}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
PORT = 8791


def lighthouse_binary():
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        log(f"Installing Lighthouse {LIGHTHOUSE_VERSION} into {LIGHTHOUSE_DIR} (once)...")
        LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "-E", f"lighthouse@{LIGHTHOUSE_VERSION}"],
            cwd=LIGHTHOUSE_DIR,
            check=True,
            capture_output=True,
        )
    return str(binary)


def audit(binary, url, *, desktop, attempts=3):
    """One Lighthouse report; a run whose trace failed (NO_NAVSTART, a known flake) is retried."""
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        command = [
            binary,
            url,
            "--quiet",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={output.name}",
            f"--chrome-flags={CHROME_FLAGS}",
            *(["--preset=desktop"] if desktop else []),
        ]
        env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
        for _ in range(attempts):
            subprocess.run(command, env=env, capture_output=True)
            report = json.loads(Path(output.name).read_text() or "{}")
            if report and not report.get("runtimeError"):
                return report
    sys.exit(f"Lighthouse could not audit {url}: {report.get('runtimeError')}")


def summary(report):
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = report["audits"]
    return {
        **scores,
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "misses": [
            key
            for key, result in audits.items()
            if result.get("score") is not None
            and result["score"] < 1
            and result.get("scoreDisplayMode") in ("binary", "metricSavings")
        ],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desktop", action="store_true", help="Lighthouse's desktop preset")
    args = parser.parse_args()

    binary = lighthouse_binary()
    workdir = Path(tempfile.mkdtemp(prefix="clinic-lighthouse-"))
    env = site_env(f"sqlite:///{workdir / 'site.sqlite3'}", MEDIA_ROOT=workdir / "media")
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_content")
    manage(env, "collectstatic", "--noinput")
    server = Gunicorn("scripts.media_wsgi:application", PORT, env, chdir=PROJECT_ROOT)
    failed = False
    try:
        server.wait_until_up()
        for path in PAGES:
            result = summary(audit(binary, server.url + path, desktop=args.desktop))
            expected = [
                c for c in CATEGORIES if not (c == "seo" and path in NOT_FOR_SEARCH_ENGINES)
            ]
            failed |= result["cls"] > 0 or any(result[name] < 100 for name in expected)
            print(
                f"{path:36} performance={result['performance']} "
                f"accessibility={result['accessibility']} "
                f"best-practices={result['best-practices']} seo={result['seo']} "
                f"cls={result['cls']:.3f} lcp_ms={result['lcp_ms']}"
                + (f" misses={','.join(result['misses'])}" if result["misses"] else ""),
                flush=True,
            )
    finally:
        server.stop()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
