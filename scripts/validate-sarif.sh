#!/usr/bin/env bash
# validate-sarif.sh FILE...
#
# Validates SARIF files with Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool, pinned in
# package.json / package-lock.json: run `npm ci` first). Each file is checked against the SARIF 2.1.0
# JSON schema, the SARIF best-practice rules and GitHub code scanning's ingestion rules
# (`--rule-kind "Sarif;Gh"`). A file fails on any error-level result; warnings are printed and counted.
#
# Prints one verdict line per file ("PASS"/"FAIL") and exits non-zero when any file fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

if [ "$#" -eq 0 ]; then
  echo "usage: scripts/validate-sarif.sh FILE..." >&2
  exit 2
fi

if ! tool="$(cd "$root" && node -p "require('@microsoft/sarif-multitool')" 2>/dev/null)" || [ ! -f "$tool" ]; then
  echo "validate-sarif: the SARIF Multitool is not installed; run \`npm ci\` at the repository root" >&2
  exit 2
fi
# npm may skip the package's postinstall (chmod u+x); the tarball already carries the mode, but make sure.
[ -x "$tool" ] || chmod u+x "$tool"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failed=0
n=0
for file in "$@"; do
  n=$((n + 1))
  if [ ! -f "$file" ]; then
    echo "FAIL $file: no such file"
    failed=1
    continue
  fi
  out="$work/$n.validation.sarif"
  log="$work/$n.log"
  rc=0
  # The multitool exits 0 even when it reports errors: the verdict comes from its output log.
  "$tool" validate "$file" --output "$out" --log ForceOverwrite \
    --level "Error;Warning" --rule-kind "Sarif;Gh" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] || [ ! -s "$out" ]; then
    echo "FAIL $file: the validator itself failed (exit $rc)"
    sed 's/^/    /' "$log" | head -20
    failed=1
    continue
  fi
  if ! node - "$file" "$out" <<'EOF'
const fs = require('fs');
const [file, out] = process.argv.slice(2);
const log = JSON.parse(fs.readFileSync(out, 'utf8'));
let errors = 0, warnings = 0;
const lines = [];
let ok = true;
for (const run of log.runs || []) {
  for (const inv of run.invocations || []) {
    if (inv.executionSuccessful === false) ok = false;
    for (const n of inv.toolExecutionNotifications || []) {
      if (n.level === 'error') { ok = false; lines.push(`    tool error: ${n.message && n.message.text}`); }
    }
  }
  const rules = (run.tool && run.tool.driver && run.tool.driver.rules) || [];
  for (const r of run.results || []) {
    const level = r.level || 'warning';
    if (level !== 'error' && level !== 'warning') continue;
    if (level === 'error') errors++; else warnings++;
    // Render the message from its rule's template and arguments when it has no text.
    let text = r.message && r.message.text;
    if (!text) {
      const rule = rules[r.ruleIndex] || rules.find(x => x.id === r.ruleId) || {};
      const tmpl = (rule.messageStrings && r.message && rule.messageStrings[r.message.id]) || {};
      const args = (r.message && r.message.arguments) || [];
      text = (tmpl.text || '').replace(/\{(\d+)\}/g, (_, i) => args[+i] ?? '')
        .replace(/\{\{/g, '{').replace(/\}\}/g, '}') || JSON.stringify(args);
    }
    const reg = (((r.locations || [])[0] || {}).physicalLocation || {}).region || {};
    const where = reg.startLine ? `:${reg.startLine}:${reg.startColumn || 1}` : '';
    lines.push(`    ${level} ${r.ruleId}${where} ${text}`);
  }
}
const verdict = ok && errors === 0 ? 'PASS' : 'FAIL';
console.log(`${verdict} ${file}: ${errors} error(s), ${warnings} warning(s)`);
const max = 40;
for (const l of lines.slice(0, max)) console.log(l);
if (lines.length > max) console.log(`    ... and ${lines.length - max} more`);
process.exit(verdict === 'PASS' ? 0 : 1);
EOF
  then
    failed=1
  fi
done

exit "$failed"
