package sparkgru.jobs.forecast;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import sparkgru.engine.model.ModelFile;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.data.Scaler;
import sparkgru.jobs.data.WindowSpec;

/**
 * A forecasting model as the train job wrote it: the model file's bytes (shipped to executors
 * as they are), the configuration it was trained with (plus the overrides allowed when applying
 * it) and its fitted scaling.
 *
 * @param name   the model file's path, for messages
 * @param bytes  the model file
 * @param config the training configuration with the application's overrides
 * @param scaler the fitted scaling
 */
public record TrainedModel(String name, byte[] bytes, JobConfig config, Scaler scaler) implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Largest model file read, 2 GiB minus a little (one Java array). */
  private static final long MAX_BYTES = Integer.MAX_VALUE - 64;

  /** Reads a model file from any Hadoop path and checks that it is a forecasting model. */
  @SuppressWarnings("unchecked")
  public static TrainedModel read(String path, List<String> overrides, Configuration conf) {
    byte[] bytes;
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p) || fs.getFileStatus(p).isDirectory()) {
        throw new IllegalArgumentException("model " + path + " does not exist (or is a directory); train one with "
            + "bin/spark-gru train");
      }
      if (fs.getFileStatus(p).getLen() > MAX_BYTES) {
        throw new IllegalArgumentException("model " + path + " is larger than 2 GiB; not a spark-gru model file");
      }
      try (InputStream in = fs.open(p)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        bytes = out.toByteArray();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read model " + path + ": " + e.getMessage(), e);
    }
    ModelFile.Loaded loaded = ModelFile.read(bytes, path);
    Object stored = loaded.provenance().get("config");
    if (!(stored instanceof Map<?, ?> config)) {
      throw new IllegalArgumentException(path + " holds no training configuration; it was not written by the train "
          + "job");
    }
    JobConfig applied = JobConfig.applying((Map<String, ?>) config, path, overrides);
    Object scaling = loaded.provenance().get("scaling");
    if (scaling == null) {
      throw new IllegalArgumentException(path + " holds no fitted scaling; it was not written by the train job");
    }
    Scaler scaler = Scaler.fromJson(scaling, path);
    TrainedModel m = new TrainedModel(path, bytes, applied, scaler);
    m.forecaster();
    return m;
  }

  /** The window spec the model was trained for. */
  public WindowSpec spec() {
    return config.windowSpec();
  }

  /** The per-epoch logs of its training, as stored in the file. */
  @SuppressWarnings("unchecked")
  public List<Map<String, Double>> history() {
    Object h = ModelFile.read(bytes, name).provenance().get("history");
    if (!(h instanceof List<?> epochs)) {
      return List.of();
    }
    return epochs.stream().filter(Map.class::isInstance).map(e -> {
      Map<String, Double> out = new java.util.LinkedHashMap<>();
      ((Map<String, Object>) e).forEach((k, v) -> {
        if (v instanceof Number n) {
          out.put(k, n.doubleValue());
        }
      });
      return out;
    }).toList();
  }

  /** A forecaster of a fresh copy of the model (one per task: models are not thread-safe). */
  public Forecaster forecaster() {
    ModelFile.Loaded loaded = ModelFile.read(bytes, name);
    return new Forecaster(loaded.model(), loaded.spec().features(), spec(),
        config.integer("forecast.batch_size", 1, 1 << 20));
  }
}
