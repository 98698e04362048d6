package sparkgru.jobs.io;

import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Parquet input, checked before Spark reads it: every data file (a path, the files a glob
 * matches, or the files under a directory) must begin and end with Parquet's magic bytes
 * {@code PAR1}, so a CSV file given as Parquet, or a file cut short, is named by the driver
 * instead of failing a task with Spark's footer error. Files Spark itself skips are skipped
 * here too, whether found under a directory or matched by a glob: empty ones, and those whose
 * name (or a directory's on the way to them) is hidden by Spark's rule
 * ({@code InMemoryFileIndex.shouldFilterOutPathName}): {@code _*} (but not {@code _metadata},
 * {@code _common_metadata} or a partition directory {@code _k=v}), {@code .*}, and
 * {@code *._COPYING_} (an {@code hdfs dfs -put} in progress). The check reads 4 bytes at each end
 * of every file, on the driver: on an object store, two reads per file.
 */
public final class ParquetInput {
  private static final byte[] MAGIC = {'P', 'A', 'R', '1'};

  private ParquetInput() {}

  /** The rows of the Parquet input {@code path}, given as {@code key} (named in messages). */
  public static Dataset<Row> read(SparkSession spark, String path, String key) {
    DataFiles.check(spark, path, key, (fs, file) -> requireParquet(fs, file, key, path));
    try {
      return spark.read().parquet(path);
    } catch (Exception e) {
      throw new InvalidInputException(key + " " + path + " cannot be read as Parquet: " + DataErrors.sparkMessage(e),
          e);
    }
  }

  /** Whether Spark skips a file or directory of this name when it lists an input (its own rule). */
  static boolean skipped(String name) {
    return DataFiles.skipped(name);
  }

  private static void requireParquet(FileSystem fs, FileStatus file, String key, String path) throws IOException {
    long length = file.getLen();
    if (length == 0) {
      // Spark reads an empty file as no rows (a writer that had none may leave one).
      return;
    }
    byte[] head = new byte[4];
    byte[] tail = new byte[4];
    if (length >= 12) {
      try (FSDataInputStream in = fs.open(file.getPath())) {
        in.readFully(0, head);
        in.readFully(length - 4, tail);
      }
    }
    if (DataFiles.isZip(head)) {
      throw new InvalidInputException(key + " " + path + ": " + file.getPath() + " is a zip archive, not a Parquet "
          + "file: unzip it and give the Parquet files (Parquet compresses within the file)");
    }
    if (!Arrays.equals(head, MAGIC) || !Arrays.equals(tail, MAGIC)) {
      throw new InvalidInputException(key + " " + path + ": " + file.getPath() + " is not a Parquet file: it does "
          + "not begin and end with Parquet's magic bytes PAR1 (another format, e.g. CSV: set data.source=csv; or a "
          + "file cut short)");
    }
  }
}
