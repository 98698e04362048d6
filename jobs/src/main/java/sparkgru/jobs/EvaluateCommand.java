package sparkgru.jobs;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparkgru.jobs.config.Settings;
import sparkgru.jobs.forecast.EvaluateJob;
import sparkgru.jobs.forecast.TrainedModel;
import sparkgru.jobs.io.HadoopConf;
import sparkgru.jobs.io.OutputPaths;

/** {@code spark-gru evaluate}: load a trained forecaster, run {@link EvaluateJob}. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Backtest a model written by `train` on series: forecast every test window (or the steps after "
        + "each series against --actuals) and compare with the naive, seasonal naive and mean baselines.")
final class EvaluateCommand implements Runnable {
  @Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  private ModelOptions options;

  @Option(names = "--actuals", paramLabel = "PATH", description = "The window.horizon values that followed each "
      + "series, in the same layout and data source (e.g. M4's *-test.csv; a table name with data.source=table): "
      + "scores the forecasts after the end of each series instead of the test part.")
  private String actuals;

  @Option(names = "--report", paramLabel = "PATH", description = "Write the metrics as JSON here.")
  private String report;

  @Option(names = "--plot", paramLabel = "PATH", description = "Write a PNG report here: loss curves and a few "
      + "forecast windows.")
  private String plot;

  @Override
  public void run() {
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
    SparkSession spark = JobSession.start("evaluate", trained.config().get(Settings.SPARK_MASTER));
    try {
      EvaluateJob.run(spark, trained, actuals, report, plot, spec.commandLine().getOut());
    } finally {
      JobSession.stop(spark);
    }
  }
}
