package sparkgru.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Window encoding: offsets, inputs and targets per normalisation; column rules. */
class WindowSpecTest {
  /** Value columns a (input, target), b (input), c (target only): rows t -> {t, 10 t, 100 t}. */
  private static final double[][] VALUES = new double[8][];

  static {
    for (int t = 0; t < VALUES.length; t++) {
      VALUES[t] = new double[] {t, 10 * t, 100 * t};
    }
  }

  /** The series of {@link #VALUES} at times 0 to 7. */
  private static final Series SERIES = new Series("s", LongStream.range(0, 8).toArray(), VALUES, false);

  private static WindowSpec spec(WindowSpec.Normalization n, List<String> targets) {
    return new WindowSpec(List.of("a", "b"), targets, 3, 2, 1, WindowSpec.Missing.ERROR, n, false);
  }

  @Test
  void inputsAndTargetsAreTheRowsAfterSubtractingTheOffsets() {
    WindowSpec none = spec(WindowSpec.Normalization.NONE, List.of("a", "c"));
    assertEquals(List.of("a", "b", "c"), none.valueColumns());
    assertArrayEquals(new double[] {0, 0, 0}, none.normalizer(VALUES, 2).offset());
    float[] x = new float[6];
    none.window(SERIES, VALUES, new double[0], 2, none.normalizer(VALUES, 2), x, 0);
    assertArrayEquals(new float[] {2, 20, 3, 30, 4, 40}, x);
    float[] y = new float[4];
    none.targets(VALUES, 5, 2, none.normalizer(VALUES, 2), y, 0);
    assertArrayEquals(new float[] {5, 500, 6, 600}, y, "step-major: [step][target]");

    WindowSpec last = spec(WindowSpec.Normalization.LAST, List.of("a"));
    WindowSpec.Normalizer off = last.normalizer(VALUES, 2);
    assertArrayEquals(new double[] {4, 40, 400}, off.offset(), "the window's last input row");
    last.window(SERIES, VALUES, new double[0], 2, off, x, 0);
    assertArrayEquals(new float[] {-2, -20, -1, -10, 0, 0}, x);
    float[] y1 = new float[2];
    last.targets(VALUES, 5, 2, off, y1, 0);
    assertArrayEquals(new float[] {1, 2}, y1);

    WindowSpec mean = spec(WindowSpec.Normalization.MEAN, List.of("b"));
    assertArrayEquals(new double[] {3, 30, 300}, mean.normalizer(VALUES, 2).offset(), 1e-12, "mean of rows 2, 3, 4");

    WindowSpec standard = spec(WindowSpec.Normalization.STANDARD, List.of("a"));
    WindowSpec.Normalizer z = standard.normalizer(VALUES, 2);
    double sd = Math.sqrt(2.0 / 3);
    assertArrayEquals(new double[] {sd, 10 * sd, 100 * sd}, z.scale(), 1e-12, "population sd of rows 2, 3, 4");
    standard.window(SERIES, VALUES, new double[0], 2, z, x, 0);
    assertArrayEquals(new float[] {(float) (-1 / sd), (float) (-1 / sd), 0, 0, (float) (1 / sd), (float) (1 / sd)}, x,
        1e-6f, "every column on one scale");
    assertEquals(7.0, z.invert(0, z.apply(0, 7.0)), 1e-12);
    double[][] flat = {{5, 5, 5}, {5, 5, 5}, {5, 5, 5}};
    assertArrayEquals(new double[] {1, 1, 1}, standard.normalizer(flat, 0).scale(), "constant inputs keep scale 1");
  }

  @Test
  void recursiveTrainsOneStepAndDirectTheWholeHorizon() {
    WindowSpec direct = spec(WindowSpec.Normalization.NONE, List.of("a", "b"));
    assertEquals(4, direct.outputWidth());
    WindowSpec recursive = new WindowSpec(List.of("a", "b"), List.of("b", "a"), 3, 5, 1, WindowSpec.Missing.ERROR,
        WindowSpec.Normalization.NONE, true);
    assertEquals(1, recursive.trainingHorizon());
    assertEquals(2, recursive.outputWidth());
    assertArrayEquals(new int[] {1, 0}, recursive.targetIndex());
  }

