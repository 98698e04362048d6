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

# The build directory of the default Spark line (the spark.line the parent pom sets; bin/spark-gru
# builds it).
build_dir() {
  echo "jobs/target/spark-$(sed -n 's#^ *<spark.line>\(.*\)</spark.line>$#\1#p' pom.xml | head -1)"
}

# The jar for spark-submit that the last build made, from the names the build writes into
# jars.properties in its build directory.
submit_jar() {
  local name dir
  dir="$(build_dir)"
  name="$(sed -n 's/^submit_jar=//p' "$dir/jars.properties" 2>/dev/null)"
  if [[ -z "$name" || ! -f "$dir/$name" ]]; then
    echo "bench: no jar for spark-submit under $dir (run bin/spark-gru once to build it)" >&2
    return 1
  fi
  echo "$dir/$name"
}
