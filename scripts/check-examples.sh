#!/usr/bin/env bash
# Every policy in policies/ is a recommendation: under its own judge it must not roll back a healthy
# candidate. For each file this runs
#   glidepath simulate --policy FILE --scenario S1 --rate 1,10,100 --judge <the file's judge> --json
# (2,000 A/A runs per rate) and fails when any row's false-rollback 95 % upper bound is above 1 %.
#
#   bash scripts/check-examples.sh [path/to/glidepath] [policies-dir]
set -euo pipefail
bin="${1:-.build/release/glidepath}"
dir="${2:-policies}"
status=0
for file in "$dir"/*.json; do
  judge=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("judge", "sequential"))' "$file")
  out=$("$bin" simulate --policy "$file" --scenario S1 --rate 1,10,100 --judge "$judge" --json)
  if ! python3 - "$file" "$judge" "$out" <<'PY'
import json, sys
file, judge, rows = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
bad = False
if len(rows) != 3:
    print(f"FAIL {file}: expected 3 rows (1, 10, 100 req/s), got {len(rows)}"); sys.exit(1)
for r in rows:
    ub = r["falseRollbackUpper95"]
    ok = ub is not None and ub <= 0.01
    bad |= not ok
    print(f"{'ok  ' if ok else 'FAIL'} {file} judge={judge} S1 {r['rate']:g} req/s: false rollbacks "
          f"{100 * r['falseRollbackRate']:.2f}% (95% upper bound {100 * ub:.2f}%), promoted {100 * r['promotedRate']:.1f}%, "
          f"held {100 * r['heldRate']:.1f}% over {r['runs']} runs")
sys.exit(1 if bad else 0)
PY
  then status=1; fi
done
exit $status
