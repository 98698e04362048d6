package sparkgru.jobs.data;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.trim;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.io.CsvInput;
import sparkgru.jobs.io.DataInput;

/**
 * Where time series come from and how their table is laid out, read into one long form
 * ({@code series, time, values...}) for {@link SlidingWindows#select}:
 * <ul>
 *   <li>{@code long}: one row per series and time, columns named by the configuration;
 *   <li>{@code wide}: one multivariate series, one row per time (like ETTh1's
 *       {@code date,HUFL,...,OT}); without a time column the row order gives the steps 0, 1, ...;
 *   <li>{@code m4}: one row per series, its id first and then its values (M4's CSV files; empty
 *       cells after the last value pad the shorter series, empty cells before it are missing
 *       values), read as a column {@code value} at steps 0, 1, ....
 * </ul>
 *
 * <p>A text cell that is one of {@code naValues} (after trimming spaces), or empty, is a missing
 * value, as pandas reads {@code NA}, {@code null} or {@code -}: it becomes null in every column
 * but the series and time columns, and {@link SlidingWindows} applies {@code data.missing} to it.
 * {@code NaN} needs no marker: it is read as a number that is missing.
 *
 * @param input        where the rows come from ({@code data.source}: demo, a CSV or Parquet path, a
 *                     table of the session catalog or any Spark data source)
 * @param format       long, wide or m4
 * @param seriesColumn the series id column (long; the name given to it for wide and m4)
 * @param timeColumn   the time column (long, wide; empty for wide = row order, in a column named
 *                     {@code step}, as for m4)
 * @param seriesName   the id of the one series of a wide table
 * @param naValues     the cell texts that are missing values ({@code data.na_values})
 * @param demoSeries   demo: number of series
 * @param demoSteps    demo: rows per series
 * @param seed         demo: seed of the generated values
 */
