package sparkgru.jobs.io;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;
import sparkgru.engine.errors.InvalidInputException;

/**
 * The data files Spark reads for an input path, listed as Spark lists them, for checks on the
 * driver before Spark reads: the path itself, the files a glob matches, or the files under a
 * directory, without those Spark skips by name ({@code InMemoryFileIndex.shouldFilterOutPathName}):
 * {@code _*} (but not {@code _metadata}, {@code _common_metadata} or a partition directory
 * {@code _k=v}), {@code .*}, and {@code *._COPYING_} (an {@code hdfs dfs -put} in progress).
 */
final class DataFiles {
  /** A check of one data file. */
  interface Check {
    void accept(FileSystem fs, FileStatus file) throws IOException;
  }

  private DataFiles() {}

  /** Runs {@code check} on each data file of {@code path}, given as {@code key} (named in messages). */
  static void check(SparkSession spark, String path, String key, Check check) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw new InvalidInputException(key + " " + path + " does not exist (or matches no file)");
      }
      // As Spark: a glob's matches are listed like a directory's files, a path given as is is read as is.
      boolean glob = path.chars().anyMatch(c -> "{}[]*?\\".indexOf(c) >= 0);
      for (FileStatus match : matches) {
        if (glob && skipped(match.getPath().getName())) {
          continue;
        }
        if (match.isDirectory()) {
          RemoteIterator<LocatedFileStatus> files = fs.listFiles(match.getPath(), true);
          while (files.hasNext()) {
            LocatedFileStatus f = files.next();
            if (!hidden(match.getPath(), f.getPath())) {
              check.accept(fs, f);
            }
          }
        } else {
          check.accept(fs, match);
        }
      }
    } catch (IOException e) {
      throw new InvalidInputException(key + " " + path + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Whether a file's first 4 bytes are those of a zip archive's first entry ({@code PK\3\4}). */
  static boolean isZip(byte[] head) {
    return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
  }

  /** The first 4 bytes of a file (zeros past its end). */
  static byte[] head(FileSystem fs, FileStatus file) throws IOException {
    byte[] head = new byte[4];
    try (FSDataInputStream in = fs.open(file.getPath())) {
      in.readFully(0, head, 0, (int) Math.min(4, file.getLen()));
    }
    return head;
  }

  /** Whether a file under {@code root} lies in (or is) a file or directory Spark skips by its name. */
  private static boolean hidden(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      if (skipped(p.getName())) {
        return true;
      }
    }
    return false;
  }

  /** Whether Spark skips a file or directory of this name when it lists an input (its own rule). */
  static boolean skipped(String name) {
    boolean exclude = name.startsWith("_") && !name.contains("=") || name.startsWith(".")
        || name.endsWith("._COPYING_");
    return exclude && !name.startsWith("_common_metadata") && !name.startsWith("_metadata");
  }
}
