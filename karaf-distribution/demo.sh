#!/usr/bin/env bash
# SafeHarbor Bridge demo: starts the adapter on its embedded defaults (broker and database inside
# Karaf) with the sandbox on (simulated state systems on localhost), registers a demo hospital as a
# SMART Backend Services client, gets an access token the standard way, posts the sample hospital
# submissions to its FHIR intake over HTTPS, and prints what became of each and what each state received.
# Needs a built assembly (./mvnw -B -q install -DskipTests) and curl.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
karaf="$here/assembly/target/assembly"
samples="$here/../bundles/fhir/samples"
base="https://localhost:${SAFEHARBOR_HTTP_PORT:-8443}"
ca="$karaf/etc/safeharbor/tls/ca.crt"     # made by the adapter on first start

if [ ! -x "$karaf/bin/start" ]; then
  echo "No assembly at $karaf: build it first with ./mvnw -B -q install -DskipTests" >&2
  exit 1
fi
command -v curl >/dev/null || { echo "the demo needs curl" >&2; exit 1; }

# The demo hospital: a key pair of its own (the private key stays with the "hospital", outside the
# adapter's folders, in karaf-distribution/assembly/target/demo-hospital/) and its
# registration (public key, scopes, the sample hospitals' source endpoints) in etc/safeharbor/clients/,
# exactly what an operator does for a real hospital (README, "Hospitals: registration and tokens").
client_id=demo-hospital
hospital="$here/assembly/target/demo-hospital"
key="$hospital/$client_id.key.json"
if [ ! -f "$key" ] || [ ! -f "$karaf/etc/safeharbor/clients/$client_id.json" ]; then
  # the MessageHeader.source.endpoint of every sample (each is another fictional hospital's EHR); the
  # samples' other endpoint, the destination, is this adapter's
  endpoints=$(grep -h -o '"endpoint": *"https:[^"]*"' "$samples"/*.json | grep -v 'safeharbor\.example\.org' \
              | sed 's/.*"\(https:[^"]*\)"/--source-endpoint \1/' | sort -u)
  # shellcheck disable=SC2086
  "$karaf/bin/safeharbor-client" keygen --client-id "$client_id" --name "Demo hospital network (the samples' senders)" \
      $endpoints --out "$hospital" >/dev/null
  mkdir -p "$karaf/etc/safeharbor/clients"
  cp "$hospital/$client_id.json" "$karaf/etc/safeharbor/clients/"
  echo "Registered the demo hospital: etc/safeharbor/clients/$client_id.json (its private key stays in $hospital)"
fi

if ! { [ -f "$ca" ] && curl -sf --cacert "$ca" "$base/health" >/dev/null 2>&1; }; then
  echo "Starting SafeHarbor Bridge (Karaf in the background)..."
  "$karaf/bin/start"
fi
for _ in $(seq 1 120); do
  [ -f "$ca" ] && curl -sf --cacert "$ca" "$base/fhir/metadata" >/dev/null 2>&1 \
    && curl -sf --cacert "$ca" "$base/health" >/dev/null 2>&1 && break
  sleep 0.5
done
echo "HTTPS with the adapter's own CA: $ca (curl --cacert, or import it in the EHR's trust store)"
# an anonymous caller is refused
echo "Without a token: POST \$process-message -> $(curl -s -o /dev/null -w '%{http_code}' --cacert "$ca" -X POST \
     -H 'Content-Type: application/fhir+json' --data-binary '{}' "$base/fhir/\$process-message")"
token() {
  "$karaf/bin/safeharbor-client" token --client-id "$client_id" --key "$key" --fhir "$base/fhir" --ca "$ca" \
      --scope "system/Bundle.c system/Task.rs"
}
# the sandbox: the distribution's switch, etc/sandbox/safeharbor-sandbox-on.xml, copied into deploy/ installs
# safeharbor-sandbox (remove the file from deploy/ to switch it off)
cp "$karaf/etc/sandbox/safeharbor-sandbox-on.xml" "$karaf/deploy/"
echo "Sandbox on: simulated state systems for US-IL (SOAP), US-FL (SFTP), US-MA and US-TX (HTTPS)"
for _ in $(seq 1 60); do
  curl -sf --cacert "$ca" "$base/health" | grep -q '"US-TX"' && curl -sf --cacert "$ca" "$base/health" | grep -q '"US-FL"' && break
  sleep 0.5
done
sleep 3
echo "Health: $(curl -s --cacert "$ca" "$base/health")"
access_token=$(token)
echo "Access token from $base/auth/token (SMART Backend Services, signed client assertion): ${access_token%%.*}..."
echo

field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -1; }

rm -f "$karaf/data/demo-tasks"
for sample in "$samples"/*.json; do
  name=$(basename "$sample" .json)
  headers=$(mktemp)
  body=$(curl -s -D "$headers" --cacert "$ca" -H "Authorization: Bearer $access_token" -X POST \
         -H 'Content-Type: application/fhir+json' --data-binary @"$sample" "$base/fhir/\$process-message")
  status=$(head -1 "$headers" | tr -d '\r')
  task=$(grep -i '^Content-Location:' "$headers" | tr -d '\r' | sed 's/^[^:]*: *//')
  rm -f "$headers"
  echo "== $name"
  echo "   POST \$process-message -> $status"
  echo "$body" | grep -o '"diagnostics":"[^"]*"' | sed 's/"diagnostics":"/   /; s/"$//'
  if [ -n "$task" ]; then
    echo "${task##*/}" >> "$karaf/data/demo-tasks"
    taskjson=$(curl -s --cacert "$ca" -H "Authorization: Bearer $access_token" "$task")
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
access_token=$(token)
for task in $(cat "$karaf/data/demo-tasks" 2>/dev/null); do
  taskjson=$(curl -s --cacert "$ca" -H "Authorization: Bearer $access_token" "$base/fhir/Task/$task")
  echo "   Task/$task -> $(echo "$taskjson" | field status), $(echo "$taskjson" | sed -n 's/.*"businessStatus":{[^}]*}\],"text":"\([^"]*\)".*/\1/p')"
done

# services referrals (README "Services referrals"): the confirmed-labor sample again, as a new message with the youth's
# Consent to a services referral, goes to the sandbox services provider (a FHIR server on localhost:9449) and its Task
# status comes back on the hospital's Task; the same person at 20 is refused as a report (422) but referred to services
consented() {  # $1: a message id suffix, $2: the birth date
  sed -e "s/BBY-SHB-20261120-000733/BBY-SHB-20261120-000733-$1/" -e "s/\"birthDate\": \"2012-02-28\"/\"birthDate\": \"$2\"/" \
      -e 's|^      "fullUrl": "urn:uuid:a0da3ac7-5a08-5810-a488-ddbca9fbdf0c",|      "fullUrl": "urn:uuid:5d1c0a6e-2f7b-4c35-9f0e-1b2c3d4e5f60", "resource": {"resourceType": "Consent", "status": "active", "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}]}, "category": [{"coding": [{"system": "https://fhir.safeharbor-bridge.org/CodeSystem/services-referral", "code": "services-referral"}]}], "patient": {"reference": "urn:uuid:a0da3ac7-5a08-5810-a488-ddbca9fbdf0c"}, "policy": [{"uri": "https://fhir.safeharbor-bridge.org/CodeSystem/services-referral"}], "provision": {"type": "permit"}}}, {\n      "fullUrl": "urn:uuid:a0da3ac7-5a08-5810-a488-ddbca9fbdf0c",|' \
      "$samples/t74-62xa-confirmed-labor.json"
}
echo
echo "== services referral: the confirmed-labor sample with the youth's Consent to a services referral"
headers=$(mktemp)
consented "SERVICES-$(date +%s)" 2012-02-28 | curl -s -D "$headers" -o /dev/null --cacert "$ca" -H "Authorization: Bearer $access_token" \
    -X POST -H 'Content-Type: application/fhir+json' --data-binary @- "$base/fhir/\$process-message"
task=$(grep -i '^Content-Location:' "$headers" | tr -d '\r' | sed 's/^[^:]*: *//')
echo "   POST \$process-message -> $(head -1 "$headers" | tr -d '\r')"
rm -f "$headers"
if [ -n "$task" ]; then
  for _ in $(seq 1 30); do
    shown=$(curl -s --cacert "$ca" -H "Authorization: Bearer $access_token" "$task" \
        | sed -n 's/.*"text":"services-referral sandbox"},"valueString":"\([^"]*\)".*/\1/p')
    case "$shown" in *"provider's Task"*) break ;; esac
    sleep 1
  done
  echo "   GET ${task#"$base"/fhir/} -> services-referral sandbox: ${shown:-(not yet)}"
fi
echo "== services referral: the same person at 20, consented (refused as a report, referred to services instead)"
consented "ADULT-$(date +%s)" "$(( $(date +%Y) - 20 ))-01-15" | curl -s --cacert "$ca" -H "Authorization: Bearer $access_token" \
    -X POST -H 'Content-Type: application/fhir+json' --data-binary @- -w '\n%{http_code}\n' "$base/fhir/\$process-message" \
    | { read -r body; read -r code; echo "   POST \$process-message -> HTTP $code"; echo "$body" | grep -o '"diagnostics":"[^"]*"' | sed 's/"diagnostics":"/   /; s/"$//'; }

# federal and aggregate data (README "Federal and aggregate data"): an auditor client, registered as a hospital is,
# reads the de-identified counts; every cell of the demo is below 11 and so suppressed (count empty)
auditor=demo-auditor
if [ ! -f "$hospital/$auditor.key.json" ] || [ ! -f "$karaf/etc/safeharbor/clients/$auditor.json" ]; then
  "$karaf/bin/safeharbor-client" keygen --client-id "$auditor" --name "Demo auditor" --kind auditor \
      --scope "system/AuditEvent.rs" --out "$hospital" >/dev/null
  cp "$hospital/$auditor.json" "$karaf/etc/safeharbor/clients/"
  sleep 6   # the client registry reads etc/safeharbor/clients/ on a schedule
fi
auditor_token=$("$karaf/bin/safeharbor-client" token --client-id "$auditor" --key "$hospital/$auditor.key.json" --fhir "$base/fhir" \
    --ca "$ca" --scope "system/AuditEvent.rs" 2>/dev/null || true)
echo
echo "The aggregate counts an auditor reads (GET /fhir/\$aggregate-counts, cells below 11 suppressed):"
curl -s --cacert "$ca" -H "Authorization: Bearer $auditor_token" "$base/fhir/\$aggregate-counts" | sed 's/^/   /'
echo "   (the hospital's token: $(curl -s -o /dev/null -w '%{http_code}' --cacert "$ca" -H "Authorization: Bearer $access_token" \
     "$base/fhir/\$aggregate-counts"))"

# NCANDS-style records (README "Federal and aggregate data") are written by an operator in the Karaf shell. Karaf ships no
# users: the demo adds one, demo-operator (roles operator, viewer, ssh), with a random password kept beside the demo
# hospital's key, and runs the command over bin/client (SSH on 127.0.0.1:8101), as an operator would.
operator=demo-operator
password_file="$hospital/$operator.password"
if [ ! -f "$password_file" ] || ! grep -q "^$operator = " "$karaf/etc/users.properties"; then
  (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$password_file")
  grep -q '^_g_\\:harbor-operators' "$karaf/etc/users.properties" \
    || echo '_g_\:harbor-operators = group,operator,viewer,ssh' >> "$karaf/etc/users.properties"
  sed -i "/^$operator = /d" "$karaf/etc/users.properties"
  echo "$operator = $(cat "$password_file"),_g_:harbor-operators" >> "$karaf/etc/users.properties"
  sleep 3   # Karaf reads etc/users.properties on change
fi
today=$(date -u +%F)
ncands="$karaf/data/demo-ncands-$today.csv"
echo
echo "NCANDS-style Child File records of today's referrals (harbor:export-ncands, user $operator over bin/client):"
karaf_shell() {  # one command, as an operator types it (batch mode: the command on standard input)
  echo "$1" | "$karaf/bin/client" -u "$operator" -p "$(cat "$password_file")" -r 10 -d 2 -b 2>/dev/null \
    | grep -v '^client: JAVA_HOME' | sed 's/^/   /' || true
}
karaf_shell "harbor:export-ncands --from $today --to $today --out $ncands"
[ -f "$ncands" ] && sed 's/^/     /' "$ncands"
echo "The services referrals as an operator sees them (harbor:services):"
karaf_shell "harbor:services -n 5"

# law-enforcement custody notices (README "Law-enforcement custody notices"): a police records system, registered as a
# client of kind law-enforcement with its own scope, sends the sample custody notice; the Illinois sandbox's State
# Central Register receives allegation 40 about the minor as a victim, reporter role "law enforcement", no offense.
# The hospital's token cannot send it (403).
police=demo-county-police
if [ ! -f "$hospital/$police.key.json" ] || [ ! -f "$karaf/etc/safeharbor/clients/$police.json" ]; then
  "$karaf/bin/safeharbor-client" keygen --client-id "$police" --name "Demo county police records system" --kind law-enforcement \
      --source-endpoint https://records.example-county-police.example.org/fhir --out "$hospital" >/dev/null
  cp "$hospital/$police.json" "$karaf/etc/safeharbor/clients/"
  sleep 6   # the client registry reads etc/safeharbor/clients/ on a schedule
fi
police_token=$("$karaf/bin/safeharbor-client" token --client-id "$police" --key "$hospital/$police.key.json" --fhir "$base/fhir" \
    --ca "$ca" --scope "system/Bundle.c?event=custody-notice system/Task.rs")
notice="$samples/law-enforcement/custody-notice-illinois.json"
fresh_notice() { sed "s/ECPD-SHB-20261121-000007/ECPD-SHB-$(date +%s)/" "$notice"; }
echo
echo "== law-enforcement custody notice (police client, scope system/Bundle.c?event=custody-notice)"
headers=$(mktemp)
fresh_notice | curl -s -D "$headers" -o /dev/null --cacert "$ca" -H "Authorization: Bearer $police_token" -X POST \
     -H 'Content-Type: application/fhir+json' --data-binary @- "$base/fhir/\$process-message"
echo "   POST \$process-message -> $(head -1 "$headers" | tr -d '\r')"
notice_task=$(grep -i '^Content-Location:' "$headers" | tr -d '\r' | sed 's/^[^:]*: *//; s|.*/||')
rm -f "$headers"
echo "   the hospital's token, same notice -> $(fresh_notice | curl -s -o /dev/null -w '%{http_code}' --cacert "$ca" \
     -H "Authorization: Bearer $access_token" -X POST -H 'Content-Type: application/fhir+json' --data-binary @- \
     "$base/fhir/\$process-message")"
if [ -n "$notice_task" ]; then
  sleep 5
  received=$(find "$karaf/data/sandbox/US-IL" -type f -name "$notice_task*" 2>/dev/null | head -1)
  echo "   Illinois sandbox received: ${received#"$karaf"/}"
  [ -n "$received" ] && grep -o '<[^>]*Role>[^<]*<\|<[^>]*Code>[^<]*<' "$received" | sed 's/^/     /'
  taskjson=$(curl -s --cacert "$ca" -H "Authorization: Bearer $police_token" "$base/fhir/Task/$notice_task")
  echo "   GET Task/$notice_task -> $(echo "$taskjson" | field status), $(echo "$taskjson" | sed -n 's/.*"businessStatus":{[^}]*}\],"text":"\([^"]*\)".*/\1/p')"
fi

# a child in the state agency's care (README "Statutory clocks", docs/domain.md "Children in state care"): the same
# positive screen that reaches no state for a child not in care goes to Illinois, which declares the child-in-care rule
# (42 U.S.C. 671(a)(34)), as a risk signal, and the agency's 24-hour law-enforcement clock runs on it
foster="$samples/child-in-care/foster-child-sscst-positive-illinois.json"
echo
echo "== a foster child's positive screen (child-care-status foster-care)"
access_token=$(token)
headers=$(mktemp)
sed "s/LKS-SHB-20261122-000501/LKS-SHB-FOSTER-$(date +%s)/" "$foster" | curl -s -D "$headers" -o /dev/null --cacert "$ca" \
    -H "Authorization: Bearer $access_token" -X POST -H 'Content-Type: application/fhir+json' --data-binary @- "$base/fhir/\$process-message"
echo "   POST \$process-message -> $(head -1 "$headers" | tr -d '\r')"
foster_task=$(grep -i '^Content-Location:' "$headers" | tr -d '\r' | sed 's/^[^:]*: *//; s|.*/||')
rm -f "$headers"
if [ -n "$foster_task" ]; then
  sleep 5
  received=$(find "$karaf/data/sandbox/US-IL" -type f -name "$foster_task*" 2>/dev/null | head -1)
  echo "   Illinois sandbox received: ${received#"$karaf"/}"
  [ -n "$received" ] && grep -o '<RiskSignal>.*</RiskSignal>\|<TraffickingType>[^<]*<\|<Rule>[^<]\{0,60\}' "$received" | sed 's/^/     /' || true
  taskjson=$(curl -s --cacert "$ca" -H "Authorization: Bearer $access_token" "$base/fhir/Task/$foster_task")
  echo "   GET Task/$foster_task -> $(echo "$taskjson" | field status), $(echo "$taskjson" | sed -n 's/.*"businessStatus":{[^}]*}\],"text":"\([^"]*\)".*/\1/p')"
fi

cat <<MSG

SafeHarbor Bridge is running: $base/health, $base/fhir/metadata, $base/fhir/.well-known/smart-configuration
(HTTPS with the CA $ca; /fhir needs a token: bin/safeharbor-client token --client-id $client_id --key $key --fhir $base/fhir --ca $ca)
Logs: $karaf/data/log/karaf.log    Stop it with: $karaf/bin/stop
The wire formats of the four states are reference designs on real transports: no state publishes its intake interface.
MSG
