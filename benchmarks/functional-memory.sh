#!/usr/bin/env bash
# Peak heap of one total gradient, FuncID against AID on network weights (FunctionalCostBenchmark's instance, EJML):
# bisects the smallest -Xmx (in MiB, SerialGC) with which FunctionalCostMemory finishes, for the setup alone (data,
# θ, the adjoint network's ξ), AID and FuncID, to within 2% (or 1 MiB).
# Usage: [HI=MiB] benchmarks/functional-memory.sh p_in d_v   (upper end of the bisection, default 4096; after: mvn -q -pl benchmarks -am package -DskipTests)
set -euo pipefail
p=${1:?p_in}; dv=${2:?d_v}
jar="$(dirname "$0")/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "no $jar: build it first (see Usage)" >&2; exit 1; }
run() {
  java -Xmx"$2"m -XX:+UseSerialGC -cp "$jar" org.bilevel4j.benchmarks.FunctionalCostMemory "$1" "$p" "$dv" \
    >/dev/null 2>&1
}
smallest() {
  local method=$1 lo=8 hi=${HI:-4096}
  run "$method" "$hi" || { echo "$method fails even with -Xmx${hi}m" >&2; exit 1; }
  while (( hi - lo > 1 && (hi - lo) * 50 > hi )); do
    local mid=$(( (lo + hi) / 2 ))
    if run "$method" "$mid"; then hi=$mid; else lo=$mid; fi
  done
  echo "$hi"
}
base=$(smallest setup) || exit 1
aid=$(smallest aid) || exit 1
fid=$(smallest funcid) || exit 1
echo "p_in=$p d_v=$dv setup=$base aid=$aid funcid=$fid (smallest -Xmx in MiB; extra over setup: aid $(( aid - base )), funcid $(( fid - base )))"
