package sparkgru.jobs.data;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.mean;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.stddev_pop;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Value scaling fitted on the training part of each series only: {@code (v - shift) / scale},
 * with {@code standard} (mean, population standard deviation, as scikit-learn's
 * StandardScaler that the published ETT figures use), {@code min_max} (min, max - min) or
 * {@code max_abs} (0, max |v|, the LSTNet protocol's scaling), and one
 * pair of numbers for all values ({@code global}), per column, or per series and column. A
 * constant stretch gets scale 1. The fitted numbers are plain data, stored with the model so the
 * forecast job can invert them. Fitting also records the range of the training values under each
 * key (whatever the method, {@code none} included): what the model saw, against which the
 * forecast job measures how far new inputs lie outside it.
 *
 * <p>A series the fitted per-series scaling does not know (one added after training) can be
 * scaled on its own rows with {@link #fitSeries}, the same statistics computed in Java.
 *
 * @param method  none, standard, min_max or max_abs
 * @param scope   global, per_column or per_series
 * @param columns the scaled columns
 * @param params  {@link #key} to {shift, scale}
 * @param ranges  {@link #key} to {min, max} of the training values; empty for a scaler read from a
 *                file that does not record them
 */
public record Scaler(Method method, Scope scope, List<String> columns, Map<String, double[]> params,
    Map<String, double[]> ranges) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A scaler without recorded training ranges. */
  public Scaler(Method method, Scope scope, List<String> columns, Map<String, double[]> params) {
    this(method, scope, columns, params, Map.of());
  }

  /** How values are scaled. */
  public enum Method { NONE, STANDARD, MIN_MAX, MAX_ABS }

  /** Which values share one shift and scale. */
  public enum Scope { GLOBAL, PER_COLUMN, PER_SERIES }

  /**
   * Parses {@code none}, {@code standard}, {@code min_max} or {@code max_abs} with {@code global},
   * {@code per_column} or {@code per_series}.
   */
  public static Scaler unfitted(String method, String scope, List<String> columns) {
    return new Scaler(method(method), scope(scope), List.copyOf(columns), Map.of());
  }

  /** Parses a method name: none, standard, min_max or max_abs. */
  public static Method method(String name) {
    return Choices.parse(Method.class, "scaling.method", name);
  }

  /** Parses a scope name: global, per_column or per_series. */
  public static Scope scope(String name) {
    return Choices.parse(Scope.class, "scaling.scope", name);
  }

  /** The params key of a (series, column) under this scope. */
  public String key(String series, String column) {
    return switch (scope) {
      case GLOBAL -> "*";
      case PER_COLUMN -> column;
      case PER_SERIES -> series + "\u0000" + column;
    };
  }

  /**
   * Fits on typed rows ({@code series, time, values...}, e.g. from {@link SlidingWindows#select})
   * restricted to each series' training rows under {@code split}.
   */
  public Scaler fit(Dataset<Row> typed, String seriesColumn, String timeColumn, ChronologicalSplit split) {
    Dataset<Row> ranked = typed
        .withColumn("_row", row_number().over(Window.partitionBy(col(seriesColumn)).orderBy(col(timeColumn))))
        .withColumn("_n", count(lit(1)).over(Window.partitionBy(col(seriesColumn))));
    Dataset<Row> train = ranked.filter(trainRows(split, timeColumn,
        SlidingWindows.typedDateTimes(typed, timeColumn)));
    if (scope == Scope.GLOBAL) {
      Row r = global(train);
      return new Scaler(method, scope, columns, method == Method.NONE ? Map.of() : Map.of("*", shiftAndScale(r, 0)
          .params()), Map.of("*", new double[] {r.getDouble(2), r.getDouble(3)}));
    }
    Map<String, double[]> fitted = new LinkedHashMap<>();
    Map<String, double[]> seen = new LinkedHashMap<>();
    for (String c : columns) {
      List<Column> aggs = List.of(mean(col(c)), stddev_pop(col(c)), min(col(c)), max(col(c)), max(abs(col(c))));
      Column[] rest = aggs.subList(1, 5).toArray(new Column[0]);
      List<Row> rows = scope == Scope.PER_COLUMN ? train.agg(aggs.get(0), rest).collectAsList()
          : train.groupBy(col(seriesColumn)).agg(aggs.get(0), rest).collectAsList();
      for (Row r : rows) {
        int o = scope == Scope.PER_SERIES ? 1 : 0;
        if (r.isNullAt(o)) {
          continue;
        }
        String k = key(scope == Scope.PER_SERIES ? r.getString(0) : "", c);
        if (method != Method.NONE) {
          fitted.put(k, shiftAndScale(r, o).params());
        }
        seen.put(k, new double[] {r.getDouble(o + 2), r.getDouble(o + 3)});
      }
    }
    return new Scaler(method, scope, columns, fitted, seen);
  }

  /** The aggregates (mean, stddev, min, max, max |v|) of all training values. */
  private Row global(Dataset<Row> train) {
    List<Column> values = new ArrayList<>();
    for (String c : columns) {
      values.add(col(c));
    }
    Dataset<Row> stacked = null;
    for (Column v : values) {
      Dataset<Row> one = train.select(v.as("_v"));
      stacked = stacked == null ? one : stacked.union(one);
    }
    Row r = stacked.agg(mean(col("_v")), stddev_pop(col("_v")), min(col("_v")), max(col("_v")), max(abs(col("_v"))))
        .first();
    if (r.isNullAt(0)) {
      throw new InvalidInputException("no training rows to fit the scaling on: every series' training part is empty");
    }
    return r;
  }

  /** A fitted {@code (v - shift) / scale}, before a constant stretch's scale (0 or not finite) becomes 1. */
  private record Fitted(double shift, double scale) {
    /** The stored {shift, scale}. */
    double[] params() {
      return new double[] {shift, scale > 0 && Double.isFinite(scale) ? scale : 1.0};
    }
  }

  /** The fit of aggregated (mean, stddev, min, max, max |v|) at {@code o}. */
  private Fitted shiftAndScale(Row r, int o) {
    return shiftAndScale(r.getDouble(o), r.getDouble(o + 1), r.getDouble(o + 2), r.getDouble(o + 3),
        r.getDouble(o + 4));
  }

  private Fitted shiftAndScale(double mean, double std, double min, double max, double maxAbs) {
    return switch (method) {
      case STANDARD -> new Fitted(mean, std);
      case MIN_MAX -> new Fitted(min, max - min);
      default -> new Fitted(0, maxAbs);
    };
  }

  /** Whether {@code series} can be scaled: always, unless the scaling is per series and was not fitted on it. */
  public boolean knows(String series) {
    if (method == Method.NONE || scope != Scope.PER_SERIES) {
      return true;
    }
    for (String c : columns) {
      if (!params.containsKey(key(series, c))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The scaling of one series fitted on its own rows.
   *
   * @param params {shift, scale} of each value column ({0, 1} for unscaled ones)
   * @param ranges {min, max} of each value column in those rows (null for a column without a value)
   */
  public record SeriesFit(double[][] params, double[][] ranges) {}

  /**
   * This scaling fitted on rows {@code [from, to)} of one series alone, as {@link #fit} fits a
   * series under per-series scope (population standard deviation; a constant column gets scale
   * 1), for each of {@code valueColumns}. Null when a scaled column has no value in those rows.
   */
  public SeriesFit fitSeries(Series s, int from, int to, List<String> valueColumns) {
    double[][] params = new double[valueColumns.size()][];
    double[][] range = new double[valueColumns.size()][];
    for (int c = 0; c < params.length; c++) {
      long n = 0;
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = from; i < to; i++) {
        double v = s.values()[i][c];
        if (!Double.isNaN(v)) {
          n++;
          sum += v;
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
      boolean scaled = method != Method.NONE && columns.contains(valueColumns.get(c));
      if (n == 0) {
        if (scaled) {
          return null;
        }
        params[c] = new double[] {0, 1};
        continue;
      }
      double mean = sum / n;
      double squares = 0;
      for (int i = from; i < to; i++) {
        double v = s.values()[i][c];
        if (!Double.isNaN(v)) {
          squares += (v - mean) * (v - mean);
        }
      }
      params[c] = scaled ? shiftAndScale(mean, Math.sqrt(squares / n), min, max, Math.max(-min, max)).params()
          : new double[] {0, 1};
      range[c] = new double[] {min, max};
    }
    return new SeriesFit(params, range);
  }

  /**
   * {min, max} of the training values of each of {@code valueColumns} for a series, null for a
   * column without a recorded range.
   */
  public double[][] columnRanges(String series, List<String> valueColumns) {
    double[][] out = new double[valueColumns.size()][];
    for (int c = 0; c < out.length; c++) {
      out[c] = columns.contains(valueColumns.get(c)) ? ranges.get(key(series, valueColumns.get(c))) : null;
    }
    return out;
  }

  private static Column trainRows(ChronologicalSplit split, String timeColumn, boolean dateTimes) {
    Column n = col("_n");
    Column bound = switch (split.mode()) {
      case FRACTIONS -> floor(n.multiply(split.train()));
      case ROWS -> lit((long) split.train());
      case LAST_ROWS -> n.minus((long) (split.validation() + split.test()));
      case TIMES -> null;
    };
    return bound == null ? col(timeColumn).lt(dateTimes ? ChronologicalSplit.boundary(split.train(), true)
        : (long) split.train()) : col("_row").leq(bound);
  }

  /** {@code (v - shift) / scale} for a value of a (series, column). */
  public double transform(String series, String column, double v) {
    double[] p = params(series, column);
    return p == null ? v : (v - p[0]) / p[1];
  }

  /** The inverse: {@code v * scale + shift}. */
  public double inverse(String series, String column, double v) {
    double[] p = params(series, column);
    return p == null ? v : v * p[1] + p[0];
  }

  /**
   * A copy of the series' values {@code [rows][columns]} (columns named by {@code columns})
   * scaled with its parameters; missing values stay NaN.
   */
  public double[][] transform(Series s, List<String> valueColumns) {
    return transform(s, columnParams(s.id(), valueColumns));
  }

  /** A copy of the series' values scaled with {shift, scale} {@code p} of each value column. */
  public static double[][] transform(Series s, double[][] p) {
    double[][] out = new double[s.size()][];
    for (int i = 0; i < out.length; i++) {
      double[] v = s.values()[i].clone();
      for (int c = 0; c < v.length; c++) {
        v[c] = (v[c] - p[c][0]) / p[c][1];
      }
      out[i] = v;
    }
    return out;
  }

  /** {shift, scale} of each of {@code valueColumns} for a series ({0, 1} for unscaled columns). */
  public double[][] columnParams(String series, List<String> valueColumns) {
    double[][] out = new double[valueColumns.size()][];
    for (int c = 0; c < out.length; c++) {
      double[] p = params(series, valueColumns.get(c));
      out[c] = p == null ? new double[] {0, 1} : p;
    }
    return out;
  }

  /** The scaler as plain data for a model file's JSON header. */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("method", method.name().toLowerCase(Locale.ROOT));
    out.put("scope", scope.name().toLowerCase(Locale.ROOT));
    out.put("columns", new ArrayList<>(columns));
    Map<String, Object> p = new LinkedHashMap<>();
    params.forEach((k, v) -> p.put(k, List.of(v[0], v[1])));
    out.put("params", p);
    Map<String, Object> r = new LinkedHashMap<>();
    ranges.forEach((k, v) -> r.put(k, List.of(v[0], v[1])));
    out.put("ranges", r);
    return out;
  }

  /** The scaler stored by {@link #toJson()}; {@code origin} names the file in errors. */
  @SuppressWarnings("unchecked")
  public static Scaler fromJson(Object json, String origin) {
    try {
      Map<String, Object> m = (Map<String, Object>) json;
      Scaler s = unfitted((String) m.get("method"), (String) m.get("scope"), (List<String>) m.get("columns"));
      Map<String, double[]> params = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : ((Map<String, Object>) m.get("params")).entrySet()) {
        List<Number> v = (List<Number>) e.getValue();
        double shift = v.get(0).doubleValue();
        double scale = v.get(1).doubleValue();
        if (!Double.isFinite(shift) || !(scale > 0) || !Double.isFinite(scale)) {
          throw new InvalidInputException("scaling of " + e.getKey() + " is " + v);
        }
        params.put(e.getKey(), new double[] {shift, scale});
      }
      Map<String, double[]> ranges = new LinkedHashMap<>();
      Object stored = m.get("ranges");
      if (stored != null) {
        for (Map.Entry<String, Object> e : ((Map<String, Object>) stored).entrySet()) {
          List<Number> v = (List<Number>) e.getValue();
          double min = v.get(0).doubleValue();
          double max = v.get(1).doubleValue();
          if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new InvalidInputException("training range of " + e.getKey() + " is " + v);
          }
          ranges.put(e.getKey(), new double[] {min, max});
        }
      }
      return new Scaler(s.method, s.scope, s.columns, params, ranges);
    } catch (ClassCastException | NullPointerException | IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new InvalidInputException(origin + " has no valid stored scaling (" + e.getMessage() + ")", e);
    }
  }

  private double[] params(String series, String column) {
    if (method == Method.NONE || !columns.contains(column)) {
      return null;
    }
    double[] p = params.get(key(series, column));
    if (p == null) {
      throw new InvalidInputException("no scaling fitted for series " + series + ", column " + column
          + " (a series without training rows cannot be scaled per series)");
    }
    return p;
  }
}
