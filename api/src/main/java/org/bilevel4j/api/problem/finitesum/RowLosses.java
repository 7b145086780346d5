package org.bilevel4j.api.problem.finitesum;

import org.bilevel4j.api.tensor.Tensor;

/**
 * The per-sample losses of a finite sum written on data rows: {@link FiniteSum#overRows} gathers the batch's rows
 * of each data tensor (one {@link Tensor#gather} per tensor) and passes them here.
 */
@FunctionalInterface
public interface RowLosses {

    /**
     * @param inner w (may be traced); not modified
     * @param outer λ (may be traced); not modified
     * @param rows  the batch's rows of each data tensor, in the order the data were given (row k of
     *              {@code rows[d]} belongs to the k-th index of the batch)
     * @return the vector of per-sample losses, of shape [number of rows]
     */
    Tensor apply(Tensor inner, Tensor outer, Tensor[] rows);
}
