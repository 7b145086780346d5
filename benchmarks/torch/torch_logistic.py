"""Reference timings in PyTorch for bilevel4j's hypergradient benchmarks: the same problem and the same algorithms,
run from Python on the same CPU, so that BENCHMARKS.md can report bilevel4j's time as a ratio to PyTorch's.

Problem: binary logistic regression, n training and n validation samples, d features, one L2 penalty exp(lam_j) per
feature; inner g(w, lam) = mean log(1 + exp(-y x.w)) + 0.5 sum exp(lam) w^2, outer f(w) = mean validation logistic
loss; data X ~ N(0, 1/d), labels from a random w_true plus noise, lam = log(0.1), inner step 1/L from w = 0.
Hypergradient by ITD (reverse mode through t gradient steps) and AID-CG (t gradient steps, then k CG steps on the
Hessian system). Prints the median time per hypergradient, the ratio to plain gradient evaluations, and the
hypergradient's norm and first entries; --dump PREFIX writes the data (X, y, Xv, yv, lam as .npy) and both
hypergradients (PREFIXtorch_itd.txt, PREFIXtorch_aid-cg.txt), the inner step (PREFIXalpha.txt) and the timings
(PREFIXtorch_times.txt: method and median ms per line) so that bilevel4j can be run on identical inputs.

Set-up (Debian): apt-get install python3-torch libopenblas0-pthread  (without OpenBLAS, Debian's PyTorch falls back
to the reference BLAS and is several times slower: compare against the fast configuration).

--samples FILE appends every single timing (ms) to FILE, a line per method, so that several runs can be pooled.

Usage: python3 torch_logistic.py [--n 5000] [--d 200] [--t 10] [--k 10] [--reps 7] [--threads 2] [--dump PREFIX]
                                 [--samples FILE]
"""
import argparse, time, statistics
import numpy as np
import torch

p = argparse.ArgumentParser()
p.add_argument('--n', type=int, default=5000)
p.add_argument('--d', type=int, default=200)
p.add_argument('--t', type=int, default=10)
p.add_argument('--k', type=int, default=10)
p.add_argument('--reps', type=int, default=7)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--seed', type=int, default=0)
p.add_argument('--dump', default=None, help='write X,y,Xv,yv,lam as .npy with this prefix')
p.add_argument('--samples', default=None,
               help='append every timing (ms) to this file, a line per method: name t1 t2 ... (to pool several runs)')
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.set_default_dtype(torch.float64)

rng = np.random.default_rng(a.seed)
def make(n):
    X = rng.standard_normal((n, a.d)) / np.sqrt(a.d)
    return X
w_true = rng.standard_normal(a.d)
X = make(a.n); y = np.sign(X @ w_true + 0.1 * rng.standard_normal(a.n))
Xv = make(a.n); yv = np.sign(Xv @ w_true + 0.1 * rng.standard_normal(a.n))
lam0 = np.full(a.d, np.log(0.1))
if a.dump:
    for name, arr in dict(X=X, y=y, Xv=Xv, yv=yv, lam=lam0).items():
        np.save(f'{a.dump}{name}.npy', arr)
X, y, Xv, yv = map(torch.from_numpy, (X, y, Xv, yv))

def inner(w, lam):
    return torch.nn.functional.softplus(-y * (X @ w)).mean() + 0.5 * (torch.exp(lam) * w * w).sum()
def outer(w):
    return torch.nn.functional.softplus(-yv * (Xv @ w)).mean()

# step size: L <= ||X||^2/(4n) + max exp(lam)
L = (torch.linalg.matrix_norm(X, 2) ** 2 / (4 * a.n) + torch.exp(torch.tensor(lam0)).max()).item()
alpha = 1.0 / L
if a.dump:
    with open(f'{a.dump}alpha.txt', 'w') as fh:
        fh.write(repr(alpha) + '\n')

def gd(lam, t, create_graph):
    w = torch.zeros(a.d, requires_grad=True)
    for _ in range(t):
        g, = torch.autograd.grad(inner(w, lam), w, create_graph=create_graph)
        w = w - alpha * g
    return w

def itd(lam_np):
    lam = torch.tensor(lam_np, requires_grad=True)
    w = gd(lam, a.t, create_graph=True)
    h, = torch.autograd.grad(outer(w), lam)
    return h

def aid_cg(lam_np):
    lam = torch.tensor(lam_np, requires_grad=True)
    w = gd(lam.detach(), a.t, create_graph=False).detach().requires_grad_(True)
    gw, = torch.autograd.grad(inner(w, lam), w, create_graph=True)
    b, = torch.autograd.grad(outer(w), w)
    def hvp(v):
        r, = torch.autograd.grad(gw, w, v, retain_graph=True)
        return r
    v = torch.zeros_like(b); r = b.clone(); pdir = r.clone(); rs = r @ r
    for _ in range(a.k):
        if rs.sqrt() <= 1e-14 * b.norm():   # converged: stop before 0/0
            break
        Ap = hvp(pdir); alpha_cg = rs / (pdir @ Ap)
        v = v + alpha_cg * pdir; r = r - alpha_cg * Ap; rs_new = r @ r
        pdir = r + (rs_new / rs) * pdir; rs = rs_new
    cross, = torch.autograd.grad(gw, lam, v)
    return -cross

def plain_grad(lam_np):
    lam = torch.tensor(lam_np)
    w = torch.zeros(a.d, requires_grad=True)
    g, = torch.autograd.grad(inner(w, lam), w)
    return g

def timeit(fn, reps):
    fn(lam0)
    ts = []
    for _ in range(reps):
        s = time.perf_counter(); fn(lam0); ts.append(time.perf_counter() - s)
    return statistics.median(ts), min(ts), max(ts), ts

g_med, _, _, g_ts = timeit(plain_grad, a.reps * 5)
times = [('gradient', g_med)]
samples = [('gradient', g_ts)]
for name, fn, units in (('itd', itd, 2 * a.t), ('aid-cg', aid_cg, a.t + 2 * a.k + 2)):
    med, lo, hi, ts = timeit(fn, a.reps)
    h = fn(lam0)
    times.append((name, med))
    samples.append((name, ts))
    if a.dump:
        np.savetxt(f'{a.dump}torch_{name}.txt', h.numpy())
    print(f'{name} n={a.n} d={a.d} t={a.t} k={a.k}: median {med*1e3:.2f} ms (min {lo*1e3:.2f}, max {hi*1e3:.2f}); '
          f'ratio to {units} gradients {med/(units*g_med):.2f}; |h|={h.norm().item():.6e} h[:3]={h[:3].tolist()}')
print(f'alpha {alpha!r}')
print(f'gradient: median {g_med*1e3:.3f} ms; torch {torch.__version__}, threads {torch.get_num_threads()}')
if a.dump:
    with open(f'{a.dump}torch_times.txt', 'w') as fh:
        for name, med in times:
            fh.write(f'{name} {med * 1e3:.6f}\n')
if a.samples:
    with open(a.samples, 'a') as fh:
        for name, ts in samples:
            fh.write(name + ' ' + ' '.join(f'{t * 1e3:.6f}' for t in ts) + '\n')
