package sparkgru.jobs;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;
import sparkgru.jobs.forecast.TrainedModel;

/** The options of the commands that apply a trained forecaster: the model, its input and overrides. */
final class ModelOptions {
  @Option(names = "--model", required = true, paramLabel = "PATH", description = "The trained model (any Hadoop "
      + "path).")
  private String model;

  @Option(names = "--input", paramLabel = "PATH", description = "The series (default: the training data.path), in "
      + "the training data's layout; sets data.path.")
  private String input;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a data, split or evaluate key of the "
      + "model's configuration, e.g. --set data.source=parquet or --set evaluate.season=24 (repeatable).")
  private List<String> overrides = new ArrayList<>();

  /** Reads the model with the overrides (and --input as data.path). */
  TrainedModel load() {
    List<String> sets = new ArrayList<>(overrides);
    if (input != null) {
      sets.add("data.path=" + input);
    }
    return TrainedModel.read(model, sets, new Configuration());
  }
}
