"""Run the test suite again on a throwaway PostgreSQL cluster: ``python -m tests.run_postgres``.

Where no PostgreSQL server binaries are installed the run is skipped with a printed
reason, unless ``LDLD_REQUIRE_POSTGRES=1`` (set by CI), which makes that a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.pg_cluster import find_bin_dir, throwaway_cluster


def main(argv: list[str]) -> int:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        reason = "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
        if os.environ.get("LDLD_REQUIRE_POSTGRES") == "1":
            print(f"FAILED: {reason}, and LDLD_REQUIRE_POSTGRES=1.", file=sys.stderr)
            return 1
        print(f"SKIPPED the PostgreSQL run: {reason} (apt-get install postgresql).")
        return 0
    with throwaway_cluster(bin_dir) as url:
        print(f"PostgreSQL run on a throwaway cluster ({bin_dir.parent.name}): {url}")
        env = {**os.environ, "TEST_DATABASE_URL": url}
        return subprocess.call([sys.executable, "-m", "pytest", *argv], env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
