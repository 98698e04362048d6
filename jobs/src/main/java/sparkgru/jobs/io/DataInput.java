package sparkgru.jobs.io;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.sources.DataSourceRegister;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Where a job's input table comes from and how Spark reads it ({@code data.source}):
 * <ul>
 *   <li>{@code csv} and {@code parquet}: files at {@code path}, checked on the driver first
 *       ({@link CsvInput}, {@link ParquetInput});
 *   <li>{@code table}: {@code spark.table(table)} through the session's catalog (a name as Spark
 *       takes it: {@code tbl}, {@code db.tbl} or {@code catalog.db.tbl}), so a Delta or Iceberg
 *       table reads its current snapshot through its own catalog;
 *   <li>{@code format}: any data source of {@code DataFrameReader.format} ({@code formatName}:
 *       delta, iceberg, orc, json, avro, ...) at {@code path}, or without one for a source that
 *       reads by its options alone;
 *   <li>{@code demo}: generated data, which the caller makes.
 * </ul>
 * {@code options} go to Spark's reader as they are written, for table and format.
 *
 * <p>A table that the session's catalog does not hold, and a format that no jar on the class path
 * provides, fail with an {@link InvalidInputException} naming them; so does any other error of
 * Spark's analysis of the read (an {@code AnalysisException}: a path that does not exist, a
 * directory that is not a Delta table, an option the source refuses).
 *
 * @param source     demo, csv, parquet, table or format
 * @param path       csv, parquet: the input path (any Hadoop path); format: the path given to the
 *                   data source, null or empty for none
 * @param table      table: the table's name
 * @param formatName format: the data source's name
 * @param options    table, format: the reader options
 * @param header     csv: whether the first line names the columns
 * @param trimSpaces csv: whether spaces around cells and column names are removed
 */
public record DataInput(String source, String path, String table, String formatName, Map<String, String> options,
    boolean header, boolean trimSpaces) implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The values of {@code data.source}. */
  public static final List<String> SOURCES = List.of("demo", "csv", "parquet", "table", "format");

  /** Copies the options. */
  public DataInput {
    options = Map.copyOf(options);
  }

  /** CSV or Parquet files at {@code path}, without reader options. */
  public static DataInput files(String source, String path, boolean header, boolean trimSpaces) {
    return new DataInput(source, path, null, null, Map.of(), header, trimSpaces);
  }

  /**
   * The same kind of input at another location: another table for table, another path for the
   * others (and CSV for demo, whose data have no location).
   */
  public DataInput at(String location) {
    return switch (source) {
      case "table" -> new DataInput(source, path, location, formatName, options, header, trimSpaces);
      case "demo" -> new DataInput("csv", location, table, formatName, options, header, trimSpaces);
      default -> new DataInput(source, location, table, formatName, options, header, trimSpaces);
    };
  }

  /** Whether the input is read from {@code path}: csv, parquet, and format with a path. */
  public boolean readsPath() {
    return source.equals("csv") || source.equals("parquet") || (source.equals("format") && hasPath());
  }

  private boolean hasPath() {
    return path != null && !path.isEmpty();
  }

  /** How messages name the input: its path, {@code table <name>}, or {@code <format> input}. */
  public String origin() {
    return switch (source) {
      case "demo" -> "demo data";
      case "table" -> "table " + table;
      case "format" -> hasPath() ? path : formatName + " input";
      default -> path;
    };
  }

  /** The rows of the input (lazily, as Spark reads); not for demo, whose data the caller generates. */
  public Dataset<Row> read(SparkSession spark) {
    return switch (source) {
      case "csv" -> CsvInput.read(spark, path, "data.path", header, trimSpaces);
      case "parquet" -> ParquetInput.read(spark, path, "data.path");
      case "table" -> table(spark);
      case "format" -> format(spark);
      default -> throw new IllegalStateException("data.source=" + source + " is not read from a location");
    };
  }

  private Dataset<Row> table(SparkSession spark) {
    boolean exists;
    try {
      exists = spark.catalog().tableExists(table);
    } catch (Exception e) {
      throw DataErrors.refusedByAnalysis(e, "data.table " + table + " cannot be looked up in the session catalog");
    }
    if (!exists) {
      throw new InvalidInputException("data.table " + table + " does not exist: the session catalog (current "
          + "catalog " + spark.catalog().currentCatalog() + ", database " + spark.catalog().currentDatabase()
          + ") has no table or view of that name; name it as Spark does (tbl, db.tbl or catalog.db.tbl)");
    }
    try {
      return spark.read().options(options).table(table);
    } catch (Exception e) {
      throw DataErrors.refusedByAnalysis(e, "data.table " + table + " cannot be read");
    }
  }

  private Dataset<Row> format(SparkSession spark) {
    DataFrameReader reader = spark.read().format(formatName).options(options);
    try {
      return hasPath() ? reader.load(path) : reader.load();
    } catch (Exception e) {
      if (!provided(formatName)) {
        throw new InvalidInputException("data.format_name " + formatName + " is no data source on the class path: "
            + "no jar on it registers that name (a DataSourceRegister) or holds a class of that name; the jar that "
            + "provides it must be on the class path, e.g. with spark-submit --packages "
            + "io.delta:delta-spark_2.13:4.0.0 for delta on Spark 4.0", e);
      }
      throw DataErrors.refusedByAnalysis(e, origin() + " cannot be read as " + formatName);
    }
  }

  /**
   * Whether a data source of this name is on the class path, found as Spark's
   * {@code DataSource.lookupDataSource} finds one: a {@link DataSourceRegister} of that short name
   * (in any case), or a class of that name or of that name followed by {@code .DefaultSource}.
   */
  static boolean provided(String name) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = DataInput.class.getClassLoader();
    }
    Iterator<DataSourceRegister> registered = ServiceLoader.load(DataSourceRegister.class, loader).iterator();
    while (hasNext(registered)) {
      try {
        if (registered.next().shortName().equalsIgnoreCase(name)) {
          return true;
        }
      } catch (ServiceConfigurationError | LinkageError e) {
        // A registered source whose own dependencies are missing: Spark skips it too.
      }
    }
    for (String className : new String[] {name, name + ".DefaultSource"}) {
      try {
        Class.forName(className, false, loader);
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        // Not this one.
      }
    }
    return false;
  }

  /** Whether the service loader has another source; false when it cannot tell (a broken registration). */
  private static boolean hasNext(Iterator<DataSourceRegister> registered) {
    try {
      return registered.hasNext();
    } catch (ServiceConfigurationError e) {
      return false;
    }
  }
}
