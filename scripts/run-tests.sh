#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs test binaries (unit tests, or fuzz replays as "BIN CORPUS" pairs via -f),
# every one of them even after a failure, and ends with an "N passed, N failed"
# tally; exits 1 when any failed.
set -u
mode=unit
[ "${1:-}" = "-f" ] && { mode=fuzz; shift; }
pass=0; fail=0; failed=""
for t in "$@"; do
  if [ "$mode" = fuzz ]; then
    n=$(basename "$t"); echo "== $t tests/fuzz/corpus/$n"; "$t" "tests/fuzz/corpus/$n"
  else
    echo "== $t"; "$t"
  fi
  if [ $? -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $t"; fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
