#!/usr/bin/env bash
# SafeHarbor Bridge benchmarks (issue 6; see BENCHMARKS.md). Not part of the default build or of ./mvnw verify.
#
#   ./mvnw -B -q install -DskipTests && benchmarks/run.sh          # everything (~35 min on 2 cores)
#   benchmarks/run.sh jmh                                           # only the in-process JMH benchmarks (~5 min)
#   benchmarks/run.sh e2e [--name=value ...]                        # only the end-to-end load driver (~30 min)
#   benchmarks/run.sh h2 [referrals]                                # the embedded H2 file's growth per referral (~1 min)
#   benchmarks/run.sh store <referrals> <step> <candidate>...       # issue 16: H2 variants' size and rate every step
#                                                                    # (EmbeddedStoreGrowth: h2 h2-retention0 h2-compact
#                                                                    # h2-compact-retention0 h2-checkpoint)
#   benchmarks/run.sh store-hsqldb [referrals] [step]               # issue 16: HSQLDB 2.7 with its fsynced log (HsqldbLogGrowth)
#
# Needs the project installed (./mvnw -B -q install -DskipTests): it builds only the benchmarks module, then runs
# JMH (JMH_ARGS, default "-f 1 -wi 3 -i 3 -w 5s -r 5s") and the load driver against a fresh copy of
# karaf-distribution/assembly/target/safeharbor-karaf-assembly-*.tar.gz unpacked under benchmarks/target/e2e.
# Load driver options (defaults in BENCHMARKS.md): --hospitals=10 --warmup=20 --rates=30,300 --fixed=30 --full=60
# --backlog=100000 --drain-timeout=2400 --settle=360 --jfr=false --jfr-settings=profile --queue-consumers=N --h2-compaction=PT0S --karaf-java-opts="..."
# (--jfr=true profiles Karaf from its start: a separate run, as the recorder costs 20-25% of every figure).
# Results: benchmarks/target/results/ (or $OUT): machine.txt, jmh.txt, jmh-summary.txt, e2e.txt; with --jfr=true also
# karaf.jfr and fullspeed-jfr-top.txt, intake-jfr-top.txt, drain-jfr-top.txt.
# MVN_ARGS passes extra Maven options (e.g. MVN_ARGS=-o to build offline).
# DATABASE=postgresql runs the end-to-end part on a throw-away PostgreSQL (.ci/postgres, as the tests do) instead
# of the embedded H2: the message store of the production profile.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
what=${1:-all}
[ $# -gt 0 ] && shift

case "$what" in
  all|jmh|e2e|h2|store|store-hsqldb) ;;
  *) echo "usage: benchmarks/run.sh [all|jmh|e2e|h2|store|store-hsqldb] [load driver options | referrals for h2 | referrals step candidates for store]" >&2; exit 2 ;;
esac

dist=$(ls "$root"/karaf-distribution/assembly/target/safeharbor-karaf-assembly-*.tar.gz 2>/dev/null | head -1 || true)
if [ -z "$dist" ]; then
  echo "Build and install the project first: ./mvnw -B -q install -DskipTests" >&2
  exit 1
fi

echo "Building the benchmarks module (profile 'benchmarks')..."
(cd "$root" && ./mvnw -B -q ${MVN_ARGS:-} -Pbenchmarks -pl benchmarks package -DskipTests)

cp="$here/target/safeharbor-benchmarks.jar:$here/target/lib/*"
out="${OUT:-$here/target/results}"
mkdir -p "$out"
{
  echo "nproc: $(nproc)"
  free -h
  java -version 2>&1
  echo "load average: $(cat /proc/loadavg)"
} > "$out/machine.txt"
cat "$out/machine.txt"

if [ "$what" = all ] || [ "$what" = jmh ]; then
  echo "JMH: ${JMH_ARGS:=-f 1 -wi 3 -i 3 -w 5s -r 5s}"
  # shellcheck disable=SC2086
  java -cp "$cp" org.openjdk.jmh.Main $JMH_ARGS -rf json -rff "$out/jmh.json" 2>&1 | tee "$out/jmh.txt"
  java -cp "$cp" org.safeharbor.benchmarks.JmhSummary "$out/jmh.json" | tee "$out/jmh-summary.txt"
fi

if [ "$what" = all ] || [ "$what" = e2e ]; then
  database=()
  if [ "${DATABASE:-h2}" = postgresql ]; then
    . "$root/.ci/postgres"
    database=(--jdbc-url="$SAFEHARBOR_PG_URL" --jdbc-user="$SAFEHARBOR_PG_USER" --jdbc-password="$SAFEHARBOR_PG_PASSWORD")
  fi
  # the Illinois peer in this JVM keeps every delivery in memory: give it room
  java -Xmx3g -cp "$cp" org.safeharbor.benchmarks.LoadDriver --distribution="$dist" --work="$here/target/e2e" \
    --out="$out" "${database[@]}" "$@"
fi
if [ "$what" = h2 ]; then
  # the embedded H2 file's growth per referral under the message store's commits (not part of "all")
  java -cp "$cp" org.safeharbor.benchmarks.H2FileGrowth "$@" | tee "$out/h2-growth.txt"
fi
if [ "$what" = store ]; then
  # issue 16: the embedded store candidates on H2 (not part of "all"; ~7 min per candidate at 100,000)
  java -Xmx1g -Dbench.dir="$here/target" -cp "$cp" org.safeharbor.benchmarks.EmbeddedStoreGrowth "$@" | tee "$out/store-growth.txt"
fi
if [ "$what" = store-hsqldb ]; then
  java -Xmx1g -Dbench.dir="$here/target" -cp "$cp" org.safeharbor.benchmarks.HsqldbLogGrowth "$@" | tee "$out/store-hsqldb-growth.txt"
fi
echo "Results in $out"
