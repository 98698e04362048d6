package sparkgru.jobs.data;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator that produces its elements a batch at a time (forecast windows, predicted
 * sequences, output rows), so that a partition never holds more than one batch of results.
 *
 * @param <T> the element type
 */
public abstract class Batched<T> implements Iterator<T> {
  private final ArrayDeque<T> ready = new ArrayDeque<>();

  /** Adds the next batch to {@code out}; adds nothing when the input is exhausted. */
  protected abstract void fill(ArrayDeque<T> out);

  @Override
  public final boolean hasNext() {
    if (ready.isEmpty()) {
      fill(ready);
    }
    return !ready.isEmpty();
  }

  @Override
  public final T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }
}
