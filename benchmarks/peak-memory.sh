#!/usr/bin/env bash
# Peak heap of one hypergradient: bisects the smallest -Xmx (in MiB) with which PeakMemory finishes, per method.
# Usage: benchmarks/peak-memory.sh [t] [d] [n]   (after: mvn -q -pl benchmarks -am package -DskipTests)
# Keep n small: with n x d data arrays of the trajectory's size, the smallest heap is set by whether two such arrays
# fit in SerialGC's old generation at once, not by the trajectory (n = 1000, d = 2000 showed ITD needing 2 MiB more).
set -euo pipefail
t=${1:-1000}; d=${2:-2000}; n=${3:-100}
jar="$(dirname "$0")/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "no $jar: build it first (see Usage)" >&2; exit 1; }
run() {
  java -Xmx"$2"m -XX:+UseSerialGC -cp "$jar" org.bilevel4j.benchmarks.PeakMemory "$1" "$t" "$d" "$n" >/dev/null 2>&1
}
smallest() {
  local method=$1 lo=8 hi=4096
  run "$method" "$hi" || { echo "$method fails even with -Xmx${hi}m" >&2; exit 1; }
  while (( hi - lo > 1 )); do
    local mid=$(( (lo + hi) / 2 ))
    if run "$method" "$mid"; then hi=$mid; else lo=$mid; fi
  done
  echo "$hi"
}
echo "t=$t d=$d n=$n (smallest -Xmx in MiB that completes; SerialGC)"
base=$(smallest aid-fp) || exit 1; echo "aid-fp (no trajectory)   $base"
full=$(smallest itd) || exit 1;    echo "itd (full trajectory)    $full"
ckpt=$(smallest itd-checkpoint) || exit 1; echo "itd-checkpoint           $ckpt"
echo "extra over aid-fp: itd $(( full - base )) MiB, itd-checkpoint $(( ckpt - base )) MiB"
