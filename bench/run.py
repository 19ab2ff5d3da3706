"""Run every benchmark in bench/ and print one JSON object per benchmark.

Each benchmark compares Cordon's own path with a floor measured in the same run (the fastest way the
database can answer the same question), so the ratio means something on a noisy 2-core machine.
`bench/run.py bench.observation` (or `make bench BENCH=bench.observation`) runs only those named.
"""

import importlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BENCHMARKS = [
    "bench.scope",
    "bench.people_export",
    "bench.people_search",
    "bench.cases_chain",
    "bench.people_import",
    "bench.observation",
    "bench.passages_http",
    "bench.passages_counts",
    "bench.passages_months",
    "bench.reports",
]


def main() -> int:
    for name in sys.argv[1:] or BENCHMARKS:
        result = importlib.import_module(name).run()
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
