package sparkgru.jobs.data;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * How samples spread evenly over target partitions without being gathered: the samples of each
 * source partition (in order) are cut into {@code partitions} contiguous ranges, range k of
 * {@code n} samples being {@code [n * k / partitions, n * (k + 1) / partitions)}; range k goes
 * to target partition k, which holds its ranges in the order of their source partitions. So
 * the result is the same on every run, and each target partition knows its size before any
 * piece arrives. Only the counts of the source partitions are needed up front.
 */
public final class PartitionBalance implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * A contiguous run of one source partition's samples on its way to a target partition.
   *
   * @param partition the target partition
   * @param offset    where the piece's first sample goes among that partition's samples
   * @param data      the samples
   */
  public record Piece(int partition, int offset, PackedPartition data) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private final long[] perSource;
  private final int partitions;

  /**
   * The balance of source partitions holding {@code perSource[s]} samples each over
   * {@code partitions} target partitions.
   */
  public PartitionBalance(long[] perSource, int partitions) {
    this.perSource = perSource.clone();
    this.partitions = partitions;
  }

  /** The samples of each target partition. */
  public long[] sizes() {
    return rangesBefore(perSource.length);
  }

  /**
   * The chunks of source partition {@code source} (its samples in order, as many as its count)
   * cut at its ranges' bounds, lazily: a chunk is cut when the pieces before it are taken.
   */
  public Iterator<Piece> pieces(int source, Iterator<PackedPartition> chunks) {
    return new Pieces(chunks, perSource[source], rangesBefore(source));
  }

  /**
   * For each target partition k, the samples of the ranges k of source partitions
   * {@code [0, sources)}: with all sources, partition k's size; with those before s, where s's
   * range k starts in it.
   */
  private long[] rangesBefore(int sources) {
    long[] sum = new long[partitions];
    for (int s = 0; s < sources; s++) {
      for (int k = 0; k < partitions; k++) {
        sum[k] += rangeStart(perSource[s], k + 1, partitions) - rangeStart(perSource[s], k, partitions);
      }
    }
    return sum;
  }

  /** Where range {@code k} of {@code n} samples cut into {@code partitions} contiguous ranges starts. */
  private static long rangeStart(long n, int k, int partitions) {
    return n * k / partitions;
  }

  /** One source partition's chunks cut at its ranges' bounds. */
  private static final class Pieces implements Iterator<Piece> {
    private final Iterator<PackedPartition> chunks;
    private final long total;
    private final long[] at;
    private final ArrayDeque<Piece> ready = new ArrayDeque<>();
    private long position;

    /**
     * @param total the source's sample count
     * @param at    where the source's range k starts in target partition k
     */
    Pieces(Iterator<PackedPartition> chunks, long total, long[] at) {
      this.chunks = chunks;
      this.total = total;
      this.at = at;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && chunks.hasNext()) {
        PackedPartition chunk = chunks.next();
        long end = position + chunk.count();
        if (end > total) {
          throw new IllegalStateException("a source partition counted " + total + " windows but holds more");
        }
        for (int k = 0; k < at.length; k++) {
          long from = Math.max(position, rangeStart(total, k, at.length));
          long to = Math.min(end, rangeStart(total, k + 1, at.length));
          if (from < to) {
            ready.add(new Piece(k, (int) (at[k] + from - rangeStart(total, k, at.length)),
                chunk.slice((int) (from - position), (int) (to - position))));
          }
        }
        position = end;
      }
      return !ready.isEmpty();
    }

    @Override
    public Piece next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }
  }
}
