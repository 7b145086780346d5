"""One SOBA iteration in PyTorch, the reference for bilevel4j's SobaIterationBenchmark (BENCHMARKS.md, "Stochastic
methods"): the same problem, the same update rule, float64, on the same CPU, so that the per-iteration time of
bilevel4j can be reported as a ratio to PyTorch's.

Problem (per-feature L2 tuning of a logistic regression as a finite sum, n training and m validation rows, d
features): g_i(w, lam) = softplus(-y_i x_i.w) + 0.5 sum_k exp(lam_k) w_k^2 and f_j(w) = softplus(-t_j u_j.w), rows
x_i, u_j ~ N(0, I/d), labels the signs of a random linear model (the same distribution as the Java benchmark; the
draws themselves differ, which does not change the work done).

One SOBA iteration (Dagreou, Ablin, Vaiter, Moreau, "A framework for bilevel optimization that enables stochastic
and global variance reduction algorithms", NeurIPS 2022), written in bilevel4j's sign convention (v ~ +H^-1 grad_w f):
draw an inner batch B and an outer batch J of b indices each, uniformly with replacement; with one double-backward
pass for the Hessian-vector and cross products on the batch B,
    D_w = grad_w g_B,  D_v = hess_ww g_B v - grad_w f_J,  D_lam = grad_lam f_J - hess_lam,w g_B v
    w <- w - rho D_w,  v <- v - rho D_v,  lam <- lam - gamma D_lam.
The steps are tiny (1e-9), as in the Java benchmark, so that the iterate stays where the oracles are timed.

Prints one line per repetition and a summary line: the median over repetitions of the mean time per iteration
(microseconds) over --iters iterations, after --warmup iterations.

Set-up (Debian): apt-get install python3-torch (run it with /usr/bin/python3).
Usage: /usr/bin/python3 soba_logistic.py [--n 50000] [--d 100] [--batch 64] [--iters 2000] [--reps 7] [--threads 2]
       /usr/bin/python3 soba_logistic.py --check     (the oracles against central differences of the gradient)
"""
import argparse
import statistics
import time

import torch

p = argparse.ArgumentParser()
p.add_argument('--n', type=int, default=50_000)
p.add_argument('--d', type=int, default=100)
p.add_argument('--batch', type=int, default=64)
p.add_argument('--warmup', type=int, default=500)
p.add_argument('--iters', type=int, default=2000)
p.add_argument('--reps', type=int, default=7)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--seed', type=int, default=3)
p.add_argument('--check', action='store_true',
               help='check the sampled HVP and cross product against central differences of the gradient, then exit')
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(a.seed)

truth = torch.randn(a.d, generator=gen)
X = torch.randn(a.n, a.d, generator=gen) / a.d ** 0.5
y = torch.sign(X @ truth)
U = torch.randn(a.n, a.d, generator=gen) / a.d ** 0.5
t = torch.sign(U @ truth)

w = 0.1 * torch.randn(a.d, generator=gen)
v = 0.5 * w
lam = torch.full((a.d,), torch.log(torch.tensor(0.1)).item())
rho = gamma = 1e-9


def soba_step(w, v, lam):
    bi = torch.randint(a.n, (a.batch,), generator=gen)
    bj = torch.randint(a.n, (a.batch,), generator=gen)
    w_ = w.detach().requires_grad_(True)
    lam_ = lam.detach().requires_grad_(True)
    xb, yb = X[bi], y[bi]
    g = torch.nn.functional.softplus(-yb * (xb @ w_)).mean() + 0.5 * (torch.exp(lam_) * w_ * w_).sum()
    gw, = torch.autograd.grad(g, w_, create_graph=True)
    hvp, cross = torch.autograd.grad(gw, (w_, lam_), grad_outputs=v)
    ub, tb = U[bj], t[bj]
    w2 = w.detach().requires_grad_(True)
    f = torch.nn.functional.softplus(-tb * (ub @ w2)).mean()
    fw, = torch.autograd.grad(f, w2)
    # f does not depend on lam: grad_lam f_J = 0
    with torch.no_grad():
        d_w = gw.detach()
        d_v = hvp - fw
        d_lam = -cross
        return w - rho * d_w, v - rho * d_v, lam - gamma * d_lam


if a.check:
    bi = torch.randint(a.n, (a.batch,), generator=gen)
    xb, yb = X[bi], y[bi]

    def grad_w(w_, lam_):
        w_ = w_.detach().requires_grad_(True)
        g = torch.nn.functional.softplus(-yb * (xb @ w_)).mean() + 0.5 * (torch.exp(lam_) * w_ * w_).sum()
        return torch.autograd.grad(g, w_)[0]

    w_ = w.clone().requires_grad_(True)
    lam_ = lam.clone().requires_grad_(True)
    g = torch.nn.functional.softplus(-yb * (xb @ w_)).mean() + 0.5 * (torch.exp(lam_) * w_ * w_).sum()
    gw, = torch.autograd.grad(g, w_, create_graph=True)
    hvp, cross = torch.autograd.grad(gw, (w_, lam_), grad_outputs=v)
    e = 1e-5
    hvp_fd = (grad_w(w + e * v, lam) - grad_w(w - e * v, lam)) / (2 * e)
    # cross product: d/d lam_k <grad_w g, v> = exp(lam_k) w_k v_k, by central differences per coordinate
    unit = torch.eye(a.d)
    cross_fd = torch.stack([(grad_w(w, lam + e * unit[k]) @ v - grad_w(w, lam - e * unit[k]) @ v) / (2 * e)
                            for k in range(a.d)])
    print(f'HVP relative error {((hvp - hvp_fd).norm() / hvp_fd.norm()).item():.2e}, '
          f'cross product relative error {((cross - cross_fd).norm() / cross_fd.norm()).item():.2e}')
    raise SystemExit(0)

for _ in range(a.warmup):
    w, v, lam = soba_step(w, v, lam)
times = []
for r in range(a.reps):
    t0 = time.perf_counter()
    for _ in range(a.iters):
        w, v, lam = soba_step(w, v, lam)
    us = (time.perf_counter() - t0) / a.iters * 1e6
    times.append(us)
    print(f'rep {r}: {us:.1f} us per SOBA iteration')
print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, n={a.n} d={a.d} b={a.batch}: '
      f'median {statistics.median(times):.1f} us per SOBA iteration (min {min(times):.1f}, max {max(times):.1f})')
