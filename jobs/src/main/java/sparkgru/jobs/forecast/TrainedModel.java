package sparkgru.jobs.forecast;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.model.ModelFile;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.io.HadoopFiles;
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

  /** Reads a model file from any Hadoop path and checks that it is a forecasting model. */
  @SuppressWarnings("unchecked")
  public static TrainedModel read(String path, List<String> overrides, Configuration conf) {
    byte[] bytes;
    try {
      bytes = HadoopFiles.readAll(path, "model", conf);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(e.getMessage() + (e.getMessage().endsWith("(or is a directory)")
          ? "; train one with bin/spark-gru train" : ""), e);
    }
    ModelFile.Loaded loaded = ModelFile.read(bytes, path);
    Object stored = loaded.provenance().get("config");
    if (!(stored instanceof Map<?, ?> config)) {
      throw new InvalidInputException(path + " holds no training configuration; it was not written by the train "
          + "job");
    }
    JobConfig applied = JobConfig.applying((Map<String, ?>) config, path, overrides);
    Object scaling = loaded.provenance().get("scaling");
    if (scaling == null) {
      throw new InvalidInputException(path + " holds no fitted scaling; it was not written by the train job");
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
