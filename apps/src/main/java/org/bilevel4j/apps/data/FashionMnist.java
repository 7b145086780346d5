package org.bilevel4j.apps.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 28 x 28 grey-scale images of 10 classes of clothing, 60000 for
 * training and 10000 for testing, in the IDX files {@value #TRAIN_IMAGES}, {@value #TRAIN_LABELS},
 * {@value #TEST_IMAGES} and {@value #TEST_LABELS}. By default they are read from {@link #DEFAULT_DIR}, where
 * Debian's package {@code dataset-fashion-mnist} installs them; any directory holding the four files can be given
 * instead (the command-line tool's {@code --data-dir}).
 *
 * <p>Images are rows of {@value #PIXELS} pixels scaled to {@code [0, 1]} (raw value / 255), in the row-major pixel
 * order of the files; labels are the class ids {@code 0 .. 9} ({@link #CLASS_NAMES}).
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} installs the files, as text (for option descriptions). */
    public static final String DEFAULT_DIR_NAME = "/usr/share/datasets/fashion-mnist";

    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEFAULT_DIR = Path.of(DEFAULT_DIR_NAME);

    /** Training images, 60000 x 28 x 28. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    /** Training labels, 60000. */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    /** Test images, 10000 x 28 x 28. */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    /** Test labels, 10000. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";
    /** Image height and width. */
    public static final int SIDE = 28;
    /** Pixels per image. */
    public static final int PIXELS = SIDE * SIDE;
    /** Number of classes. */
    public static final int CLASSES = 10;
    /** Number of training images. */
    public static final int TRAIN_SIZE = 60_000;
    /** Number of test images. */
    public static final int TEST_SIZE = 10_000;
    /** The name of each class id. */
    public static final java.util.List<String> CLASS_NAMES = java.util.List.of("T-shirt/top", "Trouser",
            "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    /**
     * @return the training set from {@link #DEFAULT_DIR}
     * @throws FileNotFoundException if a file is missing (the message says which, and how to get it)
     * @throws DataFormatException   if a file is malformed or not of 28 x 28 images of 10 classes
     * @throws IOException           if a file cannot be read
     */
    public static LabelledData train() throws IOException {
        return train(DEFAULT_DIR);
    }

    /**
     * @return the test set from {@link #DEFAULT_DIR}
     * @throws FileNotFoundException if a file is missing (the message says which, and how to get it)
     * @throws DataFormatException   if a file is malformed or not of 28 x 28 images of 10 classes
     * @throws IOException           if a file cannot be read
     */
    public static LabelledData test() throws IOException {
        return test(DEFAULT_DIR);
    }

    /**
     * @param dir a directory holding {@value #TRAIN_IMAGES} and {@value #TRAIN_LABELS}
     * @return the 60000 training images, pixels in {@code [0, 1]}, and their labels {@code 0 .. 9}
     * @throws FileNotFoundException if a file is missing (the message says which, and how to get it)
     * @throws DataFormatException   if a file is malformed or not of 28 x 28 images of 10 classes
     * @throws IOException           if a file cannot be read
     */
    public static LabelledData train(Path dir) throws IOException {
        return read(dir, TRAIN_IMAGES, TRAIN_LABELS);
    }

    /**
     * @param dir a directory holding {@value #TEST_IMAGES} and {@value #TEST_LABELS}
     * @return the 10000 test images, pixels in {@code [0, 1]}, and their labels {@code 0 .. 9}
     * @throws FileNotFoundException if a file is missing (the message says which, and how to get it)
     * @throws DataFormatException   if a file is malformed or not of 28 x 28 images of 10 classes
     * @throws IOException           if a file cannot be read
     */
    public static LabelledData test(Path dir) throws IOException {
        return read(dir, TEST_IMAGES, TEST_LABELS);
    }

    /**
     * @param dir a directory that may hold the four files
     * @return whether all four files are there as regular files
     */
    public static boolean isAvailable(Path dir) {
        for (String name : new String[] {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS}) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                return false;
            }
        }
        return true;
    }

    private static LabelledData read(Path dir, String imagesName, String labelsName) throws IOException {
        if (dir == null) {
            throw new NullPointerException("dir: expected a directory, got null");
        }
        Path images = require(dir, imagesName);
        Path labels = require(dir, labelsName);
        IdxReader reader = new IdxReader();
        LabelledData data = reader.read(images, labels, 1.0 / 255, CLASSES);
        if (data.cols() != PIXELS) {
            throw new DataFormatException(images + ": offset 4: expected " + SIDE + " x " + SIDE + " = " + PIXELS
                    + " pixels per image, got " + data.cols());
        }
        return data;
    }

    private static Path require(Path dir, String name) throws FileNotFoundException {
        Path file = dir.resolve(name);
        if (Files.isRegularFile(file)) {
            return file;
        }
        String where = Files.isDirectory(dir) ? "" : " (the directory " + dir + " does not exist)";
        throw new FileNotFoundException("Fashion-MNIST file " + file + " is missing" + where + "; install it with "
                + "'apt-get install dataset-fashion-mnist' (Debian, into " + DEFAULT_DIR + "), or pass --data-dir "
                + "with a directory holding " + TRAIN_IMAGES + ", " + TRAIN_LABELS + ", " + TEST_IMAGES + " and "
                + TEST_LABELS);
    }
}
