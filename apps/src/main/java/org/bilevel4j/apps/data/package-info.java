/**
 * Dataset readers for the command-line tool and its experiments: the IDX format of MNIST and Fashion-MNIST
 * ({@link org.bilevel4j.apps.data.IdxReader}, {@link org.bilevel4j.apps.data.FashionMnist}), LIBSVM / svmlight
 * sparse text ({@link org.bilevel4j.apps.data.LibsvmReader}), the dense in-memory result
 * ({@link org.bilevel4j.apps.data.LabelledData}) and a load-once registry ({@link org.bilevel4j.apps.data.DataCache}).
 *
 * <p>Everything here holds plain Java arrays, not tensors: the caller puts them on a backend. Readers are
 * all-or-nothing: a malformed or truncated file raises {@link org.bilevel4j.apps.data.DataFormatException} (whose
 * message names the file, the position and what was expected) and never yields a partially filled dataset. Files
 * compressed with gzip are recognised by their magic bytes, not by their names.
 */
package org.bilevel4j.apps.data;
