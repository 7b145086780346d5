#!/usr/bin/env bash
# bilevel4j against PyTorch on the same CPU, same data, same algorithms (issue 13): for n = 5,000 samples with
# d in {200, 2000}, a small problem (n = 500, d = 20), and t = k in {10, 100}, runs
# benchmarks/torch/torch_logistic.py (which writes the data and its hypergradients), then the JMH benchmark
# SideBySideBenchmark on that data for every backend (it fails if a hypergradient differs from PyTorch's by more
# than 1e-12 relative), then PyTorch once more, and prints a Markdown table: ms per hypergradient (median) and the
# ratio to PyTorch's time, per backend. PyTorch's time is the median of its timings before and after the JMH run
# together, so that a machine whose speed drifts during a case weighs on both sides; the two runs' own medians are
# listed under the table, with the share of CPU time the hypervisor took while each case ran (steal).
#
# Usage: benchmarks/side-by-side.sh [--quick] [--backends ejml,ejml-scalar,djl,tensorflow] [--cases "5000:200 5000:2000 500:20"]
#                                   [--dims "200 2000"] [--steps "10 100"] [--threads N] [--out DIR] [--no-build]
#   --backends  ejml-scalar is EJML with its fused kernels in scalar arithmetic (a JVM without the Vector API);
#               the benchmark's JVM otherwise starts with --add-modules jdk.incubator.vector
#   --quick     fewer samples (estimated 8 minutes on 2 quiet cores); default: more samples (roughly 3x longer)
#   --cases     the problems, as n:d (n training and n validation samples, d features)
#   --dims      shorthand for --cases with n = 5000: "200 2000" is "5000:200 5000:2000"
#   --threads   PyTorch's threads (default: all cores, nproc)
#   --out       where the data, the JMH JSON and the logs go (default: a new directory under /tmp)
# Environment: PYTHON (default /usr/bin/python3, which must import torch: apt-get install python3-torch
# libopenblas0-pthread), JAVA (default java), MVN (default mvn), MVN_FLAGS (default -o: build offline), JAR (default benchmarks/target/benchmarks.jar,
# with its lib/ beside it; set it to run a copy while the tree is rebuilt; --no-build then), JAVA_OPTS (options of
# the JMH runner's JVM). JMH runs one benchmark at a time per machine (/tmp/jmh.lock): while another JMH run holds
# the lock this script waits (up to 30 minutes); JAVA_OPTS=-Djmh.ignoreLock=true runs anyway, at the cost of figures
# disturbed by the other run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
PYTHON="${PYTHON:-/usr/bin/python3}"
JAVA="${JAVA:-java}"
MVN="${MVN:-mvn}"
quick=0
backends="ejml,ejml-scalar,djl,tensorflow"
cases="5000:200 5000:2000 500:20"
steps="10 100"
threads="$(nproc)"
out=""
build=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) quick=1 ;;
        --backends) backends="$2"; shift ;;
        --cases) cases="$2"; shift ;;
        --dims) cases=""; for d in $2; do cases="$cases 5000:$d"; done; shift ;;
        --steps) steps="$2"; shift ;;
        --threads) threads="$2"; shift ;;
        --out) out="$2"; shift ;;
        --no-build) build=0 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
        *) echo "side-by-side.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[[ -n "$out" ]] || out="$(mktemp -d /tmp/side-by-side.XXXXXX)"
mkdir -p "$out"

if ! "$PYTHON" -c 'import torch' 2>/dev/null; then
    echo "side-by-side.sh: $PYTHON cannot import torch (apt-get install python3-torch libopenblas0-pthread, or set PYTHON)" >&2
    exit 1
fi
jar="${JAR:-$root/benchmarks/target/benchmarks.jar}"
if [[ $build -eq 1 ]]; then
    echo "building the benchmarks ($MVN ${MVN_FLAGS--o} -q -B -pl benchmarks -am package -DskipTests)" >&2
    # shellcheck disable=SC2086
    (cd "$root" && "$MVN" ${MVN_FLAGS--o} -q -B -pl benchmarks -am package -DskipTests) >&2
