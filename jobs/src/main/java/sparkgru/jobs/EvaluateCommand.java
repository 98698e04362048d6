package sparkgru.jobs;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparkgru.jobs.forecast.EvaluateJob;
import sparkgru.jobs.forecast.TrainedModel;

/** {@code spark-gru evaluate}: load a trained forecaster, run {@link EvaluateJob}. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Backtest a model written by `train` on series: forecast every test window (or the steps after "
        + "each series against --actuals) and compare with the naive, seasonal naive and mean baselines.")
final class EvaluateCommand implements Runnable {
  @Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "PATH", description = "The trained model (any Hadoop "
      + "path).")
  private String model;

  @Option(names = "--input", paramLabel = "PATH", description = "The series (default: the training data.path); "
      + "sets data.path.")
  private String input;

  @Option(names = "--actuals", paramLabel = "PATH", description = "The window.horizon values that followed each "
      + "series, in the same layout (e.g. M4's *-test.csv): scores the forecasts after the end of each series "
      + "instead of the test part.")
  private String actuals;

  @Option(names = "--report", paramLabel = "PATH", description = "Write the metrics as JSON here.")
  private String report;

  @Option(names = "--plot", paramLabel = "PATH", description = "Write a PNG report here: loss curves and a few "
      + "forecast windows.")
  private String plot;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a data, split or evaluate key, e.g. "
      + "--set evaluate.season=24 (repeatable).")
  private List<String> overrides = new ArrayList<>();

  @Override
  public void run() {
    List<String> sets = new ArrayList<>(overrides);
    if (input != null) {
      sets.add("data.path=" + input);
    }
    TrainedModel trained = TrainedModel.read(model, sets, new org.apache.hadoop.conf.Configuration());
    SparkSession spark = JobSession.start("spark-gru evaluate", trained.config().get("spark.master"));
    try {
      EvaluateJob.run(spark, trained, actuals, report, plot, spec.commandLine().getOut());
    } finally {
      spark.stop();
    }
  }
}
