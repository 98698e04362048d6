# Sourced by every bench/ script: the repository root as working directory, the header each
# result starts with, and the files the build and the repository provide.
# shellcheck shell=bash

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit

# The options of every spark-gru JVM, a java argument file: java @"$jvm_options" ...
# shellcheck disable=SC2034
jvm_options="$root/conf/jvm-options"

# The header of a result: date, machine, Java and commit, then one "# " line per argument (what
# the script ran, e.g. "master: local[2]").
bench_header() {
  echo "# date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) cores)"
  echo "# java: $(java -version 2>&1 | head -1)"
  echo "# commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  local line
  for line in "$@"; do
    echo "# $line"
  done
}

# The jar for spark-submit that the last build made (bin/spark-gru builds it), from the names the
# build writes into jobs/target/jars.properties.
submit_jar() {
  local name
  name="$(sed -n 's/^submit_jar=//p' jobs/target/jars.properties 2>/dev/null)"
  if [[ -z "$name" || ! -f "jobs/target/$name" ]]; then
    echo "bench: no jar for spark-submit under jobs/target (run bin/spark-gru once to build it)" >&2
    return 1
  fi
  echo "jobs/target/$name"
}