  @Test
  void columnRulesAreExplained() {
    assertEquals("window.normalization=last subtracts each target's last or mean input value, so every target must "
        + "also be an input; targets [a, c] are not all in the inputs [a, b]", assertThrows(
        IllegalArgumentException.class, () -> spec(WindowSpec.Normalization.LAST, List.of("a", "c"))).getMessage());
    assertEquals("forecast.mode=recursive feeds each forecast back as the next input, so the inputs and targets must "
        + "be the same columns, got inputs [a, b] and targets [a]; use forecast.mode=direct with covariates",
        assertThrows(IllegalArgumentException.class, () -> new WindowSpec(List.of("a", "b"), List.of("a"), 3, 2, 1,
            WindowSpec.Missing.ERROR, WindowSpec.Normalization.NONE, true)).getMessage());
    assertEquals("columns are listed twice in [a, a]", assertThrows(IllegalArgumentException.class,
        () -> spec(WindowSpec.Normalization.NONE, List.of("a", "a"))).getMessage());
    assertEquals("window.horizon must be in [1, 100000], got 0", assertThrows(IllegalArgumentException.class,
        () -> new WindowSpec(List.of("a"), List.of("a"), 3, 0, 1, WindowSpec.Missing.ERROR,
            WindowSpec.Normalization.NONE, false)).getMessage());
    assertEquals("window.normalization must be one of [none, last, mean, standard], got 'median'", assertThrows(
        IllegalArgumentException.class, () -> WindowSpec.normalization("median")).getMessage());
    assertEquals("data.missing must be one of [error, forward_fill, drop], got 'zero'", assertThrows(
        IllegalArgumentException.class, () -> WindowSpec.missing("zero")).getMessage());
  }

  private static float sin(double months) {
    return (float) Math.sin(2 * Math.PI * months / 12);
  }

  private static float cos(double months) {
    return (float) Math.cos(2 * Math.PI * months / 12);
  }

  @Test
  void everyStepCarriesTheFutureBlockOfWhatIsKnownAboutTheHorizon() {
    // Input a, target c, future column b; 2 steps back, 2 ahead; calendar month; three quantiles.
    WindowSpec spec = new WindowSpec(List.of("a"), List.of("c"), 2, 2, 1, WindowSpec.Missing.ERROR,
        WindowSpec.Normalization.NONE, false, FrequencyRule.AUTO, new WindowSpec.Covariates(List.of("b"),
        new CalendarFeatures(List.of("month_of_year")), List.of(), null), List.of(0.1, 0.5, 0.9));
    assertEquals(List.of("a", "c", "b"), spec.valueColumns());
    assertEquals(List.of("a", "b"), spec.stepColumns());
    assertEquals(2, spec.steps());
    assertEquals(2 * (1 + 2), spec.futureWidth(), "per forecast step: b, the month's sine and cosine");
    assertEquals(2 + 2 + 6, spec.stepWidth(), "a and b, the step's month, the future block");
    assertEquals(2 * 1 * 3, spec.outputWidth(), "horizon x targets x quantiles");
    assertEquals(1, spec.pointQuantile());
    double[][] v = {{1, 100, 10}, {2, 200, 20}, {3, 300, 30}, {4, 400, 40}, {5, 500, 50}};
    long[] months = new long[5];
    for (int i = 0; i < 5; i++) {
      months[i] = java.time.LocalDate.of(2024, 1 + i, 1).toEpochDay() * 86_400_000_000L;
    }
    Series s = new Series("m", months, v, true);
    float[] x = new float[2 * 10];
    spec.window(s, v, new double[0], 0, spec.normalizer(v, 0), x, 0);
    float[] block = {30, sin(2), cos(2), 40, sin(3), cos(3)};
    float[] january = {1, 10, sin(0), cos(0)};
    float[] february = {2, 20, sin(1), cos(1)};
    for (int step = 0; step < 2; step++) {
      assertArrayEquals(step == 0 ? january : february, java.util.Arrays.copyOfRange(x, 10 * step, 10 * step + 4),
          1e-6f, "row " + step + ": a, b and its month");
      assertArrayEquals(block, java.util.Arrays.copyOfRange(x, 10 * step + 4, 10 * step + 10), 1e-6f,
          "row " + step + ": March's and April's b and months, on every step");
    }
    float[] y = new float[6];
    spec.targets(v, 2, 2, spec.normalizer(v, 0), y, 0);
    assertArrayEquals(new float[] {300, 300, 300, 400, 400, 400}, y, "each target once per quantile");
  }
}
