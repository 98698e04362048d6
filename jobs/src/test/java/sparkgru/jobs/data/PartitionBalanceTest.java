package sparkgru.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Spreading the samples of source partitions over target partitions: contiguous ranges per
 * source, the sources' order kept, every sample placed once at contiguous offsets.
 */
public class PartitionBalanceTest {
  /** Source partitions of 23 samples in chunks 5, 0, 11, 7; of none; of 3 in one chunk; of 40 in chunks of 8. */
  private static final int[][] CHUNK_SIZES = {{5, 0, 11, 7}, {}, {3}, {8, 8, 8, 8, 8}};

  /** A chunk of {@code n} samples numbered from {@code first}: inputs (id, -id), target id + 0.5. */
  public static PackedPartition chunk(int first, int n) {
    float[] x = new float[n * 2];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = first + i;
      x[2 * i + 1] = -(first + i);
      y[i] = first + i + 0.5f;
    }
    return new PackedPartition(n, 2, 1, new int[] {1}, x, y, null);
  }

  /** Each source's chunks, samples numbered across all sources. */
  private static List<List<PackedPartition>> sources(int[][] chunkSizes) {
    List<List<PackedPartition>> out = new ArrayList<>();
    int id = 0;
    for (int[] sizes : chunkSizes) {
      List<PackedPartition> chunks = new ArrayList<>();
      for (int n : sizes) {
        chunks.add(chunk(id, n));
        id += n;
      }
      out.add(chunks);
    }
    return out;
  }

  private static long[] counts(int[][] chunkSizes) {
    return Arrays.stream(chunkSizes).mapToLong(s -> Arrays.stream(s).sum()).toArray();
  }

  /** Every source's pieces, in the order the sources hand them out. */
  private static List<PartitionBalance.Piece> pieces(PartitionBalance balance, List<List<PackedPartition>> sources) {
    List<PartitionBalance.Piece> out = new ArrayList<>();
    for (int s = 0; s < sources.size(); s++) {
      balance.pieces(s, sources.get(s).iterator()).forEachRemaining(out::add);
    }
    return out;
  }

  /** The sample ids of target partition {@code k}, by offset; offsets must tile {@code [0, size)}. */
  private static List<Integer> assembled(List<PartitionBalance.Piece> pieces, int k, long size) {
    List<PartitionBalance.Piece> mine = new ArrayList<>(pieces.stream().filter(p -> p.partition() == k).toList());
    mine.sort(Comparator.comparingInt(PartitionBalance.Piece::offset));
    List<Integer> ids = new ArrayList<>();
    for (PartitionBalance.Piece p : mine) {
      assertEquals(ids.size(), p.offset(), "partition " + k + ": each piece starts where the one before ends");
      assertTrue(p.data().count() > 0, "no empty pieces");
      float[] x = p.data().inputs().toArray();
      float[] y = p.data().targets().toArray();
      for (int i = 0; i < p.data().count(); i++) {
        ids.add((int) x[2 * i]);
        assertEquals(-x[2 * i], x[2 * i + 1], 0f);
        assertEquals(x[2 * i] + 0.5f, y[i], 0f);
      }
    }
    assertEquals(size, ids.size(), "partition " + k + " fills its size");
    return ids;
  }

  @Test
  void eachSourceIsCutIntoContiguousRangesKeptInOrder() {
    List<List<PackedPartition>> sources = sources(CHUNK_SIZES);
    long[] perSource = counts(CHUNK_SIZES);
    for (int partitions : new int[] {1, 3, 4, 7, 50}) {
      PartitionBalance balance = new PartitionBalance(perSource, partitions);
      long[] sizes = balance.sizes();
      List<PartitionBalance.Piece> pieces = pieces(balance, sources);
      List<Integer> placed = new ArrayList<>();
      for (int k = 0; k < partitions; k++) {
        List<Integer> expected = new ArrayList<>();
        int first = 0;
        for (long n : perSource) {
          for (long i = n * k / partitions; i < n * (k + 1) / partitions; i++) {
            expected.add((int) (first + i));
          }
          first += (int) n;
        }
        List<Integer> got = assembled(pieces, k, sizes[k]);
        assertEquals(expected, got, "partition " + k + " of " + partitions);
        placed.addAll(got);
      }
      placed.sort(Comparator.naturalOrder());
      assertEquals(IntStream.range(0, 66).boxed().toList(), placed,
          "every sample placed once, " + partitions + " partitions");
    }
  }

  @Test
  void partitionSizesAddUpAndEachSourceSpreadsWithinOne() {
    assertArrayEquals(new long[] {3, 3, 4}, new PartitionBalance(new long[] {10}, 3).sizes());
    assertArrayEquals(new long[] {0, 1, 0, 1, 1}, new PartitionBalance(new long[] {3}, 5).sizes(),
        "more partitions than samples: some stay empty");
    long[] perSource = counts(CHUNK_SIZES);
    for (int partitions = 1; partitions < 70; partitions++) {
      long[] sizes = new PartitionBalance(perSource, partitions).sizes();
      assertEquals(66, Arrays.stream(sizes).sum());
      long spread = Arrays.stream(sizes).max().orElseThrow() - Arrays.stream(sizes).min().orElseThrow();
      assertTrue(spread <= 3, "one sample at most per non-empty source, " + partitions + " partitions: " + spread);
    }
  }

  @Test
  void emptySourcesGiveNoPieces() {
    PartitionBalance balance = new PartitionBalance(new long[] {0, 0, 4}, 2);
    assertFalse(balance.pieces(0, List.<PackedPartition>of().iterator()).hasNext());
    assertFalse(balance.pieces(1, List.of(chunk(0, 0), chunk(0, 0)).iterator()).hasNext());
    assertArrayEquals(new long[] {2, 2}, balance.sizes());
    assertArrayEquals(new long[] {0, 0}, new PartitionBalance(new long[] {0, 0}, 2).sizes());
  }

  @Test
  void piecesAreCutOneChunkAtATime() {
    List<PackedPartition> chunks = List.of(chunk(0, 4), chunk(4, 4), chunk(8, 4));
    int[] taken = {0};
    Iterator<PackedPartition> counting = new Iterator<>() {
      private final Iterator<PackedPartition> all = chunks.iterator();

      @Override
      public boolean hasNext() {
        return all.hasNext();
      }

      @Override
      public PackedPartition next() {
        taken[0]++;
        return all.next();
      }
    };
    Iterator<PartitionBalance.Piece> pieces = new PartitionBalance(new long[] {12}, 2).pieces(0, counting);
    PartitionBalance.Piece first = pieces.next();
    assertEquals(1, taken[0], "the first piece needs the first chunk only");
    assertEquals(new PartitionBalance.Piece(0, 0, first.data()), first);
    assertEquals(4, first.data().count());
    List<String> rest = new ArrayList<>();
    pieces.forEachRemaining(p -> rest.add(p.partition() + "@" + p.offset() + "+" + p.data().count()));
    assertEquals(List.of("0@4+2", "1@0+2", "1@2+4"), rest, "the middle chunk straddles the two ranges");
  }

  @Test
  void aSourceHoldingMoreThanItsCountIsAnInternalError() {
    Iterator<PartitionBalance.Piece> pieces = new PartitionBalance(new long[] {3}, 2).pieces(0,
        List.of(chunk(0, 4)).iterator());
    assertEquals("a source partition counted 3 windows but holds more",
        assertThrows(IllegalStateException.class, pieces::hasNext).getMessage());
  }
}