public record SeriesSource(DataInput input, String format, String seriesColumn, String timeColumn,
    String seriesName, List<String> naValues, long demoSeries, int demoSteps, long seed) implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The layouts read. */
  public static final List<String> FORMATS = List.of("long", "wide", "m4");
  /** The cell texts read as missing values by default, as pandas reads them (the empty cell always is). */
  public static final List<String> NA_VALUES = List.of("NA", "N/A", "null", "NULL", "NaN", "nan", "-");
  /** The value column of an m4 table. */
  public static final String M4_VALUE = "value";

  /** Validates the layout. */
  public SeriesSource {
    format = format.trim().toLowerCase(Locale.ROOT);
    naValues = List.copyOf(naValues);
    if (!FORMATS.contains(format)) {
      throw new InvalidInputException("data.format must be one of [sequences, long, wide, m4], got '" + format + "'");
    }
    if (seriesColumn.isBlank() || (format.equals("long") && timeColumn.isBlank())) {
      throw new InvalidInputException("data.series_column" + (format.equals("long") ? " and data.time_column" : "")
          + " must not be empty for data.format=" + format);
    }
    if (input.source().equals("demo") && !format.equals("long")) {
      throw new InvalidInputException("data.source=demo generates long-format series; set data.format=long");
    }
  }

  /** What {@link #read} returns: rows in long form and the names of their series and time columns. */
  public record Table(Dataset<Row> rows, String series, String time, String origin) {}

  /** The column holding each row's time: the configured one, or {@code step} for m4 and wide without one. */
  public String time() {
    return format.equals("m4") || timeColumn.isBlank() ? "step" : timeColumn;
  }

  /** Reads the input into long form (lazily: Spark reads when the rows are used). */
  public Table read(SparkSession spark) {
    if (input.source().equals("demo")) {
      return new Table(DemoData.series(spark, demoSeries, demoSteps, seed, spark.sparkContext().defaultParallelism()),
          seriesColumn, timeColumn, input.origin());
    }
    Dataset<Row> raw = input.read(spark);
    if (input.source().equals("csv") && input.header()) {
      requireDistinctNames(spark, raw.columns());
    }
    Table table = switch (format) {
      case "long" -> new Table(raw, seriesColumn, timeColumn, input.origin());
      case "wide" -> wide(spark, raw);
      default -> m4(raw);
    };
    return new Table(missingAsNull(table.rows(), table.series(), table.time()), table.series(), table.time(),
        table.origin());
  }

  /** The rows with each text cell that is a missing value (empty or one of naValues) as null, but ids and times. */
  private Dataset<Row> missingAsNull(Dataset<Row> rows, String series, String time) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : rows.schema().fields()) {
      Column c = col(quoted(f.name()));
      if (f.dataType() instanceof StringType && !f.name().equals(series) && !f.name().equals(time)) {
        c = when(missing(c), lit(null).cast(DataTypes.StringType)).otherwise(c).as(f.name(), f.metadata());
      }
      cols.add(c);
    }
    return rows.select(cols.toArray(new Column[0]));
  }

  /** Whether a text cell is a missing value: empty or blank, or one of naValues after trimming. */
  private Column missing(Column text) {
    Column trimmed = trim(text);
    Column blank = trimmed.equalTo("");
    return naValues.isEmpty() ? blank : blank.or(trimmed.isin(naValues.toArray()));
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  private Table wide(SparkSession spark, Dataset<Row> raw) {
    if (Arrays.asList(raw.columns()).contains(seriesColumn)) {
      throw new InvalidInputException(input.origin() + " already has a column '" + seriesColumn + "'; a wide table "
          + "holds one series, so data.series_column names the id column this adds: choose another name, or use "
          + "data.format=long");
    }
    Dataset<Row> rows = raw;
    String time = time();
    if (timeColumn.isBlank()) {
      if (raw.inputFiles().length > 1) {
        throw new InvalidInputException(input.origin() + " holds " + raw.inputFiles().length + " files; a wide table "
            + "without data.time_column is numbered by row order, which only one file defines: merge the files or "
            + "add a time column");
      }
      if (Arrays.asList(raw.columns()).contains(time)) {
        throw new InvalidInputException(input.origin() + " already has a column 'step'; name the time column "
            + "in data.time_column");
      }
      StructType schema = raw.schema().add(time, DataTypes.LongType, false);
      rows = spark.createDataFrame(raw.javaRDD().zipWithIndex().map(p -> {
        Object[] v = new Object[p._1().size() + 1];
        for (int i = 0; i < p._1().size(); i++) {
          v[i] = p._1().get(i);
        }
        v[v.length - 1] = p._2();
        return RowFactory.create(v);
      }), schema);
    }
    return new Table(rows.withColumn(seriesColumn, lit(seriesName)), seriesColumn, time, input.origin());
  }

  private Table m4(Dataset<Row> raw) {
    String[] cols = raw.columns();
    if (cols.length < 2) {
      throw new InvalidInputException(input.origin() + " has " + cols.length + " column; an m4 table needs the "
          + "series id then its values");
    }
    List<Column> values = new ArrayList<>();
    for (int i = 1; i < cols.length; i++) {
      values.add(col("`" + cols[i] + "`").cast(DataTypes.StringType));
    }
    String time = time();
    Dataset<Row> exploded = raw.select(col("`" + cols[0] + "`").cast(DataTypes.StringType).as(seriesColumn),
        posexplode(array(values.toArray(new Column[0]))).as(new String[] {time, M4_VALUE}));
    // Empty cells (and missing-value markers) after a series' last value pad it; before it they are missing values.
    Column filled = col(M4_VALUE).isNotNull().and(not(missing(col(M4_VALUE))));
    Dataset<Row> present = exploded
        .withColumn("_last", max(when(filled, col(time))).over(Window.partitionBy(col(seriesColumn))))
        .filter(col(time).leq(col("_last")))
        .withColumn(M4_VALUE, when(filled, col(M4_VALUE)))
        .withColumn(time, col(time).cast(DataTypes.LongType))
        .drop("_last");
    return new Table(present, seriesColumn, time, input.origin());
  }

  /**
   * Fails when the CSV header names a column twice. Spark renames the second and later copies of a
   * name (compared without case) to the name followed by the column's index, so a header that
   * repeats {@code v} reads as columns {@code v2, v3}; only a name that ends with its own index can be
   * such a copy, and only then is the header line itself read to tell.
   */
  private void requireDistinctNames(SparkSession spark, String[] columns) {
    boolean renamed = false;
    for (int i = 0; i < columns.length && !renamed; i++) {
      renamed = columns[i].endsWith(Integer.toString(i));
    }
    if (!renamed) {
      return;
    }
    List<Row> first = CsvInput.reader(spark, false, input.trimSpaces()).csv(input.path()).limit(1)
        .collectAsList();
    if (first.isEmpty()) {
      return;
    }
    Row names = first.get(0);
    Map<String, List<Integer>> positions = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      if (!names.isNullAt(i)) {
        positions.computeIfAbsent(names.getString(i).toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(i);
      }
    }
    for (List<Integer> at : positions.values()) {
      if (at.size() > 1) {
        List<String> numbered = at.stream().map(i -> Integer.toString(i + 1)).toList();
        String where = String.join(", ", numbered.subList(0, numbered.size() - 1)) + " and "
            + numbered.get(numbered.size() - 1);
        throw new InvalidInputException(input.path() + ": the header repeats the column name '"
            + names.getString(at.get(0)) + "' (columns " + where + ", counting from 1); give each column its own name");
      }
    }
  }

  /** Fails with a clear message when {@code path} matches no file. */
  public static void requireExists(String path, Configuration conf) {
    try {
      Path p = new Path(path);
      FileStatus[] matches = p.getFileSystem(conf).globStatus(p);
      if (matches == null || matches.length == 0) {
        throw new InvalidInputException("data.path " + path + " does not exist (or matches no file)");
      }
    } catch (IOException e) {
      throw new InvalidInputException("data.path " + path + " cannot be read: " + e.getMessage(), e);
    }
  }
}
