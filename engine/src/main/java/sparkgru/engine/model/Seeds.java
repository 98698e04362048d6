package sparkgru.engine.model;

import java.util.SplittableRandom;

/**
 * Derivation of independent seeds from one seed (SplitMix64's finaliser), so that one seed in a
 * config fixes every random stream: initializers, dropout, shuffling, and later per-partition
 * and per-epoch streams.
 */
public final class Seeds {
  private Seeds() {}

  /**
   * The sample order of one epoch of one data partition: a Fisher-Yates shuffle of 0..n-1 seeded
   * from (seed, epoch, partition). Local {@code fit} is partition 0, so a one-partition Spark run
   * visits samples in the same order.
   */
  public static int[] epochOrder(int n, long seed, int epoch, int partition) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(derive(derive(seed, epoch), partition));
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }

  /** A well-mixed seed for stream {@code index} under {@code seed}. */
  public static long derive(long seed, long index) {
    long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
