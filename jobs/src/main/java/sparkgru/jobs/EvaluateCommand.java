package sparkgru.jobs;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.config.Settings;
import sparkgru.jobs.data.Folds;
import sparkgru.jobs.forecast.EvaluateJob;
import sparkgru.jobs.forecast.TrainedModel;
import sparkgru.jobs.io.HadoopConf;
import sparkgru.jobs.io.OutputPaths;

/** {@code spark-gru evaluate}: load a trained forecaster, run {@link EvaluateJob}. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Backtest a model written by `train` on series: forecast every test window (or the windows of "
        + "--folds rolling origins, or the steps after each series against --actuals) and compare with the naive, "
        + "seasonal naive and mean baselines.")
final class EvaluateCommand implements Runnable {
  @Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  private ModelOptions options;

  @Option(names = "--actuals", paramLabel = "PATH", description = "The window.horizon values that followed each "
      + "series, in the same layout and data source (e.g. M4's *-test.csv; a table name with data.source=table): "
      + "scores the forecasts after the end of each series instead of the test part.")
  private String actuals;

  @Option(names = "--folds", paramLabel = "K", description = "Rolling-origin cross-validation without refitting, "
      + "as StatsForecast's cross_validation(h, n_windows=K): score K windows of window.horizon steps per series, "
      + "the last ending at its last row, each earlier one --fold-step rows before the next; metrics per fold and "
      + "over all folds. In [1, " + Folds.MAX_COUNT + "].")
  private Integer folds;

  @Option(names = "--fold-step", paramLabel = "N", description = "With --folds: rows between the folds' origins "
      + "(step_size), in [1, " + Folds.MAX_STEP + "]; default window.horizon.")
  private Integer foldStep;

  @Option(names = "--report", paramLabel = "PATH", description = "Write the metrics as JSON here.")
  private String report;

  @Option(names = "--plot", paramLabel = "PATH", description = "Write a PNG report here: loss curves and a few "
      + "forecast windows.")
  private String plot;

  @Override
  public void run() {
    if (foldStep != null && folds == null) {
      throw new InvalidInputException("--fold-step is for --folds: give --folds K to score K rolling origins "
          + "--fold-step rows apart");
    }
    if (folds != null && actuals != null) {
      throw new InvalidInputException("--folds and --actuals are mutually exclusive: --actuals scores the one window "
          + "after each series against its actual values, --folds scores windows counted back from the end of each "
          + "series of the model's data; give one");
    }
    Configuration conf = HadoopConf.current();
    List<OutputPaths.Location> outputs = new ArrayList<>();
    if (report != null) {
      outputs.addAll(OutputPaths.at("--report", report, conf));
    }
    if (plot != null) {
      outputs.addAll(OutputPaths.at("--plot", plot, conf));
    }
    options.checkOutputs(outputs, conf);
    if (actuals != null) {
      OutputPaths.requireOutside(outputs, OutputPaths.input("--actuals", actuals, conf));
    }
    TrainedModel trained = options.load(conf);
    options.checkOutputs(outputs, trained, conf);
    Folds rolling = folds == null ? null
        : new Folds(folds, foldStep == null ? trained.config().evaluationWindows().horizon() : foldStep);
    SparkSession spark = JobSession.start("evaluate", trained.config().get(Settings.SPARK_MASTER));
    try {
      EvaluateJob.run(spark, trained, actuals, rolling, report, plot, spec.commandLine().getOut());
    } finally {
      JobSession.stop(spark);
    }
  }
}
