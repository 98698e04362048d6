package sparkgru.jobs.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Writes a result table (forecasts, predictions) to a {@link Target}, so that a run that fails
 * on its data writes nothing:
 * <ul>
 *   <li>a path ending in {@code .csv}: one CSV file with a header, which Spark's writer cannot
 *       make: Spark writes a hidden temporary sibling directory, whose one part is renamed into
 *       place once the write succeeded (and which is deleted when it failed);
 *   <li>any other path: a Parquet directory, which Spark's writer writes as the hidden temporary
 *       sibling ({@code --partition-by}: one subdirectory per value, as
 *       {@code DataFrameWriter.partitionBy}), renamed into place the same way, so that the path
 *       holds the old directory or the whole new one, never a part (one rename, atomic on HDFS and
 *       local disks; a copy on object stores);
 *   <li>a table of the session catalog: created by {@code DataFrameWriter.saveAsTable} (in the
 *       session's default data source, {@code spark.sql.sources.default}, partitioned by
 *       {@code --partition-by}) when it does not exist; when it does, the rows are appended to it
 *       or replace its rows ({@code insertInto}, {@code INSERT OVERWRITE}), so that it keeps its
 *       format, properties and partitioning, its columns matched by name.
 * </ul>
 * Paths are checked after the temporary write, before the rename; for a table, whose writes commit
 * in place, the rows are computed first (persisted, counted) and checked, and only then written.
 * Either way an error of the data, or a result the caller refuses, stops the run before anything
 * is written or replaced.
 */
public final class TableOutput {
  /** What a write does to an existing output. */
  public enum Mode {
    /** Refuse an existing output. */
    ERROR,
    /** Add the rows to an existing table. */
    APPEND,
    /** Replace an existing output. */
    OVERWRITE;

    /** The mode named in any case: error, append or overwrite. */
    public static Mode parse(String name) {
      for (Mode m : values()) {
        if (m.name().equalsIgnoreCase(name.trim())) {
          return m;
        }
      }
      throw new InvalidInputException("--output-mode must be one of [error, append, overwrite], got '" + name + "'");
    }
  }

  /**
   * Where a result table goes: a {@code path} or a {@code table} of the session catalog, one of
   * them null.
   *
   * @param path        a .csv file or a Parquet directory (any Hadoop path)
   * @param table       a table name as Spark takes it ({@code tbl}, {@code db.tbl}, {@code catalog.db.tbl})
   * @param mode        what happens to an existing output (APPEND only for tables)
   * @param partitionBy columns whose values partition a directory or a new table; empty for none
   */
  public record Target(String path, String table, Mode mode, List<String> partitionBy) {
    /** Checks that exactly one of path and table is given, and which modes and partitions go with it. */
    public Target {
      partitionBy = List.copyOf(partitionBy);
      if ((path == null) == (table == null)) {
        throw new InvalidInputException("give exactly one of --output PATH and --output-table NAME");
      }
      if (path != null && mode == Mode.APPEND) {
        throw new InvalidInputException("--output " + path + " cannot be appended to; --output-mode append is for "
            + "--output-table");
      }
      if (path != null && !partitionBy.isEmpty() && TableOutput.csv(path)) {
        throw new InvalidInputException("--partition-by needs a directory output, but --output " + path + " ends in "
            + ".csv and is written as one file; give a directory path (written as Parquet) or --output-table");
      }
    }

    /** A path output, replaced only when {@code overwrite}. */
    public static Target path(String path, boolean overwrite) {
      return new Target(path, null, overwrite ? Mode.OVERWRITE : Mode.ERROR, List.of());
    }

    /** Whether the output is one CSV file. */
    public boolean csv() {
      return path != null && TableOutput.csv(path);
    }

    /** How messages name the output: its option and its path or table. */
    public String describe() {
      return path != null ? "--output " + path : "--output-table " + table;
    }

    /** Where the output goes, for a summary line: the path, or {@code table <name>}. */
    public String location() {
      return path != null ? path : "table " + table;
    }
  }

  private TableOutput() {}

  /** Whether {@code path} is written as one CSV file (its name ends in {@code .csv}), not as Parquet. */
  private static boolean csv(String path) {
    return new Path(path).getName().toLowerCase(Locale.ROOT).endsWith(".csv");
  }

  /** Checks before any work that {@code path} is free (or may be replaced) and its parent writable. */
  private static void prepare(String path, boolean overwrite, Configuration conf) {
    try {
      Path p = new Path(path);
      if (p.getFileSystem(conf).exists(p) && !overwrite) {
        throw new InvalidInputException("output " + path + " already exists; remove it or pass --overwrite");
      }
    } catch (IOException e) {
      throw new InvalidInputException("output " + path + " is not writable: " + e.getMessage(), e);
    }
    AtomicFiles.prepare(path, "output", conf);
  }

  /**
   * Checks before any work that {@code target} may be written: a path as {@link #prepare(String,
   * boolean, Configuration)}; a table that exists only with {@link Mode#APPEND} or
   * {@link Mode#OVERWRITE}.
   */
  public static void prepare(SparkSession spark, Target target) {
    if (target.path() != null) {
      prepare(target.path(), target.mode() == Mode.OVERWRITE, spark.sparkContext().hadoopConfiguration());
    } else if (target.mode() == Mode.ERROR && exists(spark, target.table())) {
      throw exists(spark, target);
    }
  }

