package org.bilevel4j.functional;

/**
 * Small dense solves on the JVM (Gaussian elimination with partial pivoting), for d_v × d_v and Kronecker systems
 * and the closed-form least squares of the data sets; independent of any backend.
 */
public final class DenseSolve {
    private DenseSolve() {
    }

    /**
     * @param a a square matrix (copied)
     * @param b the right-hand side (copied)
     * @param what the system's name for the error message
     * @return x with a x = b
     * @throws ArithmeticException if a is singular to working precision
     */
    public static double[] solve(double[][] a, double[] b, String what) {
        int n = b.length;
        double[][] m = new double[n][];
        double scale = 0;
        for (int i = 0; i < n; i++) {
            m[i] = a[i].clone();
            for (double v : m[i]) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        double[] x = b.clone();
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
                    p = r;
                }
            }
            if (!(Math.abs(m[p][c]) > 1e-14 * scale)) {
                throw new ArithmeticException(what + ": the matrix is singular to working precision (pivot "
                        + m[p][c] + " in column " + c + ", scale " + scale + ")");
            }
            double[] t = m[c];
            m[c] = m[p];
            m[p] = t;
            double tb = x[c];
            x[c] = x[p];
            x[p] = tb;
            for (int r = c + 1; r < n; r++) {
                double f = m[r][c] / m[c][c];
                if (f != 0) {
                    for (int k = c; k < n; k++) {
                        m[r][k] -= f * m[c][k];
                    }
                    x[r] -= f * x[c];
                }
            }
        }
        for (int c = n - 1; c >= 0; c--) {
            double s = x[c];
            for (int k = c + 1; k < n; k++) {
                s -= m[c][k] * x[k];
            }
            x[c] = s / m[c][c];
        }
        return x;
    }
}
