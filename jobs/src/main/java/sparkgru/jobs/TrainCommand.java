package sparkgru.jobs;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.config.Settings;
import sparkgru.jobs.io.HadoopConf;
import sparkgru.jobs.train.TrainJob;

/** {@code spark-gru train}: parse the configuration, start (or join) Spark, run {@link TrainJob}. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a GRU model on Spark by parameter averaging (local Spark unless run by spark-submit).")
final class TrainCommand implements Runnable {
  @Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (.properties format; any Hadoop "
      + "path). Without it, the defaults: the demo data set.")
  private String config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a configuration key, e.g. --set "
      + "train.epochs=5 (repeatable).")
  private List<String> overrides = new ArrayList<>();

  @Option(names = "--resume", description = "Continue from the newest checkpoint under checkpoint.path.")
  private boolean resume;

  @Override
  public void run() {
    JobConfig cfg = load();
    TrainJob.checkPaths(cfg, HadoopConf.current());
    SparkSession spark = JobSession.start("train", cfg.get(Settings.SPARK_MASTER));
    try {
      TrainJob.run(spark, cfg, spec.commandLine().getOut(), resume);
    } finally {
      JobSession.stop(spark);
    }
  }

  private JobConfig load() {
    try {
      if (config == null) {
        return JobConfig.load(null, null, overrides);
      }
      Path path = new Path(config);
      FileSystem fs = path.getFileSystem(HadoopConf.current());
      if (!fs.exists(path)) {
        throw new InvalidInputException("configuration file " + config + " does not exist");
      }
      try (Reader reader = new InputStreamReader(fs.open(path), StandardCharsets.UTF_8)) {
        return JobConfig.load(reader, config, overrides);
      }
    } catch (IOException e) {
      throw new InvalidInputException("cannot read configuration file " + config + ": " + e.getMessage(), e);
    }
  }
}
