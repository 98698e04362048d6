package sparkgru.jobs.data;

import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Parquet input, checked before Spark reads it: every data file (a path, a glob, or the files
 * under a directory, except the hidden {@code _*} and {@code .*} ones Spark skips too) must begin
 * and end with Parquet's magic bytes {@code PAR1}, so a CSV file given as Parquet, or a file cut
 * short, is named by the driver instead of failing a task with Spark's footer error. The check
 * reads 4 bytes at each end of every file, on the driver.
 */
public final class ParquetInput {
  private static final byte[] MAGIC = {'P', 'A', 'R', '1'};

  private ParquetInput() {}

  /** The rows of the Parquet input {@code path}, given as {@code key} (named in messages). */
  public static Dataset<Row> read(SparkSession spark, String path, String key) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw new IllegalArgumentException(key + " " + path + " does not exist (or matches no file)");
      }
      for (FileStatus match : matches) {
        if (match.isDirectory()) {
          RemoteIterator<LocatedFileStatus> files = fs.listFiles(match.getPath(), true);
          while (files.hasNext()) {
            LocatedFileStatus f = files.next();
            if (!hidden(match.getPath(), f.getPath())) {
              requireParquet(fs, f, key, path);
            }
          }
        } else {
          requireParquet(fs, match, key, path);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(key + " " + path + " cannot be read: " + e.getMessage(), e);
    }
    try {
      return spark.read().parquet(path);
    } catch (Exception e) {
      String m = String.valueOf(e.getMessage());
      throw new IllegalArgumentException(key + " " + path + " cannot be read as Parquet: "
          + (m.contains("\n") ? m.substring(0, m.indexOf('\n')) : m), e);
    }
  }

  /** Whether a file under {@code root} lies in (or is) a hidden file or directory, which Spark skips. */
  private static boolean hidden(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      if (p.getName().startsWith("_") || p.getName().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static void requireParquet(FileSystem fs, FileStatus file, String key, String path) throws IOException {
    long length = file.getLen();
    byte[] head = new byte[4];
    byte[] tail = new byte[4];
    if (length >= 12) {
      try (FSDataInputStream in = fs.open(file.getPath())) {
        in.readFully(0, head);
        in.readFully(length - 4, tail);
      }
    }
    if (!Arrays.equals(head, MAGIC) || !Arrays.equals(tail, MAGIC)) {
      throw new IllegalArgumentException(key + " " + path + ": " + file.getPath() + " is not a Parquet file: it does "
          + "not begin and end with Parquet's magic bytes PAR1 (another format, e.g. CSV: set data.source=csv; or a "
          + "file cut short)");
    }
  }
}
