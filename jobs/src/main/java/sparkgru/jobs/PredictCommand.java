package sparkgru.jobs;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparkgru.jobs.config.MasterUrl;
import sparkgru.jobs.config.Settings;
import sparkgru.jobs.io.HadoopConf;
import sparkgru.jobs.io.OutputPaths;
import sparkgru.jobs.io.TableOutput;
import sparkgru.jobs.predict.PredictJob;

/** {@code spark-gru predict}: run {@link PredictJob}. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Run a model (spark-gru's own, a Keras .keras or legacy .h5 file) over sequences in long format "
        + "(sequence_id, step, x0, x1, ...; CSV or Parquet) on Spark (local unless run by spark-submit).")
final class PredictCommand implements Runnable {
  @Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "PATH", description = "The model (any Hadoop path).")
  private String model;

  @Option(names = "--input", required = true, paramLabel = "PATH", description = "The sequences: a .csv file (with "
      + "a header) or a Parquet path.")
  private String input;

  @Mixin
  private OutputOptions output;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit "
      + "(default: ${DEFAULT-VALUE}).")
  private String master = Settings.SPARK_MASTER.defaultText();

  @Override
  public void run() {
    String checked = MasterUrl.check("--master", master);
    TableOutput.Target target = output.target();
    Configuration conf = HadoopConf.current();
    List<OutputPaths.Location> outputs = output.locations(conf);
    List<OutputPaths.Location> inputs = new ArrayList<>(OutputPaths.at("--model", model, conf));
    inputs.addAll(OutputPaths.input("--input", input, conf));
    OutputPaths.requireOutside(outputs, inputs);
    SparkSession spark = JobSession.start("predict", checked);
    try {
      PredictJob.run(spark, model, input, target, spec.commandLine().getOut());
    } finally {
      JobSession.stop(spark);
    }
  }
}
