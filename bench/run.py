"""make bench: seed, measure side by side in one run, print ratios.

Runs on its own database (var/bench.sqlite3 unless DATABASE_URL is set; it is wiped first, so never
point it at real data), measures every app's bench in turn (bench/<app>.py says what it measures)
and then prints all their figures. Name one app to run only its bench (make bench ONLY=complaints);
bench/http.py runs last, over HTTP against gunicorn, on PostgreSQL only (on SQLite it says so and skips);
it then starts from the demo organisation alone, without what the benches before it would seed.
"""

import argparse
import importlib
import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# Run as a script, Python puts bench/ first on the path, where bench/complaints.py and its siblings
# would stand in for the apps they measure; they are imported as bench.<app> instead.
sys.path[:] = [entry for entry in sys.path if Path(entry).resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanke_crm.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.common import Sizes, reset_database  # noqa: E402
from organization import demo  # noqa: E402

# In the order they run: each bench measures on top of the data the ones before it seeded.
BENCHES = (
    "complaints",
    "home",
    "customers",
    "touchpoints",
    "surveys",
    "membership",
    "repairs",
    "defects",
    "http",
)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("only", nargs="?", choices=BENCHES, help="run only this app's bench")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=int(os.environ.get("BENCH_LARGE", 1_000_000)))
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--import-rows", type=int, default=100_000)
    args = parser.parse_args()
    sizes = Sizes(small=args.small, large=args.large, repeats=args.repeats, import_rows=args.import_rows)
    benches = [importlib.import_module(f"bench.{name}") for name in ([args.only] if args.only else BENCHES)]

    setup_test_environment()
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    reset_database()
    demo.seed_organisation()
    demo.seed_users()

    # Every bench seeds and measures before any prints, so the figures stand together at the end.
    figures = [bench.measure(sizes) for bench in benches]
    failures = [
        failure
        for bench, measured in zip(benches, figures, strict=True)
        for failure in bench.report(measured, sizes)
    ]
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
