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
import sparkgru.jobs.io.HadoopConf;
import sparkgru.jobs.io.OutputPaths;
import sparkgru.jobs.io.TableOutput;

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

  @Mixin
  private OutputOptions output;

  @Option(names = "--backtest", description = "Forecast every window of the test part (split.*, every evaluate.stride "
      + "rows) next to the actual values, instead of the future of every series.")
  private boolean backtest;

  @Option(names = "--future", paramLabel = "PATH", description = "The known-future values (data.future_columns) of "
      + "the window.horizon periods after each series, laid out as the data (series, time, future columns), for a "
      + "model trained with data.future_columns.")
  private String future;

  @Override
  public void run() {
    TableOutput.Target target = output.target();
    Configuration conf = HadoopConf.current();
    List<OutputPaths.Location> outputs = output.locations(conf);
    options.checkOutputs(outputs, conf);
    TrainedModel trained = options.load(conf);
    options.checkOutputs(outputs, trained, conf);
    ForecastJob.requireFuture(trained.evaluationWindows(), backtest, future);
    if (future != null) {
      OutputPaths.requireOutside(outputs, OutputPaths.input("--future", future, conf));
    }
    SparkSession spark = JobSession.start("forecast", trained.config().get(Settings.SPARK_MASTER));
    try {
      ForecastJob.run(spark, trained, target, backtest, future, spec.commandLine().getOut());
    } finally {
      JobSession.stop(spark);
    }
  }
}
