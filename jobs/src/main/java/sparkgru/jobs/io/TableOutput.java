package sparkgru.jobs.io;

import java.io.IOException;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Writes a result table so that its final path only ever holds a complete result: Spark writes to
 * a hidden temporary sibling, which is renamed into place once the write succeeded (and deleted
 * when it failed). A path ending in {@code .csv} gets one CSV file with a header; any other path
 * a Parquet directory.
 */
public final class TableOutput {
  private TableOutput() {}

  /** Whether {@code path} is written as one CSV file (its name ends in {@code .csv}), not as Parquet. */
  public static boolean csv(String path) {
    return new Path(path).getName().toLowerCase(Locale.ROOT).endsWith(".csv");
  }

  /** Checks before any work that {@code path} is free (or may be replaced) and its parent writable. */
  public static void prepare(String path, boolean overwrite, Configuration conf) {
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
   * Writes {@code rows} to {@code path} (csv or Parquet by its name), replacing it only when
   * {@code overwrite}. {@code accept} runs after Spark wrote the temporary result and before it
   * replaces anything: an exception from it (e.g. "nothing could be forecast") leaves the path as
   * it was.
   */
  public static void write(Dataset<Row> rows, String path, boolean overwrite, Configuration conf, Runnable accept) {
    Path p = new Path(path);
    Path tmp = new Path(p.getParent(), "." + p.getName() + "." + UUID.randomUUID() + ".tmp");
    boolean csv = csv(path);
    FileSystem fs;
    try {
      fs = p.getFileSystem(conf);
    } catch (IOException e) {
      throw new InvalidInputException("output " + path + " is not writable: " + e.getMessage(), e);
    }
    try {
      if (csv) {
        // repartition, not coalesce: the rows are computed in parallel and only then gathered into one file.
        rows.repartition(1).write().option("header", "true").csv(tmp.toString());
      } else {
        rows.write().parquet(tmp.toString());
      }
      Path result = tmp;
      if (csv) {
        FileStatus[] parts = fs.globStatus(new Path(tmp, "part-*"));
        if (parts == null || parts.length != 1) {
          throw new IllegalStateException("Spark wrote " + (parts == null ? 0 : parts.length) + " CSV parts to " + tmp
              + ", expected one");
        }
        result = parts[0].getPath();
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
