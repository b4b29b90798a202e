#!/usr/bin/env bash
# scripts/corpus-findings.sh: every finding of an auditor-persona offline scan of the corpus, one
# per line (check, file, line, column, end line, severity, confidence, points, suppression,
# fingerprint, message), sorted, plus the errors and skipped lists. Performance work must leave this
# output unchanged:
#
#   scripts/corpus-findings.sh > /tmp/before.tsv    # on the commit before the change
#   scripts/corpus-findings.sh > /tmp/after.tsv     # after it
#   diff /tmp/before.tsv /tmp/after.tsv && echo identical
#
# RAMPART_CORPUS names the corpus folder (default ../shared/corpus/real); RAMPART_BIN a prebuilt binary.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="${RAMPART_CORPUS:-$root/../shared/corpus/real}"
work="$(mktemp -d "${TMPDIR:-/tmp}/rampart-findings.XXXXXX")"
trap 'rm -rf "$work"' EXIT
bin="${RAMPART_BIN:-}"
if [ -z "$bin" ]; then
  (cd "$root" && go build -o "$work/rampart" .)
  bin="$work/rampart"
fi
"$bin" scan "$corpus"/*/ --offline --persona auditor --format json --fail-on none --output "$work/scan.json"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const rows = r.findings.map(f => [f.check, f.file, f.line, f.column, f.end_line ?? "", f.severity, f.confidence,
  f.points ?? "", f.suppressed ? "suppressed:" + JSON.stringify(f.suppression ?? "") : "", f.fingerprint, f.message].join("\t"));
rows.sort();
for (const e of r.errors ?? []) rows.push("error\t" + JSON.stringify(e));
for (const s of r.skipped ?? []) rows.push("skipped\t" + JSON.stringify(s));
const { duration_ms, ...stats } = r.stats ?? {};
rows.push("score\t" + r.score + "\t" + r.grade + "\t" + JSON.stringify(stats));
process.stdout.write(rows.join("\n") + "\n");
' "$work/scan.json"
