package sparkgru.jobs.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.TreeSet;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Cuts series into forecasting windows, shaped and encoded by a {@link WindowSpec}: applies the
 * missing-value policy, scales each series by the (fitted) {@link Scaler}, finds the window
 * starts of the part of the split, and packs the windows in chunks. Windows never cross a time
 * gap (two rows further apart than the series' step); series shorter than lookback + horizon
 * are counted and named in the {@link WindowReport}, not dropped silently. Spark only delivers
 * the series ({@link SlidingWindows}); nothing here needs it.
 *
 * @param spec   the windows' shape, columns, missing-value policy and normalisation
 * @param split  where each series' train, validation and test parts end
 * @param part   which part's windows to cut: a window belongs to the part that holds its whole
 *               forecast span (its lookback may reach back into the previous part)
 * @param scaler the scaling, fitted on the training part
 */
public record WindowCutter(WindowSpec spec, ChronologicalSplit split, ChronologicalSplit.Part part, Scaler scaler) {

  /** Checks that every piece is there. */
  public WindowCutter {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(part, "part");
    Objects.requireNonNull(scaler, "scaler");
  }

  /**
   * The windows of {@code series} (each sorted by time), in chunks of {@code chunk} windows: the
   * last one shorter (possibly empty), and carrying the counts found after the previous chunk.
   * Windows are cut lazily, a series at a time: the iterator holds one series and one chunk,
   * whatever the length of the series.
   */
  public Iterator<WindowChunk> chunks(Iterator<Series> series, int chunk) {
    return new Chunks(series, chunk);
  }

  /**
   * Starts of the windows in the stretch of rows [from, to) whose {@code steps} target rows lie
   * in the part's rows {@code bounds}, every {@code stride} rows.
   */
  public List<Integer> starts(int from, int to, int[] bounds, int steps, int stride) {
    List<Integer> out = new ArrayList<>();
    for (int start = Math.max(from, bounds[0] - spec.lookback()); start + spec.lookback() + steps <= Math.min(to,
        bounds[1]); start += stride) {
      out.add(start);
    }
    return out;
  }

  /**
   * Applies the missing-value policy to a series and rejects infinite values and values beyond
   * float32 range, naming the series, column and time. Under {@code forward_fill} a missing period
   * (a time gap) is a row of missing values, filled too; under {@code error} and {@code drop} it
   * stays a gap that windows do not cross.
   */
  public Series clean(Series raw) {
    Series s = spec.missing() == WindowSpec.Missing.FORWARD_FILL ? raw.withMissingPeriods() : raw;
    List<String> columns = spec.valueColumns();
    double[][] vals = s.values();
    int[] stretches = s.stretches();
    for (int st = 0; st + 1 < stretches.length; st++) {
      for (int i = stretches[st]; i < stretches[st + 1]; i++) {
        double[] v = vals[i];
        for (int c = 0; c < v.length; c++) {
          if (Double.isNaN(v[c]) || Double.isInfinite(v[c]) || Math.abs(v[c]) > Float.MAX_VALUE) {
            boolean missingValue = Double.isNaN(v[c]);
            if (!missingValue || spec.missing() == WindowSpec.Missing.ERROR) {
              throw new InvalidInputException("series " + s.id() + " has " + (missingValue ? "a missing"
                  : "an infinite or out-of-float-range") + " value in column '" + columns.get(c) + "' at time "
                  + s.timeText(s.times()[i]) + " (row " + (i + 1) + " of the series)" + (missingValue
                  ? "; set data.missing to forward_fill or drop, or clean the data" : ""));
            }
            if (spec.missing() == WindowSpec.Missing.FORWARD_FILL) {
              if (i == stretches[st]) {
                throw new InvalidInputException("series " + s.id() + " cannot forward-fill column '"
                    + columns.get(c) + "' at time " + s.timeText(s.times()[i])
                    + ": no earlier value in this stretch of the series");
              }
              v[c] = vals[i - 1][c];
            }
          }
        }
      }
    }
    return s;
  }

  /**
   * A series' gaps for the console: {@code s3 (2 gaps, the longest after 1992-03-01 00:00:00: 2
   * periods of MS missing)}.
   */
  static String describeGaps(Series s, int[] stretches) {
    int worst = stretches[1];
    for (int i = 1; i + 1 < stretches.length; i++) {
      if (s.periodsBetween(stretches[i]) > s.periodsBetween(worst)) {
        worst = stretches[i];
      }
    }
    int gaps = stretches.length - 2;
    return s.id() + " (" + gaps + (gaps == 1 ? " gap" : " gaps") + (gaps == 1 ? ", " : ", the longest ") + "after "
        + s.timeText(s.times()[worst - 1]) + ": " + (s.periodsBetween(worst) - 1) + " periods of "
        + s.frequency().name() + " missing)";
  }

  /** What a chunk has found since the previous one. */
  private static final class Counts {
    private long series;
    private long windows;
    private long shortSeries;
    private long gaps;
    private long gappedSeries;
    private long droppedWindows;
    private final TreeSet<String> frequencies = new TreeSet<>();
  }

  /** The windows of a sequence of series, cut lazily and handed out in chunks. */
  private final class Chunks implements Iterator<WindowChunk> {
    private final Iterator<Series> all;
    private final int chunk;
    private final int f = spec.stepWidth();
    private final float[] x = new float[spec.steps() * f];
    private final float[] y = new float[spec.outputWidth()];
    private WindowChunk ready; // the chunk to hand out next, or null
    private FloatBuffer xs = new FloatBuffer();
    private FloatBuffer ys = new FloatBuffer();
    private Counts counts = new Counts();
    private List<String> examples = new ArrayList<>();
    private int examplesGiven;
    private List<String> gapExamples = new ArrayList<>();
    private int gapExamplesGiven;
    private boolean finished;
    // The series being cut, and where: its stretch and the next of that stretch's window starts.
    private Series current;
    private double[][] scaled;
    private double[] statics;
    private int[] stretches;
    private int[] bounds;
    private int stretch;
    private List<Integer> starts;
    private int next;

    Chunks(Iterator<Series> all, int chunk) {
      this.all = all;
      this.chunk = chunk;
    }

    @Override
    public boolean hasNext() {
      while (ready == null && !finished) {
        if (current != null) {
          cut();
        } else if (all.hasNext()) {
          begin(all.next());
        } else {
          emit();
          finished = true;
        }
      }
      return ready != null;
    }

    @Override
    public WindowChunk next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      WindowChunk out = ready;
      ready = null;
      return out;
    }

    /** Counts a series and, unless it is too short, makes it the one to cut. */
    private void begin(Series raw) {
      Series s = clean(raw);
      counts.series++;
      if (s.size() < spec.lookback() + spec.horizon()) {
        counts.shortSeries++;
        if (examplesGiven + examples.size() < WindowReport.EXAMPLES) {
          examples.add(s.id() + " (" + s.size() + " steps)");
        }
        return;
      }
      scaled = scaler.transform(s, spec.valueColumns());
      statics = spec.covariates().encode(s);
      if (counts.frequencies.size() < TimeSteps.MAX) {
        counts.frequencies.add(s.frequency().name());
      }
      stretches = s.stretches();
      if (stretches.length > 2) {
        counts.gaps += stretches.length - 2;
        counts.gappedSeries++;
        if (gapExamplesGiven + gapExamples.size() < WindowReport.EXAMPLES) {
          gapExamples.add(describeGaps(s, stretches));
        }
      }
      bounds = split.bounds(s, part);
      stretch = 0;
      starts = null;
      current = s;
    }

    /** Cuts windows of the current series until a chunk is full or the series is done. */
    private void cut() {
      while (current != null && ready == null) {
        if (starts == null) {
          if (stretch + 1 >= stretches.length) {
            current = null;
            scaled = null;
            break;
          }
          starts = starts(stretches[stretch], stretches[stretch + 1], bounds, spec.trainingHorizon(), spec.stride());
          next = 0;
        }
        if (next == starts.size()) {
          starts = null;
          stretch++;
          continue;
        }
        int start = starts.get(next++);
        if (spec.missing() == WindowSpec.Missing.DROP
            && current.hasMissing(start, start + spec.lookback() + spec.trainingHorizon())) {
          counts.droppedWindows++;
          continue;
        }
        WindowSpec.Normalizer n = spec.normalizer(scaled, start);
        spec.window(current, scaled, statics, start, n, x, 0);
        spec.targets(scaled, start + spec.lookback(), spec.trainingHorizon(), n, y, 0);
        xs.add(x);
        ys.add(y);
        if (++counts.windows == chunk) {
          emit();
        }
      }
    }

    private void emit() {
      PackedPartition data = new PackedPartition((int) counts.windows, spec.steps(), f,
          new int[] {spec.outputWidth()}, xs.toArray(), ys.toArray(), null);
      ready = new WindowChunk(data, new WindowReport(counts.series, counts.windows, counts.shortSeries, examples,
          counts.gaps, counts.gappedSeries, gapExamples, counts.droppedWindows, List.copyOf(counts.frequencies)));
      xs = new FloatBuffer();
      ys = new FloatBuffer();
      counts = new Counts();
      examplesGiven += examples.size();
      examples = new ArrayList<>();
      gapExamplesGiven += gapExamples.size();
      gapExamples = new ArrayList<>();
    }
  }

  /** A growable float array. */
  private static final class FloatBuffer {
    private float[] data = new float[1024];
    private int size;

    void add(float[] v) {
      while (size + v.length > data.length) {
        data = Arrays.copyOf(data, Math.multiplyExact(data.length, 2));
      }
      System.arraycopy(v, 0, data, size, v.length);
      size += v.length;
    }

    float[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}
