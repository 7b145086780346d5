package org.bilevel4j.api.tensor;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.bilevel4j.api.backend.Capability;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.error.NonFiniteValueException;
import org.bilevel4j.api.error.UnsupportedCapabilityException;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A resolved backend: a name, its capabilities, its {@link Kernels}, and the factories that create tensors on
 * it. Obtain one from {@code org.bilevel4j.api.tensor.Backends}; algorithms never resolve backends themselves
 * but create tensors on the backend of the tensors they were given ({@link Tensor#backend()}).
 *
 * <p>Random tensors are generated on the JVM from {@link SplittableRandom} and then copied to the backend, so
 * the same seed gives the same values on every backend.
 */
public final class Backend {
    private final String name;
    private final Set<Capability> capabilities;
    private final Kernels kernels;

    private Backend(String name, Set<Capability> capabilities, Kernels kernels) {
        this.name = name;
        this.capabilities = capabilities;
        this.kernels = kernels;
    }

    /**
     * Wraps a backend's kernels. Called by the backend resolver and by tests; users obtain backends from
     * {@code Backends}.
     *
     * @param name         the provider's name, e.g. {@code "ejml"}
     * @param capabilities what the kernels support; must contain {@link Capability#FLOAT64}
     * @param kernels      the kernels
     * @return the backend
     */
    public static Backend of(String name, Set<Capability> capabilities, Kernels kernels) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kernels, "kernels");
        if (!capabilities.contains(Capability.FLOAT64)) {
            throw new IllegalArgumentException("capabilities: expected to contain FLOAT64, got " + capabilities);
        }
        return new Backend(name, Collections.unmodifiableSet(EnumSet.copyOf(capabilities)), kernels);
    }

    /** @return the provider name */
    public String name() {
        return name;
    }

    /** @return the capabilities (unmodifiable) */
    public Set<Capability> capabilities() {
        return capabilities;
    }

    /**
     * @param capability a capability
     * @return whether this backend has it
     */
    public boolean supports(Capability capability) {
        return capabilities.contains(capability);
    }

    Kernels kernels() {
        return kernels;
    }

    void requireDType(DType dtype) {
        if (dtype == DType.FLOAT32 && !supports(Capability.FLOAT32)) {
            throw new UnsupportedCapabilityException("dtype: backend '" + name
                    + "' does not support float32 (capabilities " + capabilities + "); use float64");
        }
    }

    Tensor wrap(Storage storage) {
        return new Tensor(this, storage);
    }

    // ---------------------------------------------------------------- from values

    /**
     * @param value a finite value
     * @return a float64 scalar (shape {@code []})
     */
    public Tensor scalar(double value) {
        return scalar(value, DType.FLOAT64);
    }

    /**
     * @param value a finite value
     * @param dtype element type
     * @return a scalar (shape {@code []})
     */
    public Tensor scalar(double value, DType dtype) {
        return fromArray(new double[] {value}, Shape.scalar(), dtype);
    }

    /**
     * @param values finite values; not modified (copied)
     * @return a float64 vector
     */
    public Tensor vector(double... values) {
        return fromArray(values, Shape.of(values.length), DType.FLOAT64);
    }

    /**
     * @param rows rows of equal length; not modified (copied)
     * @return a float64 matrix
     */
    public Tensor matrix(double[][] rows) {
        int m = rows.length;
        int n = m == 0 ? 0 : rows[0].length;
        double[] flat = new double[m * n];
        for (int i = 0; i < m; i++) {
            if (rows[i].length != n) {
                throw new IllegalArgumentException(
                        "rows[" + i + "]: expected length " + n + " (the length of rows[0]), got " + rows[i].length);
            }
            System.arraycopy(rows[i], 0, flat, i * n, n);
        }
        return fromArray(flat, Shape.of(m, n), DType.FLOAT64);
    }

    /**
     * @param values row-major finite values; not modified (copied)
     * @param shape  a shape of {@code values.length} elements
     * @return a float64 tensor
     */
    public Tensor fromArray(double[] values, Shape shape) {
        return fromArray(values, shape, DType.FLOAT64);
    }

    /**
     * @param values row-major finite values; not modified (copied)
     * @param shape  a shape of {@code values.length} elements
     * @param dtype  element type
     * @return the tensor
     * @throws NonFiniteValueException if a value is NaN or infinite
     */
    public Tensor fromArray(double[] values, Shape shape, DType dtype) {
        if (values.length != shape.size()) {
            throw new IllegalArgumentException("values: expected " + shape.size() + " elements for shape " + shape
                    + ", got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new NonFiniteValueException("values[" + i + "]: expected a finite value, got " + values[i]);
            }
        }
        requireDType(dtype);
        return wrap(kernels.fromDoubles(values.clone(), shape, dtype));
    }

    // ---------------------------------------------------------------- constant tensors

    /**
     * @param shape the shape
     * @return float64 zeros
     */
    public Tensor zeros(Shape shape) {
        return full(shape, DType.FLOAT64, 0.0);
    }

    /**
     * @param dims zero, one or two lengths
     * @return float64 zeros
     */
    public Tensor zeros(int... dims) {
        return zeros(Shape.of(dims));
    }

    /**
     * @param shape the shape
     * @param dtype element type
     * @return zeros
     */
    public Tensor zeros(Shape shape, DType dtype) {
        return full(shape, dtype, 0.0);
    }

    /**
     * @param shape the shape
     * @return float64 ones
     */
    public Tensor ones(Shape shape) {
        return full(shape, DType.FLOAT64, 1.0);
    }

    /**
     * @param dims zero, one or two lengths
     * @return float64 ones
     */
    public Tensor ones(int... dims) {
        return ones(Shape.of(dims));
    }

    /**
     * @param shape the shape
     * @param dtype element type
     * @param value a finite value
     * @return a tensor with every element equal to {@code value}
     */
    public Tensor full(Shape shape, DType dtype, double value) {
        if (!Double.isFinite(value)) {
            throw new NonFiniteValueException("value: expected a finite value, got " + value);
        }
        requireDType(dtype);
        return wrap(kernels.full(shape, dtype, value));
    }

    /**
     * @param n order
     * @return the float64 n×n identity
     */
    public Tensor identity(int n) {
        return identity(n, DType.FLOAT64);
    }

    /**
     * @param n     order
     * @param dtype element type
     * @return the n×n identity
     */
    public Tensor identity(int n, DType dtype) {
        if (n < 0) {
            throw new IllegalArgumentException("n: expected a non-negative order, got " + n);
        }
        requireDType(dtype);
        return wrap(kernels.identity(n, dtype));
    }

    // ---------------------------------------------------------------- random

    /**
     * @param shape the shape
     * @param seed  the seed: equal seeds give equal tensors on every backend
     * @return float64 samples of the standard normal distribution
     */
    public Tensor randomNormal(Shape shape, long seed) {
        return randomNormal(shape, DType.FLOAT64, new SplittableRandom(seed));
    }

    /**
     * @param shape the shape
     * @param dtype element type
     * @param rng   the generator; advanced by {@code shape.size()} draws
     * @return samples of the standard normal distribution
     */
    public Tensor randomNormal(Shape shape, DType dtype, RandomGenerator rng) {
        double[] v = new double[shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        requireDType(dtype);
        return wrap(kernels.fromDoubles(v, shape, dtype));
    }

    /**
     * @param shape the shape
     * @param low   lower end, inclusive
     * @param high  upper end, exclusive; greater than {@code low}
     * @param seed  the seed: equal seeds give equal tensors on every backend
     * @return float64 samples of the uniform distribution on [low, high)
     */
    public Tensor randomUniform(Shape shape, double low, double high, long seed) {
        return randomUniform(shape, DType.FLOAT64, low, high, new SplittableRandom(seed));
    }

    /**
     * @param shape the shape
     * @param dtype element type
     * @param low   lower end, inclusive
     * @param high  upper end, exclusive; greater than {@code low}
     * @param rng   the generator; advanced by {@code shape.size()} draws
     * @return samples of the uniform distribution on [low, high)
     */
    public Tensor randomUniform(Shape shape, DType dtype, double low, double high, RandomGenerator rng) {
        if (!(low < high) || !Double.isFinite(low) || !Double.isFinite(high)) {
            throw new IllegalArgumentException("high: expected a finite value greater than low = " + low + ", got " + high);
        }
        double[] v = new double[shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextDouble(low, high);
        }
        requireDType(dtype);
        return wrap(kernels.fromDoubles(v, shape, dtype));
    }

    @Override
    public String toString() {
        return "Backend[" + name + ", " + capabilities + "]";
    }
}
