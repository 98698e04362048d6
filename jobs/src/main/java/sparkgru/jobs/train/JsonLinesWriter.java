package sparkgru.jobs.train;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import sparkgru.engine.model.EpochListener;

/**
 * Keeps the per-epoch logs as a JSON-lines file on any Hadoop file system,
 * {@code {"epoch": 1, "loss": 0.5, ...}} per line. The whole file is rewritten through a
 * temporary file and a rename after each epoch, so a reader never sees a half-written line.
 */
public final class JsonLinesWriter implements EpochListener {
  private final Path path;
  private final Configuration conf;
  private final StringBuilder lines = new StringBuilder();

  /** Writes to {@code path}. */
  public JsonLinesWriter(String path, Configuration conf) {
    this.path = new Path(path);
    this.conf = conf;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    StringBuilder sb = new StringBuilder("{\"epoch\": ").append(epoch);
    logs.forEach((k, v) -> sb.append(", \"").append(k).append("\": ")
        .append(Double.isFinite(v) ? String.format(Locale.ROOT, "%.8g", v) : "null"));
    lines.append(sb).append("}\n");
    AtomicFiles.write(path, conf, lines.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Atomic whole-file writes through the Hadoop FileSystem API. */
  public static final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes {@code bytes} to a temporary sibling, then renames it over {@code path}. */
    public static void write(Path path, Configuration conf, byte[] bytes) {
      try {
        FileSystem fs = path.getFileSystem(conf);
        Path tmp = new Path(path.getParent(), "." + path.getName() + ".tmp");
        try (OutputStream out = fs.create(tmp, true)) {
          out.write(bytes);
        }
        if (fs.exists(path) && !fs.delete(path, false)) {
          throw new IOException("cannot replace " + path);
        }
        if (!fs.rename(tmp, path)) {
          throw new IOException("cannot rename " + tmp + " to " + path);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
      }
    }
  }
}
