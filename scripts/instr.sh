#!/usr/bin/env bash
# scripts/instr.sh: instruction and branch-misprediction counts of one corpus pass of each side of
# the speed target (parse-only, load-only, full audit), under valgrind's cachegrind.
#
# Times on a shared machine move by more than most single changes save (the audit/parse ratio of the
# same code reads 1.30 to 1.45 from one run to the next); these counts are the same run after run,
# so a change's effect on the work done shows even when scripts/bench.sh cannot. They are not the
# target: time also goes to cache misses and the counts weigh a misprediction like an instruction.
# scripts/bench.sh stays the measure of the target.
#
#   scripts/instr.sh              # totals and ratios (about 30 s)
#   CHECKS=1 scripts/instr.sh     # and each check's share of the audit, under callgrind (about 1 min more)
#
# Each mode of bench/onepass lists the corpus first; the "list" mode is that set-up alone, and the
# net figures subtract it. Under valgrind Go's SHA-256 takes its AVX2 path instead of the SHA-NI
# one, so the fingerprints' instructions (~30 M of the audit's) are overstated against a real run.
# Needs valgrind (Debian package valgrind) and Go. RAMPART_CORPUS names the corpus folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
corpus="${RAMPART_CORPUS:-../shared/corpus/real}"
if ! command -v valgrind >/dev/null; then
  echo "instr: valgrind not found (Debian package valgrind)" >&2
  exit 2
fi
if [ ! -d "$corpus" ]; then
  echo "instr: corpus not found at $corpus (set RAMPART_CORPUS)" >&2
  exit 2
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/rampart-instr.XXXXXX")"
trap 'rm -rf "$work"' EXIT
go build -o "$work/onepass" ./bench/onepass

# Go's asynchronous preemption signals upset callgrind; they change no count that matters here.
# The collector is off: when it runs depends on the threads' timing, which valgrind changes, and
# its share moved the totals by ~0.5% from run to run; without it they repeat to a few in 10^5.
# (One pass allocates ~110 MB.)
export GODEBUG=asyncpreemptoff=1 GOGC=off
count() { # mode -> "instructions mispredictions"
  valgrind --tool=cachegrind --cache-sim=no --branch-sim=yes --cachegrind-out-file="$work/cg.$1.out" \
    "$work/onepass" "$1" "$corpus" 2>"$work/$1.log" || { cat "$work/$1.log" >&2; exit 1; }
  awk '/I +refs:/ {gsub(",", "", $4); ir = $4} /Mispredicts:/ {gsub(",", "", $3); bm = $3} END {print ir, bm}' "$work/$1.log"
}
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(valgrind --version)"
read -r list_ir list_bm < <(count list)
printf '%-7s %16s %14s %16s %14s\n' mode instructions mispredicts "net instr." "net mispr."
for m in list parse load audit; do
  if [ "$m" = list ]; then ir=$list_ir bm=$list_bm; else read -r ir bm < <(count "$m"); fi
  printf '%-7s %16d %14d %16d %14d\n' "$m" "$ir" "$bm" $((ir - list_ir)) $((bm - list_bm))
  eval "${m}_ir=$ir ${m}_bm=$bm"
done
awk -v pi=$((parse_ir - list_ir)) -v pb=$((parse_bm - list_bm)) -v li=$((load_ir - list_ir)) -v lb=$((load_bm - list_bm)) \
  -v ai=$((audit_ir - list_ir)) -v ab=$((audit_bm - list_bm)) 'BEGIN {
    printf "\naudit / parse-only: %.3f in instructions, %.3f in mispredictions\n", ai / pi, ab / pb
    printf "load  / parse-only: %.3f in instructions, %.3f in mispredictions\n", li / pi, lb / pb
    printf "audit - load: %d instructions, %d mispredictions\n", ai - li, ab - lb
  }'

if [ -n "${CHECKS:-}" ]; then
  echo
  echo "== each check's audit (inclusive, callgrind; all 109 targets)"
  valgrind --tool=callgrind --branch-sim=yes --callgrind-out-file="$work/cgr.out" \
    "$work/onepass" audit "$corpus" 2>"$work/cgr.log" || { cat "$work/cgr.log" >&2; exit 1; }
  printf '%-30s %16s %14s\n' function instructions mispredicts
  callgrind_annotate --auto=no --threshold=100 --inclusive=yes --show=Ir,Bcm "$work/cgr.out" 2>/dev/null |
    awk '/(checks\.run[A-Z][A-Za-z]*|audit\.process|audit\.mergeRuns|audit\.Score) \[/ && !/=>/ {
      line = $0; gsub(",", "", line); gsub(/\([^)]*\)/, "", line)
      split(line, f, " "); name = f[3]; sub(/.*:/, "", name); sub(/.*\//, "", name)
      printf "%-30s %16d %14d\n", name, f[1], (f[2] == "." ? 0 : f[2])
    }' | sort -k2,2nr
fi
