#!/usr/bin/env bash
# SafeHarbor Bridge demo: starts the adapter on its embedded defaults (broker and database inside
# Karaf) with the sandbox on (simulated state systems on localhost), posts the sample hospital
# submissions to its FHIR intake, and prints what became of each and what each state received.
# Needs a built assembly (./mvnw -B -q install -DskipTests) and curl.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
karaf="$here/assembly/target/assembly"
samples="$here/../bundles/fhir/samples"
base="http://localhost:${SAFEHARBOR_HTTP_PORT:-8080}"

if [ ! -x "$karaf/bin/start" ]; then
  echo "No assembly at $karaf: build it first with ./mvnw -B -q install -DskipTests" >&2
  exit 1
fi
command -v curl >/dev/null || { echo "the demo needs curl" >&2; exit 1; }

if ! curl -sf "$base/health" >/dev/null 2>&1; then
  echo "Starting SafeHarbor Bridge (Karaf in the background)..."
  "$karaf/bin/start"
fi
for _ in $(seq 1 120); do
  curl -sf "$base/fhir/metadata" >/dev/null 2>&1 && curl -sf "$base/health" >/dev/null 2>&1 && break
  sleep 0.5
done
# the sandbox: a features file in deploy/ installs safeharbor-sandbox (remove the file to switch it off)
cp "$here/demo/safeharbor-sandbox-on.xml" "$karaf/deploy/"
echo "Sandbox on: simulated state systems for US-IL (SOAP), US-FL (SFTP), US-MA and US-TX (HTTPS)"
for _ in $(seq 1 60); do
  curl -sf "$base/health" | grep -q '"US-TX"' && curl -sf "$base/health" | grep -q '"US-FL"' && break
  sleep 0.5
done
sleep 3
echo "Health: $(curl -s "$base/health")"
echo

field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -1; }

rm -f "$karaf/data/demo-tasks"
for sample in "$samples"/*.json; do
  name=$(basename "$sample" .json)
  headers=$(mktemp)
  body=$(curl -s -D "$headers" -X POST -H 'Content-Type: application/fhir+json' --data-binary @"$sample" "$base/fhir/\$process-message")
  status=$(head -1 "$headers" | tr -d '\r')
  task=$(grep -i '^Content-Location:' "$headers" | tr -d '\r' | sed 's/^[^:]*: *//')
  rm -f "$headers"
  echo "== $name"
  echo "   POST \$process-message -> $status"
  echo "$body" | grep -o '"diagnostics":"[^"]*"' | sed 's/"diagnostics":"/   /; s/"$//'
  if [ -n "$task" ]; then
    echo "${task##*/}" >> "$karaf/data/demo-tasks"
    taskjson=$(curl -s "$task")
    echo "   GET ${task#"$base"/fhir/} -> status $(echo "$taskjson" | field status), $(echo "$taskjson" | sed -n 's/.*"businessStatus":{[^}]*}\],"text":"\([^"]*\)".*/\1/p')"
  fi
  echo
done

echo "Waiting for the states' answers (Florida batches every 30 s)..."
sleep 35
echo
echo "What each simulated state received (one file per delivery, named by referral id):"
if [ -d "$karaf/data/sandbox" ]; then
  (cd "$karaf/data/sandbox" && for state in ??-*; do
     case "$state" in *-*-*) continue ;; esac   # a jurisdiction code (US-IL), not a peer's own files
     find "$state" -type f | sort | sed 's|^|   data/sandbox/|'
   done)
fi
echo
echo "And the hospital's Tasks now:"
for task in $(cat "$karaf/data/demo-tasks" 2>/dev/null); do
  taskjson=$(curl -s "$base/fhir/Task/$task")
  echo "   Task/$task -> $(echo "$taskjson" | field status), $(echo "$taskjson" | sed -n 's/.*"businessStatus":{[^}]*}\],"text":"\([^"]*\)".*/\1/p')"
done

cat <<MSG

SafeHarbor Bridge is running: $base/health, $base/fhir/metadata, $base/metrics
Logs: $karaf/data/log/karaf.log    Stop it with: $karaf/bin/stop
The wire formats of the four states are reference designs on real transports: no state publishes its intake interface.
MSG
