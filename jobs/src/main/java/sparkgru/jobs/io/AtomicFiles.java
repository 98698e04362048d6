package sparkgru.jobs.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import sparkgru.engine.errors.InvalidInputException;

/** Atomic whole-file writes through the Hadoop FileSystem API (models, checkpoints, metrics). */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Writes {@code bytes} to a uniquely named hidden sibling, then renames it over {@code path}
   * in one step: readers see the old file or the new one, never a part and never none. On local
   * disks that is the operating system's rename ({@code ATOMIC_MOVE}; Hadoop's local file system
   * deletes the old file before it renames); elsewhere {@code Rename.OVERWRITE} of
   * {@code FileContext}, atomic on HDFS. The temporary file is removed if anything fails.
   */
  public static void write(Path path, Configuration conf, byte[] bytes) {
    Path tmp = new Path(path.getParent(), "." + path.getName() + "." + UUID.randomUUID() + ".tmp");
    try {
      FileSystem fs = path.getFileSystem(conf);
      fs.setWriteChecksum(false);
      try (OutputStream out = fs.create(tmp, false)) {
        out.write(bytes);
      }
      try {
        if ("file".equals(fs.makeQualified(path).toUri().getScheme())) {
          Files.move(java.nio.file.Path.of(fs.makeQualified(tmp).toUri()),
              java.nio.file.Path.of(fs.makeQualified(path).toUri()), StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } else {
          FileContext.getFileContext(path.toUri(), conf).rename(tmp, path, Options.Rename.OVERWRITE);
        }
      } finally {
        if (fs.exists(tmp)) {
          fs.delete(tmp, false);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  /** Creates the parent directory of {@code path} now, so an unwritable output fails before training. */
  public static void prepare(String path, String key, Configuration conf) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (p.getParent() != null && !fs.mkdirs(p.getParent())) {
        throw new IOException("mkdirs failed");
      }
      Path probe = new Path(p.getParent(), "." + p.getName() + "." + UUID.randomUUID() + ".probe");
      fs.create(probe, false).close();
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(key + " " + path + " is not writable: " + e.getMessage(), e);
    }
  }
}
