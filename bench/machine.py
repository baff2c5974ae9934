"""What the numbers were measured on."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import time
from pathlib import Path

REFERENCE_ADDITIONS = 10_000_000


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    return "unknown"


def _postgres_version(bin_dir: Path | None) -> str:
    if bin_dir is None:
        return "not installed"
    try:
        out = subprocess.run([str(bin_dir / "postgres"), "--version"], capture_output=True,
                             text=True, check=True).stdout
        return out.strip().replace("postgres (PostgreSQL) ", "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def reference_seconds() -> float:
    """How fast the machine runs right now: a fixed piece of pure-Python work (10 million
    additions), best of three. A shared machine's speed drifts between runs; comparing
    this before comparing two runs' times tells the machine's share from the code's."""
    best = float("inf")
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for number in range(REFERENCE_ADDITIONS):
            total += number
        best = min(best, time.perf_counter() - started)
    return best


def describe(pg_bin: Path | None) -> dict[str, str]:
    return {
        "CPU": _cpu_model(),
        "nproc": str(os.cpu_count()),
        "Memory": _memory_gb(),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": _postgres_version(pg_bin),
    }
