package sparkgru.jobs.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import sparkgru.engine.errors.InvalidInputException;

/** Whole-file reads of model files through the Hadoop FileSystem API. */
public final class HadoopFiles {
  /** Largest file read whole: one Java array. */
  private static final long MAX_BYTES = Integer.MAX_VALUE - 64;

  private HadoopFiles() {}

  /** The bytes of {@code path}; {@code what} names it in messages ("model", ...). */
  public static byte[] readAll(String path, String what, Configuration conf) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p) || fs.getFileStatus(p).isDirectory()) {
        throw new InvalidInputException(what + " " + path + " does not exist (or is a directory)");
      }
      if (fs.getFileStatus(p).getLen() > MAX_BYTES) {
        throw new InvalidInputException(what + " " + path + " is larger than 2 GiB");
      }
      try (InputStream in = fs.open(p)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
      }
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + what + " " + path + ": " + e.getMessage(), e);
    }
  }
}
