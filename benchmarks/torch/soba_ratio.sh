#!/usr/bin/env bash
# Per-iteration time of SOBA at batch size b on the logistic task (n = m = 50,000, d = 100, float64), bilevel4j
# (JMH, SobaIterationBenchmark, EJML) and PyTorch (soba_logistic.py), measured back to back on the same CPU.
# JMH runs with -Djmh.ignoreLock=true: on a shared machine another JMH run may hold /tmp/jmh.lock.
# Prints the machine, the load average before and after each run, both timings and their ratio.
# Usage (from the repository root, after mvn -o -q -B -pl benchmarks -am package -DskipTests):
#   benchmarks/torch/soba_ratio.sh [batch=64] [torch threads=2]
set -euo pipefail
B=${1:-64}
THREADS=${2:-2}
PY=/usr/bin/python3
JAR=benchmarks/target/benchmarks.jar
OUT=$(mktemp -d)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
echo "load before PyTorch: $(cut -d' ' -f1-3 /proc/loadavg)"
$PY benchmarks/torch/soba_logistic.py --batch "$B" --threads "$THREADS" | tee "$OUT/torch.txt"
echo "load before JMH: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Djmh.ignoreLock=true -jar "$JAR" 'SobaIterationBenchmark.sobaIteration' -p backend=ejml -p batch="$B" \
    -f 1 -wi 3 -w 2s -i 5 -r 2s -rf csv -rff "$OUT/jmh.csv" | grep -E '^(Benchmark|SobaIteration)' || true
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
TORCH=$(sed -n 's/.*median \([0-9.]*\) us.*/\1/p' "$OUT/torch.txt")
JAVA=$(awk -F, 'NR==2 {print $5}' "$OUT/jmh.csv")
ERR=$(awk -F, 'NR==2 {print $6}' "$OUT/jmh.csv")
echo "b=$B: bilevel4j (EJML) $JAVA ± $ERR us, PyTorch $TORCH us; ratio bilevel4j/PyTorch $(awk -v j="$JAVA" -v t="$TORCH" 'BEGIN {printf "%.2f", j / t}')"