fi
[[ -f "$jar" ]] || { echo "side-by-side.sh: $jar missing (build without --no-build)" >&2; exit 1; }

if [[ $quick -eq 1 ]]; then
    reps=5; jmh_opts=(-wi 1 -w 1s -i 3 -r 1s)
else
    reps=15; jmh_opts=(-wi 3 -w 2s -i 5 -r 3s)
fi

start="$(date -u '+%Y-%m-%d %H:%M UTC')"
# the commit measured: read before the run (the tree may change while it runs; with JAR=..., the jar's own tree)
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -z "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]] || commit="$commit (with local changes)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
SECONDS=0
for nd in $cases; do
    n="${nd%%:*}"; d="${nd##*:}"
    [[ "$n" =~ ^[0-9]+$ && "$d" =~ ^[0-9]+$ ]] || { echo "side-by-side.sh: --cases: expected n:d, got '$nd'" >&2; exit 2; }
    for t in $steps; do
        prefix="$out/n${n}_d${d}_t${t}_"
        echo "== n=$n d=$d t=k=$t: PyTorch ($threads threads)" >&2
        rm -f "${prefix}torch_samples_before.txt" "${prefix}torch_samples_after.txt"
        grep '^cpu ' /proc/stat > "${prefix}cpu_start.txt" 2>/dev/null || true
        "$PYTHON" "$here/torch/torch_logistic.py" --n "$n" --d "$d" --t "$t" --k "$t" --reps "$reps" --threads "$threads" \
            --dump "$prefix" --samples "${prefix}torch_samples_before.txt" > "${prefix}torch.log"
        cat "${prefix}torch.log" >&2
        echo "== n=$n d=$d t=k=$t: bilevel4j ($backends)" >&2
        which='SideBySideBenchmark\.'
        [[ "$t" == "${steps%% *}" ]] || which='SideBySideBenchmark\.(itd|aidCg)$'   # the gradient does not depend on t
        waited=0
        while true; do
            status=0
            # shellcheck disable=SC2086
            "$JAVA" ${JAVA_OPTS:-} -jar "$jar" "$which" -p data="$prefix" -p t="$t" -p k="$t" -p backend="$backends" \
                "${jmh_opts[@]}" -f 1 -foe true -rf json -rff "${prefix}jmh.json" > "${prefix}jmh.log" 2>&1 || status=$?
            if [[ $status -ne 0 ]] && grep -q 'Unable to acquire the JMH lock' "${prefix}jmh.log" && [[ $waited -lt 1800 ]]; then
                [[ $waited -eq 0 ]] && echo "another JMH run holds /tmp/jmh.lock: waiting (up to 30 minutes)" >&2
                sleep 15; waited=$((waited + 15)); continue
            fi
            break
        done
        if [[ $status -ne 0 ]]; then
            grep -E 'side-by-side|Exception|expected' "${prefix}jmh.log" >&2 || true
            echo "side-by-side.sh: the JMH run failed (log: ${prefix}jmh.log)" >&2
            exit 1
        fi
        grep -F '[side-by-side]' "${prefix}jmh.log" >&2 || true
        echo "== n=$n d=$d t=k=$t: PyTorch again" >&2
        "$PYTHON" "$here/torch/torch_logistic.py" --n "$n" --d "$d" --t "$t" --k "$t" --reps "$reps" --threads "$threads" \
            --samples "${prefix}torch_samples_after.txt" > "${prefix}torch_after.log"
        cat "${prefix}torch_after.log" >&2
        grep '^cpu ' /proc/stat > "${prefix}cpu_end.txt" 2>/dev/null || true
    done
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

cd "$root"
"$PYTHON" - "$out" "$backends" "$cases" "$steps" "$start" "$SECONDS" "$load_start" "$load_end" "$quick" "$threads" \
    "$commit" <<'EOF'
import json, os, platform, re, statistics, subprocess, sys
out, backends, cases, steps, start, secs, load0, load1, quick, threads, commit = sys.argv[1:]
backends = backends.split(',')
names = {'ejml': 'EJML', 'ejml-scalar': 'EJML, scalar', 'djl': 'DJL', 'tensorflow': 'TensorFlow'}
def cpu():
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown CPU'
def ms(v):
    return f'{v:,.0f}' if v >= 100 else f'{v:.1f}' if v >= 10 else f'{v:.2f}' if v >= 1 else f'{v:.3g}'
