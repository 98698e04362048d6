package sparkgru.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.data.PackedPartition;
import sparkgru.jobs.data.PartitionBalanceTest;
import sparkgru.jobs.data.WindowSpec;

class TrainingDataTest {
  private static final WindowSpec SPEC = new WindowSpec(List.of("v"), List.of("v"), 2, 1, 1,
      WindowSpec.Missing.ERROR, WindowSpec.Normalization.NONE, false);

  @Test
  void balancingCutsEachSourcePartitionIntoContiguousRangesWithoutGatheringThem() {
    // Source partitions of 23 windows in chunks 5, 0, 11, 7; of none; of 3 in one chunk; of 40 in chunks of 8.
    int[][] chunkSizes = {{5, 0, 11, 7}, {}, {3}, {8, 8, 8, 8, 8}};
    List<List<Integer>> sourceIds = new ArrayList<>();
    List<PackedPartition> chunks = new ArrayList<>();
    List<Integer> chunksPerSource = new ArrayList<>();
    int id = 0;
    for (int[] sizes : chunkSizes) {
      List<Integer> ids = new ArrayList<>();
      for (int n : sizes) {
        chunks.add(PartitionBalanceTest.chunk(id, n));
        for (int i = 0; i < n; i++) {
          ids.add(id++);
        }
      }
      sourceIds.add(ids);
      chunksPerSource.add(sizes.length);
    }
    // One Spark partition per source, holding its chunks in order.
    JavaRDD<PackedPartition> windows = SparkTestSession.context().parallelize(chunks, 1).repartition(1)
        .zipWithIndex().mapToPair(t -> t.swap()).repartitionAndSortWithinPartitions(new SourceOf(chunksPerSource))
        .values();
    assertEquals(4, windows.getNumPartitions());
    assertEquals(List.of(23, 0, 3, 40), windows.mapPartitions(c -> {
      int n = 0;
      while (c.hasNext()) {
        n += c.next().count();
      }
      return List.of(n).iterator();
    }).collect(), "the sources as laid out");
    for (int partitions : new int[] {1, 3, 4}) {
      List<PackedPartition> balanced = TrainingData.balance(windows, new long[] {23, 0, 3, 40}, partitions, SPEC)
          .collect();
      assertEquals(partitions, balanced.size());
      for (int k = 0; k < partitions; k++) {
        List<Integer> expected = new ArrayList<>();
        for (List<Integer> ids : sourceIds) {
          expected.addAll(ids.subList(ids.size() * k / partitions, ids.size() * (k + 1) / partitions));
        }
        PackedPartition p = balanced.get(k);
        float[] x = p.inputs().toArray();
        float[] y = p.targets().toArray();
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < p.count(); i++) {
          got.add((int) x[2 * i]);
          assertEquals(-x[2 * i], x[2 * i + 1], 0f);
          assertEquals(x[2 * i] + 0.5f, y[i], 0f);
        }
        assertEquals(expected, got, "partition " + k + " of " + partitions);
      }
    }
  }

  @Test
  void aPartitionBeyondTheLargestArrayIsRefusedNamingThePartitionCount() {
    JavaRDD<PackedPartition> windows = SparkTestSession.context().parallelize(List.of(PartitionBalanceTest.chunk(0, 1)), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainingData.balance(windows, new long[] {3_000_000_000L}, 1, SPEC));
    assertEquals("a partition of 3000000000 windows of 2 steps x 1 inputs exceeds the 2147483639 floats one "
        + "partition can hold; raise train.partitions to at least 3 (now 1)", e.getMessage());
    TrainingData.balance(windows, new long[] {3_000_000_000L}, 3, SPEC); // sized, not run
  }

  /** Sends chunk i (by its index in the list) to its source partition. */
  private static final class SourceOf extends org.apache.spark.Partitioner {
    private static final long serialVersionUID = 1L;
    private final int[] bounds;

    SourceOf(List<Integer> chunksPerSource) {
      bounds = new int[chunksPerSource.size()];
      int sum = 0;
      for (int s = 0; s < bounds.length; s++) {
        sum += chunksPerSource.get(s);
        bounds[s] = sum;
      }
    }

    @Override
    public int numPartitions() {
      return bounds.length;
    }

    @Override
    public int getPartition(Object key) {
      long i = (Long) key;
      int s = 0;
      while (i >= bounds[s]) {
        s++;
      }
      return s;
    }
  }

  @Test
  void aWarningSaysHowManyPartitionsFitTheTasksMemory() {
    long gib = 1L << 30;
    // The load benchmark: 10,000,224 windows of 24 inputs + 1 target, local[2], 1 GiB heap.
    assertEquals("memory: each of the 8 partitions packs 119 MB, and a task may hold its partition twice while "
        + "Spark spills it to disk; 2 tasks at once on a 1024 MB driver heap (local mode) leave them 289 MB "
        + "(1 - spark.memory.fraction of the heap above 300 MB): if tasks run out of memory, raise "
        + "train.partitions to at least 14 or the memory",
        TrainingData.memoryWarning(10_000_224, 25, 8, gib, 2, 0.6, "driver heap (local mode)").orElseThrow());
    assertEquals(java.util.Optional.empty(),
        TrainingData.memoryWarning(10_000_224, 25, 16, gib, 2, 0.6, "driver heap (local mode)"));
    assertEquals(java.util.Optional.empty(), TrainingData.memoryWarning(10_000_224, 25, 8, 4 * gib, 2, 0.6,
        "executor"));
    assertTrue(TrainingData.memoryWarning(10_000_224, 25, 16, 4 * gib, 4, 0.9, "executor").orElseThrow()
        .endsWith("at least 21 or the memory"));
  }
}
