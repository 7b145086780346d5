package org.bilevel4j.apps.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread-safe registry that loads each dataset once, by key, and keeps it.
 *
 * <p>The first {@link #get} of a key runs the loader in the calling thread; concurrent callers of the same key wait
 * for that one load and share its result, while loads of other keys proceed in parallel. A load that fails is not
 * kept: its callers get the failure, a later {@link #get} tries again, and the entries loaded before stay intact and
 * usable. Values should be immutable (as {@link LabelledData} is), since every caller gets the same instance.
 *
 * <p>A loader must not call {@link #get} for its own key (that would wait for itself).
 *
 * @param <K> the key, e.g. a {@link java.nio.file.Path} or a dataset name; with proper {@code equals} and
 *            {@code hashCode}
 * @param <V> the loaded value
 */
public final class DataCache<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(DataCache.class);

    /**
     * Loads the value of a key.
     *
     * @param <K> the key
     * @param <V> the value
     */
    @FunctionalInterface
    public interface Loader<K, V> {
        /**
         * @param key the key to load
         * @return its value, not null
         * @throws IOException if it cannot be read
         */
        V load(K key) throws IOException;
    }

    private final Loader<? super K, ? extends V> loader;
    private final Map<K, FutureTask<V>> entries = new ConcurrentHashMap<>();

    /**
     * @param loader loads the value of a key on its first {@link #get}
     */
    public DataCache(Loader<? super K, ? extends V> loader) {
        if (loader == null) {
            throw new NullPointerException("loader: expected a loader, got null");
        }
        this.loader = loader;
    }

    /**
     * Returns the value of a key, loading it if it is neither loaded nor being loaded.
     *
     * @param key the key, not null
     * @return the value, the same instance for every call once loaded
     * @throws IOException          the loader's, if loading this key failed (the key is then not kept)
     * @throws InterruptedIOException if interrupted while waiting for another thread's load of the key
     * @throws RuntimeException     the loader's unchecked exception (e.g. a {@link DataFormatException}), if loading
     *                              this key failed
     */
    public V get(K key) throws IOException {
        if (key == null) {
            throw new NullPointerException("key: expected a key, got null");
        }
        FutureTask<V> task = entries.get(key);
        if (task == null) {
            FutureTask<V> created = new FutureTask<>(() -> load(key));
            task = entries.putIfAbsent(key, created);
            if (task == null) {
                task = created;
                created.run();
            }
        }
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException ie = new InterruptedIOException("interrupted while waiting for the load of "
                    + key);
            ie.initCause(e);
            throw ie;
        } catch (CancellationException e) {
            entries.remove(key, task);
            throw new IllegalStateException("the load of " + key + " was cancelled", e);
        } catch (ExecutionException e) {
            entries.remove(key, task); // keep failures out; earlier entries are untouched
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("loading " + key + " failed", cause);
        }
    }

    /**
     * @param key a key
     * @return its value if it has been loaded successfully, without loading or waiting
     */
    public Optional<V> getIfLoaded(K key) {
        FutureTask<V> task = entries.get(key);
        if (task == null || !task.isDone()) {
            return Optional.empty();
        }
        try {
            return Optional.of(task.get());
        } catch (ExecutionException | CancellationException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cannot happen for a done task
            return Optional.empty();
        }
    }

    /**
     * @return the keys loaded successfully, a snapshot
     */
    public Set<K> loadedKeys() {
        return entries.entrySet().stream().filter(e -> isLoaded(e.getValue())).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Forgets a key, so that its next {@link #get} loads it again; a load in progress completes for its callers.
     *
     * @param key a key
     * @return whether it was present
     */
    public boolean invalidate(K key) {
        return entries.remove(key) != null;
    }

    private static boolean isLoaded(FutureTask<?> task) {
        if (!task.isDone()) {
            return false;
        }
        try {
            task.get();
            return true;
        } catch (ExecutionException | CancellationException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private V load(K key) throws IOException {
        long start = System.nanoTime();
        V value = loader.load(key);
        if (value == null) {
            throw new NullPointerException("loader: expected a value for " + key + ", got null");
        }
        LOG.debug("loaded {} in {} ms", key, (System.nanoTime() - start) / 1_000_000);
        return value;
    }
}
