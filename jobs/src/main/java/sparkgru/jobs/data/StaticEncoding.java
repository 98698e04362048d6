package sparkgru.jobs.data;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.stddev_pop;
import static sparkgru.jobs.spark.SparkApi.tryCast;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import sparkgru.engine.errors.InvalidInputException;

/**
 * How the static covariates of a series ({@code data.static_columns}, one value per series) become
 * model inputs, fitted on the training series: a column whose every value is a number is
 * standardised by the mean and (population) standard deviation over the series (1 when they are
 * all equal); any other column is categorical, one-hot over its categories, sorted. A category the
 * training series did not have gets no slot: all of its column's inputs are 0.
 *
 * @param columns one encoding per static column, in the configured order
 */
public record StaticEncoding(List<Column> columns) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The most categories a categorical static column may have. */
  public static final int MAX_CATEGORIES = 1000;

  /**
   * One static column's encoding.
   *
   * @param name       the column
   * @param numeric    whether it is standardised (else one-hot)
   * @param mean       the mean subtracted (numeric)
   * @param scale      the divisor, &gt; 0 (numeric)
   * @param categories the categories, sorted (categorical)
   */
  public record Column(String name, boolean numeric, double mean, double scale, List<String> categories)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Copies the categories. */
    public Column {
      categories = List.copyOf(categories);
    }

    /** Inputs this column takes. */
    public int width() {
      return numeric ? 1 : categories.size();
    }
  }

  /** Copies the list. */
  public StaticEncoding {
    columns = List.copyOf(columns);
  }

  /** Inputs all static columns take. */
  public int width() {
    return columns.stream().mapToInt(Column::width).sum();
  }

  /** The inputs of a series whose static values (as text, in column order) are {@code values}. */
  public double[] encode(String[] values) {
    double[] out = new double[width()];
    int o = 0;
    for (int k = 0; k < columns.size(); k++) {
      Column c = columns.get(k);
      if (c.numeric) {
        double v;
        try {
          v = Double.parseDouble(values[k].trim());
        } catch (NumberFormatException e) {
          throw new InvalidInputException("static column '" + c.name + "' was numeric in training, and a series has "
              + "the value '" + values[k] + "'", e);
        }
        out[o++] = (v - c.mean) / c.scale;
      } else {
        int slot = c.categories.indexOf(values[k]);
        if (slot >= 0) {
          out[o + slot] = 1;
        }
        o += c.categories.size();
      }
    }
    return out;
  }

  /**
   * The encoding fitted on typed rows ({@link SlidingWindows#select}) of the training series:
   * each column's kind, and its mean and deviation over the series or its categories.
   */
  public static StaticEncoding fit(Dataset<Row> typed, String series, List<String> statics) {
    List<Column> out = new ArrayList<>();
    for (String name : statics) {
      Dataset<Row> perSeries = typed.select(col(series), col(name)).distinct();
      Row kinds = perSeries.agg(count(col(name)).as("n"),
          count(tryCast(col(name), DataTypes.DoubleType)).as("numbers"), countDistinct(col(name)).as("distinct"))
          .first();
      long n = kinds.getLong(0);
      if (n > 0 && kinds.getLong(1) == n) {
        Row stats = perSeries.agg(avg(tryCast(col(name), DataTypes.DoubleType)),
            stddev_pop(tryCast(col(name), DataTypes.DoubleType))).first();
        double sd = stats.isNullAt(1) ? 0 : stats.getDouble(1);
        double mean = stats.isNullAt(0) ? 0 : stats.getDouble(0);
        out.add(new Column(name, true, mean, sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 1, List.of()));
        continue;
      }
      if (kinds.getLong(2) > MAX_CATEGORIES) {
        throw new InvalidInputException("static column '" + name + "' has " + kinds.getLong(2) + " categories, more "
            + "than the " + MAX_CATEGORIES + " one-hot encoding takes; give it as numbers, or group its categories");
      }
      List<String> categories = new ArrayList<>();
      perSeries.select(col(name)).distinct().where(col(name).isNotNull()).orderBy(col(name)).collectAsList()
          .forEach(r -> categories.add(r.getString(0)));
      out.add(new Column(name, false, 0, 1, categories));
    }
    return new StaticEncoding(out);
  }

  /** The encoding as plain data for a model file's JSON header. */
  public List<Object> toJson() {
    List<Object> out = new ArrayList<>();
    for (Column c : columns) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("column", c.name);
      if (c.numeric) {
        m.put("mean", c.mean);
        m.put("scale", c.scale);
      } else {
        m.put("categories", new ArrayList<>(c.categories));
      }
      out.add(m);
    }
    return out;
  }

  /** The encoding {@link #toJson()} wrote, or an error naming {@code path} when {@code json} is not one. */
  public static StaticEncoding fromJson(Object json, String path) {
    List<Column> out = new ArrayList<>();
    if (json instanceof List<?> list) {
      for (Object o : list) {
        if (!(o instanceof Map<?, ?> m) || !(m.get("column") instanceof String name)) {
          throw bad(path);
        }
        if (m.get("mean") instanceof Number mean && m.get("scale") instanceof Number scale) {
          out.add(new Column(name, true, mean.doubleValue(), scale.doubleValue(), List.of()));
        } else if (m.get("categories") instanceof List<?> c && c.stream().allMatch(String.class::isInstance)) {
          out.add(new Column(name, false, 0, 1, c.stream().map(String.class::cast).toList()));
        } else {
          throw bad(path);
        }
      }
      return new StaticEncoding(out);
    }
    throw bad(path);
  }

  private static InvalidInputException bad(String path) {
    return new InvalidInputException(path + " holds a damaged encoding of its static covariates (provenance key "
        + "'covariates')");
  }
}
