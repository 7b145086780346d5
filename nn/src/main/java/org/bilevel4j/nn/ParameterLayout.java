package org.bilevel4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * Named parameter tensors packed, in declaration order, into one flat vector θ ∈ ℝᵖ.
 *
 * <p>A network's parameters live in a single rank-1 tensor so that everything that sees one tensor (the
 * hypergradient estimators' inner variable, the optimizers, autodiff) handles a whole network. Each named
 * parameter is read back by {@link #view}, a slice of θ reshaped to the parameter's shape: a differentiable
 * operation, so gradients taken with respect to θ flow into every parameter and arrive packed in the same
 * order.
 */
public final class ParameterLayout {
    private final Map<String, Entry> entries;
    private final int size;

    /** One named parameter: its shape and its first index in the flat vector. */
    public record Entry(String name, Shape shape, int offset) {
        /** @return the number of elements */
        public int size() {
            return shape.size();
        }
    }

    private ParameterLayout(Map<String, Entry> entries, int size) {
        this.entries = entries;
        this.size = size;
    }

    /** @return a builder for a layout */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the length p of the flat vector */
    public int size() {
        return size;
    }

    /** @return the parameter names in packing order */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** @return the entries in packing order */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /**
     * @param name a declared name
     * @return its entry
     * @throws IllegalArgumentException naming the unknown name and the known ones
     */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("name: expected one of " + entries.keySet() + ", got '" + name + "'");
        }
        return e;
    }

    /**
     * @param flat the flat parameter vector (possibly traced)
     * @param name a declared name
     * @return the parameter as a view of {@code flat} (slice then reshape; differentiable)
     */
    public Tensor view(Tensor flat, String name) {
        requireFlat(flat, "flat");
        Entry e = entry(name);
        return flat.slice(0, e.offset, e.offset + e.size()).reshape(e.shape);
    }

    /**
     * @param flat the flat parameter vector
     * @return every parameter as a view, in packing order
     */
    public Map<String, Tensor> unpack(Tensor flat) {
        requireFlat(flat, "flat");
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Entry e : entries.values()) {
            out.put(e.name, view(flat, e.name));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * @param values one tensor per declared name, each of the declared shape (extra names are an error)
     * @return the flat vector (the concatenation of the flattened values, in packing order)
     */
    public Tensor pack(Map<String, Tensor> values) {
        Objects.requireNonNull(values, "values");
        for (String k : values.keySet()) {
            if (!entries.containsKey(k)) {
                throw new IllegalArgumentException("values: unexpected name '" + k + "'; expected " + entries.keySet());
            }
        }
        List<Tensor> parts = new ArrayList<>();
        for (Entry e : entries.values()) {
            Tensor t = values.get(e.name);
            if (t == null) {
                throw new IllegalArgumentException("values: missing parameter '" + e.name + "' of shape " + e.shape);
            }
            if (!t.shape().equals(e.shape)) {
                throw new ShapeMismatchException("values['" + e.name + "']: expected shape " + e.shape + ", got "
                        + t.shape());
            }
            parts.add(t.reshape(e.size()));
        }
        if (parts.isEmpty()) {
            throw new IllegalStateException("pack: the layout declares no parameter");
        }
        return Tensor.concat(0, parts.toArray(Tensor[]::new));
    }

    /**
     * @param flat a tensor
     * @param argument the argument's name for the message
     * @throws ShapeMismatchException unless {@code flat} is a vector of length {@link #size()}
     */
    public void requireFlat(Tensor flat, String argument) {
        Objects.requireNonNull(flat, argument);
        if (flat.rank() != 1 || flat.dim(0) != size) {
            throw new ShapeMismatchException(argument + ": expected a flat parameter vector of shape [" + size
                    + "], got " + flat.shape());
        }
    }

    @Override
    public String toString() {
        return "ParameterLayout" + entries.values().stream().map(e -> e.name + e.shape).toList() + " (" + size
                + " parameters)";
    }

    /** Declares parameters in packing order. */
    public static final class Builder {
        private final Map<String, Entry> entries = new LinkedHashMap<>();
        private int size;

        private Builder() {
        }

        /**
         * @param name  a new, non-empty name
         * @param shape the parameter's shape (rank 1 or 2, at least one element)
         * @return this builder
         */
        public Builder add(String name, Shape shape) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(shape, "shape");
            if (name.isEmpty() || entries.containsKey(name)) {
                throw new IllegalArgumentException("name: expected a new non-empty name, got '" + name + "'");
            }
            if (shape.rank() == 0 || shape.size() == 0) {
                throw new ShapeMismatchException("shape: expected a vector or matrix with at least one element for '"
                        + name + "', got " + shape);
            }
            entries.put(name, new Entry(name, shape, size));
            size += shape.size();
            return this;
        }

        /** @return the layout */
        public ParameterLayout build() {
            return new ParameterLayout(new LinkedHashMap<>(entries), size);
        }
    }
}
