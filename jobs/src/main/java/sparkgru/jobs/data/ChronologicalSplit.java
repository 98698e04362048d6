package sparkgru.jobs.data;

import java.io.Serializable;

/**
 * Where each series' training, validation and test parts end, counted in rows from the start
 * of the series: by fractions of its length, or by fixed row counts (the Informer ETT split is
 * 8,640 / 2,880 / 2,880 hours). Rows past the three parts belong to none.
 *
 * @param byFraction      whether the sizes are fractions of each series' length
 * @param train           training size (fraction in (0, 1] or rows &gt;= 1)
 * @param validation      validation size (fraction or rows, &gt;= 0)
 * @param test            test size (fraction or rows, &gt;= 0); with fractions, 1 - train - validation
 */
public record ChronologicalSplit(boolean byFraction, double train, double validation, double test)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Which part's windows to build. */
  public enum Part { ALL, TRAIN, VALIDATION, TEST }

  /** Everything is training data. */
  public static final ChronologicalSplit NONE = new ChronologicalSplit(true, 1, 0, 0);

  /** Validates the sizes. */
  public ChronologicalSplit {
    if (byFraction) {
      if (!(train > 0) || !(validation >= 0) || !(test >= 0) || train + validation + test > 1 + 1e-9) {
        throw new IllegalArgumentException("split fractions must be train > 0, validation >= 0, test >= 0 with a sum "
            + "<= 1, got " + train + ", " + validation + ", " + test);
      }
    } else if (train < 1 || validation < 0 || test < 0 || train != Math.rint(train) || validation != Math.rint(validation)
        || test != Math.rint(test)) {
      throw new IllegalArgumentException("split row counts must be whole numbers, train >= 1, got " + train + ", "
          + validation + ", " + test);
    }
  }

  /** Fractions of each series: training, validation, and the rest for testing. */
  public static ChronologicalSplit fractions(double train, double validation) {
    return new ChronologicalSplit(true, train, validation, Math.max(0, 1 - train - validation));
  }

  /** Fixed row counts from each series' start. */
  public static ChronologicalSplit rows(long train, long validation, long test) {
    return new ChronologicalSplit(false, train, validation, test);
  }

  /** Row range [from, to) of {@code part} in a series of {@code n} rows. */
  public int[] bounds(int n, Part part) {
    long b1 = byFraction ? (long) Math.floor(n * train) : (long) train;
    long b2 = b1 + (byFraction ? (long) Math.floor(n * validation) : (long) validation);
    long b3 = byFraction ? (validation + train + test >= 1 - 1e-9 ? n : b2 + (long) Math.floor(n * test))
        : b2 + (long) test;
    int c1 = (int) Math.min(n, b1);
    int c2 = (int) Math.min(n, b2);
    int c3 = (int) Math.min(n, b3);
    return switch (part) {
      case ALL -> new int[] {0, n};
      case TRAIN -> new int[] {0, c1};
      case VALIDATION -> new int[] {c1, c2};
      case TEST -> new int[] {c2, c3};
    };
  }
}
