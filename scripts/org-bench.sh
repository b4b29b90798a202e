#!/usr/bin/env bash
# The org scan benchmark: rampart org against the fake GitHub of org/orgtest (a synthetic
# organization whose workflows come from ../shared/corpus/real), once collecting workflows only
# and once with --settings. It prints requests per repository (GraphQL and REST apart), wall
# time and peak heap, and fails when a target is missed (docs/org.md, "Benchmark").
#   REPOS=10000 FAULTS=0 scripts/org-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RAMPART_ORG_BENCH=1 RAMPART_ORG_BENCH_REPOS="${REPOS:-10000}" RAMPART_ORG_BENCH_FAULTS="${FAULTS:-0}" \
  go test -run '^TestOrgBenchmark$' -count=1 -v -timeout 30m ./org/ | grep -v '^=== RUN\|^--- PASS\|^PASS$'
