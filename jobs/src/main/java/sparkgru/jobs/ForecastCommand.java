package sparkgru.jobs;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparkgru.jobs.forecast.ForecastJob;
import sparkgru.jobs.forecast.TrainedModel;

/** {@code spark-gru forecast}: load a trained forecaster, run {@link ForecastJob}. */
@Command(name = "forecast", mixinStandardHelpOptions = true,
    description = "Forecast the next window.horizon steps of every series (or every test window with --backtest), "
        + "on the original scale, with a model written by `train` on series (local Spark unless run by "
        + "spark-submit).")
final class ForecastCommand implements Runnable {
  @Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "PATH", description = "The trained model (any Hadoop "
      + "path).")
  private String model;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "Where to write: a .csv file "
      + "(one file with a header) or a Parquet directory; written completely or not at all.")
  private String output;

  @Option(names = "--input", paramLabel = "PATH", description = "The series (default: the training data.path), in "
      + "the training data's layout; sets data.path.")
  private String input;

  @Option(names = "--backtest", description = "Forecast every window of the test part (split.*, every window.stride "
      + "rows) next to the actual values, instead of the future of every series.")
  private boolean backtest;

  @Option(names = "--overwrite", description = "Replace an existing output.")
  private boolean overwrite;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a data or split key of the model's "
      + "configuration, e.g. --set data.source=parquet (repeatable).")
  private List<String> overrides = new ArrayList<>();

  @Override
  public void run() {
    List<String> sets = new ArrayList<>(overrides);
    if (input != null) {
      sets.add("data.path=" + input);
    }
    TrainedModel trained = TrainedModel.read(model, sets, new org.apache.hadoop.conf.Configuration());
    SparkSession spark = JobSession.start("spark-gru forecast", trained.config().get("spark.master"));
    try {
      ForecastJob.run(spark, trained, output, backtest, overwrite, spec.commandLine().getOut());
    } finally {
      spark.stop();
    }
  }
}
