/**
 * Dataset readers for the command-line tool and its experiments: the IDX format of MNIST and Fashion-MNIST
 * ({@link org.bilevel4j.apps.data.IdxReader}, {@link org.bilevel4j.apps.data.FashionMnist}), LIBSVM / svmlight
 * sparse text ({@link org.bilevel4j.apps.data.LibsvmReader}), the dense in-memory result
 * ({@link org.bilevel4j.apps.data.LabelledData}).
 *
 * <p>Everything here holds plain Java arrays, not tensors: the caller puts them on a backend. Readers are
 * all-or-nothing: a malformed or truncated file raises {@link org.bilevel4j.apps.data.DataFormatException} (whose
 * message names the file, the position and what was expected) and never yields a partially filled dataset. Files
 * compressed with gzip are recognised by their magic bytes, not by their names; a truncated gzip stream or IDX file
 * is always detected. One case cannot be: a plain-text LIBSVM file cut right after a complete value of its last line
 * reads as a shorter, well-formed last line (text formats carry no length), so check such files' sizes.
 */
package org.bilevel4j.apps.data;
