#!/usr/bin/env bash
# fetch-kafka.sh - fill lib/ with the Apache Kafka jars (broker, tools, Streams, Log4j 2) from Maven Central,
# using pom.xml. Cached: does nothing when lib/ already holds a complete copy of the same version.
#
#   ./fetch-kafka.sh                 Kafka 4.3.1 (the version pinned in pom.xml)
#   ./fetch-kafka.sh --force         fetch again even if lib/ looks complete
#   KAFKA_VERSION=4.4.0 LOG4J2_VERSION=2.25.5 ./fetch-kafka.sh   another version (see the table in pom.xml)
#
# "Complete" means: lib/.complete exists (written only after Maven succeeded), names the same Kafka version,
# and every jar it lists is still in lib/. Maven keeps its own download cache in ~/.m2, so a re-fetch of an
# already downloaded version is offline and takes ~2 s.
set -euo pipefail

KL_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIB="${KAFKA_LIB_DIR:-$KL_HOME/lib}"
PINNED_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KL_HOME/pom.xml" | head -n1)"
VERSION="${KAFKA_VERSION:-$PINNED_VERSION}"
MARKER="$LIB/.complete"
FORCE=false

log() { printf '[kafka-local] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --force) FORCE=true; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

lib_complete() {
  [ -f "$MARKER" ] || return 1
  [ "$(head -n1 "$MARKER")" = "kafka.version=$VERSION" ] || return 1
  local jar
  while IFS= read -r jar; do
    [ -f "$LIB/$jar" ] || return 1
  done < <(tail -n +2 "$MARKER")
}

if [ "$FORCE" = false ] && lib_complete; then
  log "Kafka $VERSION jars already in $LIB ($(($(wc -l <"$MARKER") - 1)) jars); nothing to fetch"
  exit 0
fi

command -v mvn >/dev/null 2>&1 || die "Maven (mvn) not found: it fetches the Kafka jars (install it, e.g. 'apt-get install maven')"
command -v java >/dev/null 2>&1 || [ -n "${JAVA_HOME:-}" ] || die "no Java found: Maven and Kafka need Java 17+ (e.g. 'apt-get install openjdk-17-jdk-headless')"

# Maven fills a fresh directory, which then replaces lib/ by a rename: jars of two versions never end up
# side by side (the JVM's lib/* order is unspecified), and a broker already running from lib/ keeps its
# open jars (a rename or unlink leaves them readable; overwriting them in place would not).
TMP="$LIB.fetch.$$"
trap 'rm -rf -- "$TMP"' EXIT
rm -rf -- "$TMP"
mkdir -p "$TMP"
args=(-q -f "$KL_HOME/pom.xml" dependency:copy-dependencies -DoutputDirectory="$TMP" -Dkafka.version="$VERSION")
[ -n "${LOG4J2_VERSION:-}" ] && args+=(-Dlog4j2.version="$LOG4J2_VERSION")
log "fetching Kafka $VERSION jars with Maven into $LIB"
t0=$SECONDS
# Offline first (instant when ~/.m2 already has everything), then online.
if ! mvn -o "${args[@]}" >/dev/null 2>&1; then
  mvn -B "${args[@]}" >&2 || die "Maven could not fetch Kafka $VERSION (is Maven Central reachable?)"
fi
[ -f "$TMP/kafka_2.13-$VERSION.jar" ] || die "Maven finished but kafka_2.13-$VERSION.jar is missing"
{
  echo "kafka.version=$VERSION"
  (cd "$TMP" && ls -1 -- *.jar)
} >"$TMP/.complete"

if [ -d "$LIB" ] && [ "$(cd "$LIB" && ls -1 -- *.jar 2>/dev/null)" = "$(tail -n +2 "$TMP/.complete")" ] &&
  cmp -s "$LIB/kafka_2.13-$VERSION.jar" "$TMP/kafka_2.13-$VERSION.jar"; then
  mv "$TMP/.complete" "$MARKER"   # same jars already there: only record that lib/ is complete
else
  OLD="$LIB.old.$$"
  [ -d "$LIB" ] && mv -- "$LIB" "$OLD"
  mv -- "$TMP" "$LIB"
  rm -rf -- "$OLD"
fi
log "fetched $(($(wc -l <"$MARKER") - 1)) jars ($(du -sh "$LIB" | cut -f1)) in $((SECONDS - t0))s"
