package org.bilevel4j.apps.iv;

import java.util.Objects;

/**
 * The one-sided paired t-test of H₀: mean(a - b) ≥ 0 against H₁: mean(a - b) &lt; 0 ("a is lower than b"), with
 * t = mean(d) / (sd(d)/√n), n - 1 degrees of freedom, and the p-value P(T ≤ t) from Student's t distribution
 * through the regularised incomplete beta function (its continued fraction, as in Press, Teukolsky, Vetterling,
 * Flannery, "Numerical Recipes", 3rd ed., 2007, §6.4).
 *
 * @param n       the number of pairs
 * @param meanDifference mean(a - b)
 * @param t       the statistic (NaN for n &lt; 2 or zero spread)
 * @param pValue  P(T ≤ t) under H₀ (NaN when t is)
 */
public record PairedTTest(int n, double meanDifference, double t, double pValue) {

    /**
     * @param a the first method's values (e.g. test errors per seed)
     * @param b the second method's, paired by index
     * @return the test
     */
    public static PairedTTest lessThan(double[] a, double[] b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.length != b.length) {
            throw new IllegalArgumentException("b: expected " + a.length + " paired values like a, got " + b.length);
        }
        int n = a.length;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += a[i] - b[i];
        }
        mean /= Math.max(n, 1);
        if (n < 2) {
            return new PairedTTest(n, mean, Double.NaN, Double.NaN);
        }
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double e = a[i] - b[i] - mean;
            ss += e * e;
        }
        double sd = Math.sqrt(ss / (n - 1));
        if (sd == 0) {
            return new PairedTTest(n, mean, Double.NaN, Double.NaN);
        }
        double t = mean / (sd / Math.sqrt(n));
        return new PairedTTest(n, mean, t, studentCdf(t, n - 1));
    }

    /** @param t the value @param df degrees of freedom @return P(T ≤ t) for Student's t with df degrees */
    static double studentCdf(double t, double df) {
        double x = df / (df + t * t);
        double tail = 0.5 * regularizedBeta(x, df / 2, 0.5);
        return t > 0 ? 1 - tail : tail;
    }

    /** I_x(a, b), the regularised incomplete beta function. */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
        if (x < (a + 1) / (a + b + 2)) {
            return Math.exp(lnFront) * continuedFraction(x, a, b) / a;
        }
        return 1 - Math.exp(lnFront) * continuedFraction(1 - x, b, a) / b;
    }

    private static double continuedFraction(double x, double a, double b) {
        double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = Math.abs(d) < tiny ? tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 300; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    /** ln Γ(x) for x &gt; 0: the recurrence Γ(x) = Γ(x + k)/(x(x+1)…(x+k-1)) up to x + k ≥ 15, then Stirling's series. */
    static double lnGamma(double x) {
        double shift = 0;
        while (x < 15) {
            shift += Math.log(x);
            x += 1;
        }
        double z2 = 1 / (x * x);
        double series = (1.0 / 12 - z2 * (1.0 / 360 - z2 * (1.0 / 1260 - z2 / 1680))) / x;
        return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series - shift;
    }
}
