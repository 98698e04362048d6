package sparkgru.jobs.forecast;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.model.ModelFile;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.config.Settings;
import sparkgru.jobs.io.HadoopFiles;
import sparkgru.jobs.data.Scaler;
import sparkgru.jobs.data.StaticEncoding;
import sparkgru.jobs.data.TimeSteps;
import sparkgru.jobs.data.WindowSpec;

/**
 * A forecasting model as the train job wrote it: the model file's bytes (shipped to executors
 * as they are), the configuration it was trained with (plus the overrides allowed when applying
 * it), its fitted scaling and the time steps of its training series.
 *
 * @param name   the model file's path, for messages
 * @param bytes  the model file
 * @param config the training configuration with the application's overrides
 * @param scaler the fitted scaling
 * @param steps  the time steps of the training series, null when the file does not record them
 * @param statics the fitted encoding of its static covariates, null when it has none
 */
public record TrainedModel(String name, byte[] bytes, JobConfig config, Scaler scaler, TimeSteps steps,
    StaticEncoding statics) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Reads a model file from any Hadoop path and checks that it is a forecasting model. */
  public static TrainedModel read(String path, List<String> overrides, Configuration conf) {
    byte[] bytes;
    try {
      bytes = HadoopFiles.readAll(path, "model", conf);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(e.getMessage() + (e.getMessage().endsWith("(or is a directory)")
          ? "; train one with bin/spark-gru train" : ""), e);
    }
    ModelFile.Loaded loaded = ModelFile.read(bytes, path);
    Map<String, String> config = loaded.provenance().config();
    if (config == null) {
      throw new InvalidInputException(path + " holds no training configuration; it was not written by the train "
          + "job");
    }
    JobConfig applied = JobConfig.applying(config, path, overrides);
    Object scaling = loaded.provenance().scaling();
    if (scaling == null) {
      throw new InvalidInputException(path + " holds no fitted scaling; it was not written by the train job");
    }
    Scaler scaler = Scaler.fromJson(scaling, path);
    Object covariates = loaded.provenance().covariates();
    if (covariates == null && !applied.windowSpec().covariates().statics().isEmpty()) {
      throw new InvalidInputException(path + " holds no fitted encoding of its static covariates; it was not written "
          + "by the train job");
    }
    TrainedModel m = new TrainedModel(path, bytes, applied, scaler,
        TimeSteps.fromJson(loaded.provenance().timeSteps()),
        covariates == null ? null : StaticEncoding.fromJson(covariates, path));
    m.forecaster();
    return m;
  }

  /** The window spec the model was trained for, its static covariates encoded as in training. */
  public WindowSpec spec() {
    return config.windowSpec().withStaticEncoding(statics);
  }

  /** The windows of backtests and evaluations: {@link #spec()} every {@code evaluate.stride} rows. */
  public WindowSpec evaluationWindows() {
    return config.evaluationWindows().withStaticEncoding(statics);
  }

  /** The per-epoch logs of its training, as stored in the file, without the logs that were not numbers. */
  public List<Map<String, Double>> history() {
    List<Map<String, Double>> epochs = ModelFile.read(bytes, name).provenance().history();
    if (epochs == null) {
      return List.of();
    }
    return epochs.stream().map(e -> {
      Map<String, Double> out = new LinkedHashMap<>();
      e.forEach((k, v) -> {
        if (!v.isNaN()) {
          out.put(k, v);
        }
      });
      return out;
    }).toList();
  }

  /** A forecaster of a fresh copy of the model (one per task: models are not thread-safe). */
  public Forecaster forecaster() {
    ModelFile.Loaded loaded = ModelFile.read(bytes, name);
    return new Forecaster(loaded.model(), loaded.spec().features(), spec(),
        config.get(Settings.FORECAST_BATCH_SIZE));
  }
}
