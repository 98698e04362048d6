package sparkgru.jobs;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparkgru.jobs.config.Settings;
import sparkgru.jobs.forecast.ForecastJob;
import sparkgru.jobs.forecast.TrainedModel;
import sparkgru.jobs.io.OutputPaths;

/** {@code spark-gru forecast}: load a trained forecaster, run {@link ForecastJob}. */
@Command(name = "forecast", mixinStandardHelpOptions = true,
    description = "Forecast the next window.horizon steps of every series (or every test window with --backtest), "
        + "on the original scale, with a model written by `train` on series (local Spark unless run by "
        + "spark-submit).")
final class ForecastCommand implements Runnable {
  @Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  private ModelOptions options;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "Where to write: a .csv file "
      + "(one file with a header) or a Parquet directory; written completely or not at all.")
  private String output;

  @Option(names = "--backtest", description = "Forecast every window of the test part (split.*, every evaluate.stride "
      + "rows) next to the actual values, instead of the future of every series.")
  private boolean backtest;

  @Option(names = "--overwrite", description = "Replace an existing output.")
  private boolean overwrite;

  @Override
  public void run() {
    Configuration conf = new Configuration();
    List<OutputPaths.Location> outputs = OutputPaths.at("--output", output, conf);
    options.checkOutputs(outputs, conf);
    TrainedModel trained = options.load();
    options.checkOutputs(outputs, trained, conf);
    SparkSession spark = JobSession.start("spark-gru forecast", trained.config().get(Settings.SPARK_MASTER));
    try {
      ForecastJob.run(spark, trained, output, backtest, overwrite, spec.commandLine().getOut());
    } finally {
      JobSession.stop(spark);
    }
  }
}
