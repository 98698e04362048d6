package sparkgru.jobs;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.config.Settings;
import sparkgru.jobs.forecast.TrainedModel;
import sparkgru.jobs.io.OutputPaths;

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

  /**
   * Refuses {@code outputs} (qualified, named by their options) that are the same path, lie
   * inside one another, or are (or lie inside) {@code --model} or {@code --input}; before the
   * model is read.
   */
  void checkOutputs(List<OutputPaths.Location> outputs, Configuration conf) {
    OutputPaths.requireSeparate(outputs);
    List<OutputPaths.Location> inputs = new ArrayList<>(OutputPaths.at("--model", model, conf));
    if (input != null) {
      inputs.addAll(OutputPaths.input("--input", input, conf));
    }
    OutputPaths.requireOutside(outputs, inputs);
  }

  /**
   * Refuses {@code outputs} that are (or lie inside) what the model's {@code data.path} reads,
   * when {@code --input} does not replace it.
   */
  void checkOutputs(List<OutputPaths.Location> outputs, TrainedModel trained, Configuration conf) {
    if (input == null && trained.config().dataInput().readsPath()) {
      OutputPaths.requireOutside(outputs, OutputPaths.input("data.path", trained.config().get(Settings.DATA_PATH),
          conf));
    }
  }

  /**
   * Reads the model through {@code conf} with the overrides (and --input as data.path); refuses
   * --input for a model that reads a table, whose input is no path.
   */
  TrainedModel load(Configuration conf) {
    List<String> sets = new ArrayList<>(overrides);
    if (input != null) {
      sets.add("data.path=" + input);
    }
    TrainedModel trained = TrainedModel.read(model, sets, conf);
    if (input != null && trained.config().get(Settings.DATA_SOURCE).equals("table")) {
      throw new InvalidInputException("--input names a path, but " + model + " reads data.source=table; name the "
          + "table with --set data.table=NAME");
    }
    return trained;
  }
}
