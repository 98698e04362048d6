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
 * forecast job can invert them.
 *
 * @param method  none, standard, min_max or max_abs
 * @param scope   global, per_column or per_series
 * @param columns the scaled columns
 * @param params  {@link #key} to {shift, scale}
 */
public record Scaler(Method method, Scope scope, List<String> columns, Map<String, double[]> params)
    implements Serializable {
  private static final long serialVersionUID = 1L;

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
    if (method == Method.NONE) {
      return this;
    }
    Dataset<Row> ranked = typed
        .withColumn("_row", row_number().over(Window.partitionBy(col(seriesColumn)).orderBy(col(timeColumn))))
        .withColumn("_n", count(lit(1)).over(Window.partitionBy(col(seriesColumn))));
    Dataset<Row> train = ranked.filter(trainRows(split, timeColumn,
        SlidingWindows.typedDateTimes(typed, timeColumn)));
    if (scope == Scope.GLOBAL) {
      return new Scaler(method, scope, columns, Map.of("*", global(train)));
    }
    Map<String, double[]> fitted = new LinkedHashMap<>();
    for (String c : columns) {
      List<Column> aggs = List.of(mean(col(c)), stddev_pop(col(c)), min(col(c)), max(col(c)), max(abs(col(c))));
      List<Row> rows = scope == Scope.PER_COLUMN
          ? train.agg(aggs.get(0), aggs.subList(1, 5).toArray(new Column[0])).collectAsList()
          : train.groupBy(col(seriesColumn)).agg(aggs.get(0), aggs.subList(1, 5).toArray(new Column[0])).collectAsList();
      for (Row r : rows) {
        int o = scope == Scope.PER_SERIES ? 1 : 0;
        if (r.isNullAt(o)) {
          continue;
        }
        fitted.put(key(scope == Scope.PER_SERIES ? r.getString(0) : "", c), shiftAndScale(r, o).params());
      }
    }
    return new Scaler(method, scope, columns, fitted);
  }

  private double[] global(Dataset<Row> train) {
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
    return shiftAndScale(r, 0).params();
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
    return switch (method) {
      case STANDARD -> new Fitted(r.getDouble(o), r.getDouble(o + 1));
      case MIN_MAX -> new Fitted(r.getDouble(o + 2), r.getDouble(o + 3) - r.getDouble(o + 2));
      default -> new Fitted(0, r.getDouble(o + 4));
    };
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
    double[][] p = columnParams(s.id(), valueColumns);
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
      return new Scaler(s.method, s.scope, s.columns, params);
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
