package org.bilevel4j.testkit.linalg;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.bilevel4j.api.map.BivariateMap;
import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * Small dense double-precision linear algebra on the JVM, independent of every backend, for building test
 * matrices and problems with exactly known spectra and for computing reference values: random orthogonal
 * matrices, matrices with prescribed eigen- or singular values, products, LU and Cholesky solves, symmetric eigenvalues
 * (cyclic Jacobi), spectral norms, and dense Jacobians of maps assembled from matrix-free products.
 *
 * <p>Matrices are row-major {@code double[rows][cols]}; arguments are never modified. All randomness comes from the
 * {@link SplittableRandom} passed in, so equal seeds give equal matrices. Meant for small sizes (up to a few
 * hundred): every routine is a plain O(n³) loop.
 */
public final class DenseMatrices {
    /** Jacobi sweeps at most (each sweep squares the off-diagonal mass once it is small). */
    private static final int MAX_SWEEPS = 100;

    private DenseMatrices() {
    }

    // ================================================================ random matrices (arrays)

    /**
     * @param m   rows
     * @param n   columns
     * @param rng generator, advanced by m·n Gaussian draws in row-major order
     * @return an m×n matrix of independent N(0, 1) entries
     */
    public static double[][] gaussian(int m, int n, SplittableRandom rng) {
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = rng.nextGaussian();
            }
        }
        return a;
    }

    /**
     * Standard normal draws by the Box–Muller transform (cosine branch only, two uniforms per draw), a stream that
     * does not depend on the JDK's {@link SplittableRandom#nextGaussian()} algorithm.
     *
     * @param rows rows
     * @param cols columns
     * @param rng  generator, advanced by 2·rows·cols uniform draws in row-major order
     * @return a rows×cols matrix of independent N(0, 1) entries
     */
    public static double[][] gaussianBoxMuller(int rows, int cols, SplittableRandom rng) {
        double[][] a = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double u1 = rng.nextDouble();
                double u2 = rng.nextDouble();
                a[i][j] = Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
            }
        }
        return a;
    }

    /**
     * @param n   length
     * @param rng generator
     * @return n independent N(0, 1) draws, the same as the column {@link #gaussianBoxMuller(int, int,
     *         SplittableRandom) gaussianBoxMuller(n, 1, rng)}
     */
    public static double[] gaussianBoxMuller(int n, SplittableRandom rng) {
        double[][] a = gaussianBoxMuller(n, 1, rng);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = a[i][0];
        }
        return v;
    }

    /**
     * @param rows rows
     * @param cols columns, at most rows
     * @param rng  generator
     * @return a rows×cols matrix with orthonormal columns spanning those of {@link #gaussianBoxMuller(int, int,
     *         SplittableRandom) gaussianBoxMuller(rows, cols, rng)}, by {@link #orthonormalized(double[][])}
     */
    public static double[][] orthonormalColumnsBoxMuller(int rows, int cols, SplittableRandom rng) {
        if (cols > rows) {
            throw new IllegalArgumentException("cols: expected at most rows = " + rows + ", got " + cols);
        }
        return orthonormalized(gaussianBoxMuller(rows, cols, rng));
    }

    /**
     * Modified Gram–Schmidt on the columns, left to right, the whole sweep done twice (each sweep projects every
     * column on the previous ones and normalises it).
     *
     * @param a a matrix of full column rank
     * @return a matrix with orthonormal columns spanning the same nested subspaces as a's
     */
    public static double[][] orthonormalized(double[][] a) {
        int rows = a.length;
        int cols = a[0].length;
        double[][] q = new double[rows][];
        for (int i = 0; i < rows; i++) {
            q[i] = a[i].clone();
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < cols; j++) {
                for (int k = 0; k < j; k++) {
                    double d = 0;
                    for (int i = 0; i < rows; i++) {
                        d += q[i][j] * q[i][k];
                    }
                    for (int i = 0; i < rows; i++) {
                        q[i][j] -= d * q[i][k];
                    }
                }
                double nrm = 0;
                for (int i = 0; i < rows; i++) {
                    nrm += q[i][j] * q[i][j];
                }
                nrm = Math.sqrt(nrm);
                for (int i = 0; i < rows; i++) {
                    q[i][j] /= nrm;
                }
            }
        }
        return q;
    }

    /**
     * @param m   rows
     * @param k   columns, at most m
     * @param rng generator
     * @return an m×k matrix with orthonormal columns: Gram–Schmidt, applied twice, on Gaussian columns
     */
    public static double[][] orthonormalColumns(int m, int k, SplittableRandom rng) {
        if (k > m) {
            throw new IllegalArgumentException("k: expected at most m = " + m + ", got " + k);
        }
        double[][] cols = new double[k][];
        for (int j = 0; j < k; j++) {
            double[] v = new double[m];
            for (int i = 0; i < m; i++) {
                v[i] = rng.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < j; p++) {
                    double d = 0;
                    for (int i = 0; i < m; i++) {
                        d += v[i] * cols[p][i];
                    }
                    for (int i = 0; i < m; i++) {
                        v[i] -= d * cols[p][i];
                    }
                }
            }
            double norm = norm(v);
            for (int i = 0; i < m; i++) {
                v[i] /= norm;
            }
            cols[j] = v;
        }
        double[][] q = new double[m][k];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                q[i][j] = cols[j][i];
            }
        }
        return q;
    }

    /**
     * @param n   order
     * @param rng generator
     * @return a random n×n orthogonal matrix
     */
    public static double[][] orthogonal(int n, SplittableRandom rng) {
        return orthonormalColumns(n, n, rng);
    }

    /**
     * @param u left factor (m×r)
     * @param s diagonal (r)
     * @param v right factor (n×r)
     * @return U diag(s) Vᵀ
     */
    public static double[][] compose(double[][] u, double[] s, double[][] v) {
        int m = u.length;
        int n = v.length;
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < s.length; k++) {
                    sum += u[i][k] * s[k] * v[j][k];
                }
                a[i][j] = sum;
            }
        }
        return a;
    }

    /**
     * @param eigenvalues the spectrum
     * @param rng         generator
     * @return Q diag(eigenvalues) Qᵀ with a random orthogonal Q, exactly symmetric
     */
    public static double[][] symmetricWithSpectrum(double[] eigenvalues, SplittableRandom rng) {
        int n = eigenvalues.length;
        double[][] q = orthonormalColumns(n, n, rng);
        double[][] a = compose(q, eigenvalues, q);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double mean = 0.5 * (a[i][j] + a[j][i]);
                a[i][j] = mean;
                a[j][i] = mean;
            }
        }
        return a;
    }

    /**
     * @param m   rows
     * @param n   columns
     * @param s   the singular values, min(m, n) of them
     * @param rng generator
     * @return U diag(s) Vᵀ with random orthonormal U, V
     */
    public static double[][] withSingularValues(int m, int n, double[] s, SplittableRandom rng) {
        int r = Math.min(m, n);
        if (s.length != r) {
            throw new IllegalArgumentException("s: expected min(m, n) = " + r + " values, got " + s.length);
        }
        return compose(orthonormalColumns(m, r, rng), s, orthonormalColumns(n, r, rng));
    }

    /**
     * @param n  how many
     * @param lo first value, positive
     * @param hi last value
     * @return n values from lo to hi (both included exactly), geometrically spaced
     */
    public static double[] geometric(int n, double lo, double hi) {
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = n == 1 ? lo : lo * Math.pow(hi / lo, (double) i / (n - 1));
        }
        e[0] = lo;
        e[n - 1] = hi;
        return e;
    }

    // ================================================================ arithmetic (arrays)

    /** @return the n×n identity */
    public static double[][] identity(int n) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            a[i][i] = 1;
        }
        return a;
    }

    /** @return aᵀ */
    public static double[][] transpose(double[][] a) {
        int m = a.length;
        int n = a[0].length;
        double[][] t = new double[n][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    /** @return a + b */
    public static double[][] add(double[][] a, double[][] b) {
        return combine(a, 1, b);
    }

    /** @return a - b */
    public static double[][] sub(double[][] a, double[][] b) {
        return combine(a, -1, b);
    }

    private static double[][] combine(double[][] a, double sign, double[][] b) {
        double[][] c = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                c[i][j] = a[i][j] + sign * b[i][j];
            }
        }
        return c;
    }

    /** @return I - a (a square) */
    public static double[][] identityMinus(double[][] a) {
        return sub(identity(a.length), a);
    }

    /** @return s·a */
    public static double[][] scale(double[][] a, double s) {
        double[][] c = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                c[i][j] = a[i][j] * s;
            }
        }
        return c;
    }

    /** @return the product a b */
    public static double[][] mul(double[][] a, double[][] b) {
        int m = a.length;
        int k = b.length;
        int n = b[0].length;
        double[][] c = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < k; l++) {
                double ail = a[i][l];
                if (ail == 0) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    c[i][j] += ail * b[l][j];
                }
            }
        }
        return c;
    }

    /** @return the product a x */
    public static double[] mul(double[][] a, double[] x) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += a[i][j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }

    /** @return aᵀ x */
    public static double[] mulTransposed(double[][] a, double[] x) {
        double[] y = new double[a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < y.length; j++) {
                y[j] += a[i][j] * x[i];
            }
        }
        return y;
    }

    /** @return a diag(s): column j of a times s_j */
    public static double[][] scaleColumns(double[][] a, double[] s) {
        double[][] c = new double[a.length][s.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < s.length; j++) {
                c[i][j] = a[i][j] * s[j];
            }
        }
        return c;
    }

    /** @return V diag(eig) Vᵀ, as the product (V diag(eig)) Vᵀ */
    public static double[][] spectral(double[][] v, double[] eig) {
        return mul(scaleColumns(v, eig), transpose(v));
    }

    /** @return the inner product aᵀb, summed in index order */
    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** @return aᵀa */
    public static double[][] gram(double[][] a) {
        int m = a.length;
        int n = m == 0 ? 0 : a[0].length;
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double s = 0;
                for (int k = 0; k < m; k++) {
                    s += a[k][i] * a[k][j];
                }
                g[i][j] = s;
                g[j][i] = s;
            }
        }
        return g;
    }

    /** @return a - b */
    public static double[] sub(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] - b[i];
        }
        return c;
    }

    /** @return a + b */
    public static double[] add(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    /** @return the Euclidean norm ‖a‖ */
    public static double norm(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /** @return the Frobenius norm ‖a‖_F */
    public static double frobenius(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double x : row) {
                s += x * x;
            }
        }
        return Math.sqrt(s);
    }

    /** @return the largest |a_ij - a_ji| */
    public static double asymmetry(double[][] a) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < i; j++) {
                m = Math.max(m, Math.abs(a[i][j] - a[j][i]));
            }
        }
        return m;
    }

    // ================================================================ solves

    /**
     * @param a a square non-singular matrix
     * @param b right-hand sides, one per column
     * @return x with a x = b, by LU with partial pivoting
     * @throws ArithmeticException if a pivot is exactly zero
     */
    public static double[][] solve(double[][] a, double[][] b) {
        int n = a.length;
        int m = b[0].length;
        double[][] lu = new double[n][];
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            lu[i] = a[i].clone();
            x[i] = b[i].clone();
        }
        for (int k = 0; k < n; k++) {
            int p = k;
            for (int i = k + 1; i < n; i++) {
                if (Math.abs(lu[i][k]) > Math.abs(lu[p][k])) {
                    p = i;
                }
            }
            double[] tmp = lu[k];
            lu[k] = lu[p];
            lu[p] = tmp;
            tmp = x[k];
            x[k] = x[p];
            x[p] = tmp;
            double pivot = lu[k][k];
            if (pivot == 0) {
                throw new ArithmeticException("a: singular matrix (zero pivot in column " + k + ")");
            }
            for (int i = k + 1; i < n; i++) {
                double f = lu[i][k] / pivot;
                if (f == 0) {
                    continue;
                }
                for (int j = k; j < n; j++) {
                    lu[i][j] -= f * lu[k][j];
                }
                for (int j = 0; j < m; j++) {
                    x[i][j] -= f * x[k][j];
                }
            }
        }
        for (int k = n - 1; k >= 0; k--) {
            for (int j = 0; j < m; j++) {
                double s = x[k][j];
                for (int i = k + 1; i < n; i++) {
                    s -= lu[k][i] * x[i][j];
                }
                x[k][j] = s / lu[k][k];
            }
        }
        return x;
    }

    /** @return x with a x = b (see {@link #solve(double[][], double[][])}) */
    public static double[] solve(double[][] a, double[] b) {
        double[][] col = new double[b.length][];
        for (int i = 0; i < b.length; i++) {
            col[i] = new double[] {b[i]};
        }
        double[][] x = solve(a, col);
        double[] v = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = x[i][0];
        }
        return v;
    }

    /** @return a⁻¹ */
    public static double[][] inverse(double[][] a) {
        return solve(a, identity(a.length));
    }

    /**
     * @param a a symmetric positive definite matrix (only its lower triangle is read)
     * @param b right-hand side
     * @return x with a x = b, by Cholesky a = LLᵀ and two triangular solves
     */
    public static double[] solveSpd(double[][] a, double[] b) {
        return choleskySolve(cholesky(a), b);
    }

    /**
     * @param a a symmetric positive definite matrix (only its lower triangle is read)
     * @return a⁻¹, column by column from one Cholesky factorisation (a symmetric matrix up to rounding, whose
     *         row j is the solve against e_j)
     */
    public static double[][] inverseSpd(double[][] a) {
        int n = a.length;
        double[][] l = cholesky(a);
        double[][] inv = new double[n][];
        for (int j = 0; j < n; j++) {
            double[] e = new double[n];
            e[j] = 1;
            inv[j] = choleskySolve(l, e);
        }
        return inv;
    }

    /**
     * @param a a symmetric positive definite matrix (only its lower triangle is read)
     * @return the lower-triangular L with a = LLᵀ
     * @throws ArithmeticException if a pivot is not positive (a is not positive definite)
     */
    public static double[][] cholesky(double[][] a) {
        int k = a.length;
        double[][] l = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int r = 0; r < j; r++) {
                    s -= l[i][r] * l[j][r];
                }
                if (i == j && !(s > 0)) {
                    throw new ArithmeticException("a: expected a positive definite matrix, pivot " + i + " is " + s);
                }
                l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
            }
        }
        return l;
    }

    private static double[] choleskySolve(double[][] l, double[] b) {
        int k = b.length;
        double[] y = new double[k];
        for (int i = 0; i < k; i++) {
            double s = b[i];
            for (int r = 0; r < i; r++) {
                s -= l[i][r] * y[r];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[k];
        for (int i = k - 1; i >= 0; i--) {
            double s = y[i];
            for (int r = i + 1; r < k; r++) {
                s -= l[r][i] * x[r];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    // ================================================================ spectra

    /**
     * Eigenvalues by the cyclic Jacobi method: sweeps of plane rotations, each zeroing one off-diagonal pair,
     * until the off-diagonal mass is below 10⁻³⁰ of the diagonal's (at most 100 sweeps). Accurate to rounding
     * relative to the largest eigenvalue.
     *
     * @param a a symmetric matrix (only its upper triangle is read)
     * @return its eigenvalues in increasing order
     */
    public static double[] symmetricEigenvalues(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("a: expected a square matrix, row " + i + " has length "
                        + a[i].length + " instead of " + n);
            }
            for (int j = i; j < n; j++) {
                m[i][j] = a[i][j];
                m[j][i] = a[i][j];
            }
        }
        for (int sweep = 0; sweep < MAX_SWEEPS && !diagonalEnough(m); sweep++) {
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    annihilate(m, p, q);
                }
            }
        }
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = m[i][i];
        }
        Arrays.sort(e);
        return e;
    }

    private static boolean diagonalEnough(double[][] m) {
        double off = 0;
        double diag = 0;
        for (int i = 0; i < m.length; i++) {
            diag += m[i][i] * m[i][i];
            for (int j = i + 1; j < m.length; j++) {
                off += m[i][j] * m[i][j];
            }
        }
        return off == 0 || off <= 1e-30 * diag;
    }

    /**
     * Replaces m by JᵀmJ for the rotation J in the (p, q) plane that makes m_pq zero (Golub and Van Loan,
     * "Matrix Computations", § 8.5): t = tan θ is the smaller root of t² + 2τt - 1 = 0 with
     * τ = (m_qq - m_pp)/(2m_pq); the diagonal then moves by ∓t·m_pq.
     */
    private static void annihilate(double[][] m, int p, int q) {
        double mpq = m[p][q];
        if (mpq == 0) {
            return;
        }
        double tau = (m[q][q] - m[p][p]) / (2 * mpq);
        double t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.hypot(1, tau));
        double c = 1 / Math.hypot(1, t);
        double s = t * c;
        for (int k = 0; k < m.length; k++) {
            if (k == p || k == q) {
                continue;
            }
            double mkp = m[k][p];
            double mkq = m[k][q];
            m[k][p] = c * mkp - s * mkq;
            m[p][k] = m[k][p];
            m[k][q] = s * mkp + c * mkq;
            m[q][k] = m[k][q];
        }
        m[p][p] -= t * mpq;
        m[q][q] += t * mpq;
        m[p][q] = 0;
        m[q][p] = 0;
    }

    /** @return the eigenvalues of the symmetric part (a + aᵀ)/2, increasing */
    public static double[] symmetricPartEigenvalues(double[][] a) {
        return symmetricEigenvalues(scale(add(a, transpose(a)), 0.5));
    }

    /**
     * The spectral norm, from the eigenvalues of aᵀa after normalising a by its Frobenius norm (so that tiny and
     * huge matrices are treated alike).
     *
     * @param a a matrix
     * @return its largest singular value
     */
    public static double spectralNorm(double[][] a) {
        double f = frobenius(a);
        if (f == 0) {
            return 0;
        }
        double[] e = symmetricEigenvalues(gram(scale(a, 1 / f)));
        return f * Math.sqrt(Math.max(0, e[e.length - 1]));
    }

    /** @return the smallest singular value of a square matrix (normalised as in {@link #spectralNorm}) */
    public static double minSingularValue(double[][] a) {
        double f = frobenius(a);
        if (f == 0) {
            return 0;
        }
        double[] e = symmetricEigenvalues(gram(scale(a, 1 / f)));
        return f * Math.sqrt(Math.max(0, e[0]));
    }

    /**
     * @param t a rank-2 tensor
     * @return its largest singular value
     */
    public static double spectralNorm(Tensor t) {
        return spectralNorm(toArray(t));
    }

    // ================================================================ tensors

    /**
     * @param t a rank-2 tensor
     * @return its rows
     */
    public static double[][] toArray(Tensor t) {
        int m = t.dim(0);
        int n = t.dim(1);
        double[] v = t.toDoubleArray();
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            System.arraycopy(v, i * n, a[i], 0, n);
        }
        return a;
    }

    /**
     * @param b    backend
     * @param rows rows
     * @param cols columns
     * @param rng  generator
     * @return a float64 matrix of standard normal entries (the same values as {@link #gaussian(int, int,
     *         SplittableRandom)})
     */
    public static Tensor gaussian(Backend b, int rows, int cols, SplittableRandom rng) {
        return b.randomNormal(Shape.of(rows, cols), DType.FLOAT64, rng);
    }

    /**
     * @param b   backend
     * @param n   length
     * @param rng generator
     * @return a float64 vector of standard normal entries
     */
    public static Tensor gaussian(Backend b, int n, SplittableRandom rng) {
        return b.randomNormal(Shape.of(n), DType.FLOAT64, rng);
    }

    /** @return e_i in ℝⁿ as a float64 tensor */
    public static Tensor unit(Backend b, int n, int i) {
        double[] e = new double[n];
        e[i] = 1;
        return b.fromArray(e, Shape.of(n));
    }

    /** @return ‖x - reference‖ / ‖reference‖ */
    public static double relativeError(Tensor x, Tensor reference) {
        return x.sub(reference).normValue() / reference.normValue();
    }

    /** @return the largest absolute element-wise difference */
    public static double maxAbsDiff(Tensor x, Tensor y) {
        return x.sub(y).abs().max().item();
    }

    // ================================================================ Jacobians of maps

    /** @return ∂₁Φ(w, λ) [d × d], column i = jvpInner(e_i) */
    public static double[][] jacobianInner(Linearization lin, int d) {
        Backend b = lin.value().backend();
        double[][] j = new double[d][d];
        for (int i = 0; i < d; i++) {
            double[] col = lin.jvpInner(unit(b, d, i)).toDoubleArray();
            for (int r = 0; r < d; r++) {
                j[r][i] = col[r];
            }
        }
        return j;
    }

    /** @return ∂₁Φ(w, λ) [d × d], row i = vjpInner(e_i) = ∂₁Φᵀ e_i */
    public static double[][] jacobianInnerByVjp(Linearization lin, int d) {
        Backend b = lin.value().backend();
        double[][] j = new double[d][];
        for (int i = 0; i < d; i++) {
            j[i] = lin.vjpInner(unit(b, d, i)).toDoubleArray();
        }
        return j;
    }

    /** @return ∂₂Φ(w, λ) [d × n], row i = ∂₂Φᵀ e_i from the joint VJP */
    public static double[][] jacobianOuter(Linearization lin, int d) {
        Backend b = lin.value().backend();
        double[][] j = new double[d][];
        for (int i = 0; i < d; i++) {
            j[i] = lin.vjp(unit(b, d, i)).outer().toDoubleArray();
        }
        return j;
    }

    /** @return ∂₁Φ at (w, λ) */
    public static double[][] jacobianInner(BivariateMap phi, Tensor w, Tensor lambda) {
        return jacobianInner(phi.linearize(w, lambda), w.size());
    }
}
