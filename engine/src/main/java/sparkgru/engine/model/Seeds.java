package sparkgru.engine.model;

/**
 * Derivation of independent seeds from one seed (SplitMix64's finaliser), so that one seed in a
 * config fixes every random stream: initializers, dropout, shuffling, and later per-partition
 * and per-epoch streams.
 */
public final class Seeds {
  private Seeds() {}

  /** A well-mixed seed for stream {@code index} under {@code seed}. */
  public static long derive(long seed, long index) {
    long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
