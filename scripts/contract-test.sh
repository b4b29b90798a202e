#!/usr/bin/env bash
# scripts/contract-test.sh: the GitHub API contract test.
#
# Runs the Go tests of the API client (./github/...) through Prism (`prism proxy --errors`)
# standing in front of the fake GitHub (github/githubtest), once with GitHub's official OpenAPI
# description of api.github.com and once with GitHub Enterprise Server's for the /api/v3 test.
# Prism answers with an error whenever a request the client sends, or a recorded response the
# fake returns, does not match the description, and so the test fails. A self-check test
# (TestContractRejectsWrongShapes) then sends a wrong request and serves a wrong fixture on
# purpose and passes only if Prism rejects both.
#
# Then the GitHub Action's end-to-end tests (cli: TestAction*, TestCommentCommand: issue
# comments listed, created and updated, pull request files, GET /user, the pull request, the
# base commit's tree and blobs) run the same way, twice: their fake serves REST under /api/v3
# (GITHUB_API_URL names a server, as on GitHub Enterprise Server), so once through Prism with
# GHES's description and once with api.github.com's, its paths put under /api/v3 as well.
#
# Needs, pinned in package.json / package-lock.json at the repository root (npm ci):
#   @stoplight/prism-cli 5.16.0, @octokit/openapi 23.0.2
# PRISM_DIR may point at another node_modules parent holding both (default: the repository root).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mods="${PRISM_DIR:-$root}/node_modules"
prism="$mods/.bin/prism"
specs="$mods/@octokit/openapi/generated"
dotcom="$specs/api.github.com.json"
ghes="$(ls "$specs"/ghes-3.*.json 2>/dev/null | grep -v deref | sort -V | tail -1 || true)"
for f in "$prism" "$dotcom" "$ghes"; do
  if [ ! -e "$f" ]; then
    echo "contract-test: missing $f (run npm ci: @stoplight/prism-cli and @octokit/openapi)" >&2
    exit 1
  fi
done

fake_port="${RAMPART_FAKE_PORT:-18471}"
dotcom_port="${RAMPART_PRISM_PORT:-18472}"
ghes_port="${RAMPART_PRISM_GHES_PORT:-18473}"
dotcom_v3_port="${RAMPART_PRISM_DOTCOM_V3_PORT:-18474}"
logs="$(mktemp -d "${TMPDIR:-/tmp}/rampart-contract.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$logs"
}
trap cleanup EXIT

start_prism() { # spec port log
  "$prism" proxy "$1" "http://127.0.0.1:$fake_port" --errors --host 127.0.0.1 --port "$2" >"$3" 2>&1 &
  pids+=("$!")
}

wait_port() { # port log
  for _ in $(seq 1 240); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "contract-test: Prism did not start on port $1:" >&2
  cat "$2" >&2
  return 1
}

# Prism matches paths without the servers' base path; GHES serves REST under /api/v3, so the
# GHES description's paths get that prefix (nothing else changes). The same for api.github.com's
# description, for the Action's tests, whose fake is addressed as a server (under /api/v3).
under_v3() { # spec out
  node -e '
const fs = require("fs");
const spec = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const paths = {};
for (const [p, v] of Object.entries(spec.paths)) paths["/api/v3" + p] = v;
spec.paths = paths;
spec.servers = [{ url: "/" }];
fs.writeFileSync(process.argv[2], JSON.stringify(spec));
' "$1" "$2"
}
under_v3 "$ghes" "$logs/ghes-api-v3.json"
under_v3 "$dotcom" "$logs/dotcom-api-v3.json"

echo "contract-test: prism $("$prism" --version) with $(basename "$dotcom") and $(basename "$ghes") (paths under /api/v3)"
start_prism "$dotcom" "$dotcom_port" "$logs/dotcom.log"
start_prism "$logs/ghes-api-v3.json" "$ghes_port" "$logs/ghes.log"
start_prism "$logs/dotcom-api-v3.json" "$dotcom_v3_port" "$logs/dotcom-v3.log"
wait_port "$dotcom_port" "$logs/dotcom.log"
wait_port "$ghes_port" "$logs/ghes.log"
wait_port "$dotcom_v3_port" "$logs/dotcom-v3.log"

complaints() {
  echo "contract-test: FAILED ($1); Prism's complaints:" >&2
  grep -hE 'error|warning|Violation|violation' "$logs/dotcom.log" "$logs/ghes.log" "$logs/dotcom-v3.log" |
    grep -v 'Request received' | tail -n 80 >&2 || true
}

rc=0
RAMPART_PRISM_URL="http://127.0.0.1:$dotcom_port" \
RAMPART_PRISM_GHES_URL="http://127.0.0.1:$ghes_port" \
RAMPART_FAKE_ADDR="127.0.0.1:$fake_port" \
  go test -count=1 -p 1 -v ./github/... >"$logs/test.log" 2>&1 || rc=$?
cat "$logs/test.log"
if [ "$rc" -ne 0 ]; then
  complaints "./github/..."
  exit "$rc"
fi

# The Action's end-to-end tests, through GHES's description, then api.github.com's.
action_tests='^(TestAction|TestCommentCommand)'
for run in "ghes:$ghes_port" "api.github.com:$dotcom_v3_port"; do
  echo "contract-test: the Action's tests (./cli -run '$action_tests') against ${run%%:*}'s description"
  RAMPART_PRISM_URL="http://127.0.0.1:$dotcom_port" \
  RAMPART_PRISM_GHES_URL="http://127.0.0.1:${run##*:}" \
  RAMPART_FAKE_ADDR="127.0.0.1:$fake_port" \
    go test -count=1 -p 1 -v -run "$action_tests" ./cli >"$logs/action.log" 2>&1 || rc=$?
  cat "$logs/action.log"
  if [ "$rc" -ne 0 ]; then
    complaints "the Action's tests, ${run%%:*}"
    exit "$rc"
  fi
done
echo "contract-test: ok: every request and recorded response matches GitHub's OpenAPI description"