  private static InvalidInputException exists(SparkSession spark, Target target) {
    return new InvalidInputException("--output-table " + target.table() + " already exists in the session catalog "
        + "(current catalog " + spark.catalog().currentCatalog() + ", database " + spark.catalog().currentDatabase()
        + "); pass --output-mode append to add the rows to it or --output-mode overwrite to replace its rows");
  }

  private static boolean exists(SparkSession spark, String table) {
    try {
      return spark.catalog().tableExists(table);
    } catch (Exception e) {
      throw DataErrors.refusedByAnalysis(e, "--output-table " + table + " cannot be looked up in the session catalog");
    }
  }

  /**
   * Writes {@code rows} to {@code target}. {@code accept} runs once the rows are computed and
   * before anything is written or replaced: an exception from it (e.g. "nothing could be
   * forecast") leaves the output as it was.
   */
  public static void write(Dataset<Row> rows, Target target, Runnable accept) {
    List<String> columns = Arrays.asList(rows.columns());
    for (String c : target.partitionBy()) {
      if (!columns.contains(c)) {
        throw new InvalidInputException("--partition-by names column '" + c + "', which the output does not have; "
            + "its columns are " + columns);
      }
    }
    if (target.partitionBy().size() >= columns.size()) {
      throw new InvalidInputException("--partition-by " + target.partitionBy() + " names every column of the output; "
          + "a partitioned output needs a column that is not a partition");
    }
    if (target.path() != null) {
      write(rows, target, rows.sparkSession().sparkContext().hadoopConfiguration(), accept);
      return;
    }
    Dataset<Row> computed = rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      computed.count();
      accept.run();
      toTable(computed, target);
    } catch (Exception e) {
      throw DataErrors.refusedByAnalysis(e, target.describe() + " cannot be written");
    } finally {
      computed.unpersist();
    }
  }

  private static DataFrameWriter<Row> writer(Dataset<Row> rows, Target target) {
    return rows.write().partitionBy(target.partitionBy().toArray(new String[0]));
  }

  /** Creates the table, or appends to or overwrites the one that exists (its columns matched by name). */
  private static void toTable(Dataset<Row> rows, Target target) {
    SparkSession spark = rows.sparkSession();
    if (!exists(spark, target.table())) {
      writer(rows, target).mode(SaveMode.ErrorIfExists).saveAsTable(target.table());
      return;
    }
    if (target.mode() == Mode.ERROR) {
      throw exists(spark, target);
    }
    List<String> theirs = Arrays.asList(spark.table(target.table()).columns());
    List<String> ours = Arrays.asList(rows.columns());
    if (theirs.size() != ours.size() || !theirs.containsAll(ours)) {
      throw new InvalidInputException("--output-table " + target.table() + " has columns " + theirs + ", but this "
          + "run writes " + ours + "; write to a table of those columns, or to a new one");
    }
    List<Column> byName = new ArrayList<>();
    theirs.forEach(c -> byName.add(rows.col("`" + c.replace("`", "``") + "`")));
    rows.select(byName.toArray(new Column[0])).write().mode(target.mode() == Mode.OVERWRITE ? SaveMode.Overwrite
        : SaveMode.Append).insertInto(target.table());
  }

  /**
   * Writes {@code rows} to the target's path (one CSV file or a Parquet directory, by its name),
   * replacing it only with {@link Mode#OVERWRITE}. {@code accept} runs after Spark wrote the
   * temporary result and before it replaces anything: an exception from it leaves the path as it
   * was.
   */
  private static void write(Dataset<Row> rows, Target target, Configuration conf, Runnable accept) {
    String path = target.path();
    boolean overwrite = target.mode() == Mode.OVERWRITE;
    Path p = new Path(path);
    Path tmp = new Path(p.getParent(), "." + p.getName() + "." + UUID.randomUUID() + ".tmp");
    boolean csv = target.csv();
    FileSystem fs;
    try {
      fs = p.getFileSystem(conf);
    } catch (IOException e) {
      throw new InvalidInputException("output " + path + " is not writable: " + e.getMessage(), e);
    }
    try {
      Path result = tmp;
      if (csv) {
        // repartition, not coalesce: the rows are computed in parallel and only then gathered into one file.
        rows.repartition(1).write().option("header", "true").csv(tmp.toString());
        FileStatus[] parts = fs.globStatus(new Path(tmp, "part-*"));
        if (parts == null || parts.length != 1) {
          throw new IllegalStateException("Spark wrote " + (parts == null ? 0 : parts.length) + " CSV parts to "
              + tmp + ", expected one");
        }
        result = parts[0].getPath();
      } else {
        writer(rows, target).parquet(tmp.toString());
      }
      accept.run();
      if (fs.exists(p)) {
        if (!overwrite) {
          throw new InvalidInputException("output " + path + " appeared while writing; not replacing it");
        }
        fs.delete(p, true);
      }
      if (!fs.rename(result, p)) {
        throw new IOException("rename of " + result + " to " + p + " failed");
      }
    } catch (IOException e) {
      throw new RunFailedException("cannot write " + path + ": " + e.getMessage(), e);
    } finally {
      try {
        if (fs.exists(tmp)) {
          fs.delete(tmp, true);
        }
      } catch (IOException ignored) {
        // The write's own outcome matters more than a leftover hidden temporary directory.
      }
    }
  }
}
