package sparkgru.jobs.io;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import sparkgru.engine.model.EpochListener;
import sparkgru.jobs.io.AtomicFiles;

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
}