def java_version():
    try:
        r = subprocess.run([os.environ.get('JAVA', 'java'), '-version'], capture_output=True, text=True)
        return r.stderr.splitlines()[0].strip()
    except Exception:
        return 'unknown'
import torch
def steal(prefix):
    # the share of this machine's CPU time that the hypervisor gave to others while the case ran (/proc/stat)
    try:
        a = [int(v) for v in open(prefix + 'cpu_start.txt').read().split()[1:9]]
        b = [int(v) for v in open(prefix + 'cpu_end.txt').read().split()[1:9]]
    except (OSError, ValueError):
        return ''
    d = [y - x for x, y in zip(a, b)]
    return f' (steal {100 * d[7] / max(1, sum(d)):.0f}%)'
def samples(path):
    return {line.split()[0]: [float(v) for v in line.split()[1:]] for line in open(path) if line.strip()}
rows = []
agree = []
drift = []
for nd in cases.split():
    n, d = nd.split(':')
    for t in steps.split():
        prefix = f'{out}/n{n}_d{d}_t{t}_'
        before = samples(prefix + 'torch_samples_before.txt')
        after = samples(prefix + 'torch_samples_after.txt')
        torch_ms = {m: statistics.median(before[m] + after[m]) for m in before}
        drift.append(f'n = {int(n):,}, d = {int(d):,}, t = k = {t}{steal(prefix)}: ' + '; '.join(
            f'{m} {ms(statistics.median(before[m]))} → {ms(statistics.median(after[m]))}' for m in before))
        jmh = json.load(open(prefix + 'jmh.json'))
        java = {}
        for r in jmh:
            method = r['benchmark'].rsplit('.', 1)[1]
            java[(method, r['params']['backend'])] = r['primaryMetric']['scorePercentiles']['50.0']
        for line in open(prefix + 'jmh.log'):
            m = re.search(r'\[side-by-side\] (.*)', line)
            if m:
                agree.append(m.group(1))
        for method, key in (('ITD', 'itd'), ('AID-CG', 'aidCg'), ('one inner gradient', 'gradient')):
            if key == 'gradient' and t != steps.split()[0]:
                continue   # the gradient does not depend on t: once per d
            ref = float(torch_ms[{'itd': 'itd', 'aidCg': 'aid-cg', 'gradient': 'gradient'}[key]])
            cells = []
            for b in backends:
                v = java.get((key, b))
                cells.append('n/a' if v is None else f'{ms(v)} ({v / ref:.2f}×)')
            tk = '' if key == 'gradient' else t
            rows.append(f'| {int(n):,} | {int(d):,} | {tk} | {method} | {ms(ref)} | ' + ' | '.join(cells) + ' |')
print(f'Side by side, {start}: per-feature L2 logistic regression, n training and n validation samples, d '
      f'features, float64, inner step 1/L from w = 0; ms per hypergradient (median) and ratio to PyTorch\'s time.')
print()
print(f'Machine: {cpu()}, {os.cpu_count()} cores; {java_version()}; PyTorch {torch.__version__} with '
      f'{threads} threads; mode {"quick" if quick == "1" else "full"}; {int(secs) // 60} min {int(secs) % 60} s; '
      f'load average {load0} at the start, {load1} at the end; bilevel4j commit {commit}.')
print()
print('| n | d | t = k | method | PyTorch | ' + ' | '.join(names.get(b, b) for b in backends) + ' |')
print('|---:|---:|---:|---|---:|' + '---:|' * len(backends))
for r in rows:
    print(r)
print()
print('PyTorch\'s median (ms) before and after the JMH run of each case (the table pools both runs\' timings), and '
      'the share of CPU time the hypervisor took while the case ran (steal, /proc/stat; on a virtual machine):')
for line in drift:
    print(f'- {line}')
print()
print('Agreement with PyTorch (relative error of the hypergradient, checked before timing):')
for a in agree:
    print(f'- {a}')
EOF
echo "(data, logs and JMH JSON in $out)" >&2
