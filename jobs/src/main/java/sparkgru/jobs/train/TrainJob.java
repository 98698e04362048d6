package sparkgru.jobs.train;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.model.EpochListener;
import sparkgru.engine.model.History;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.Sequential;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.config.Setting;
import sparkgru.jobs.config.Settings;
import sparkgru.jobs.config.TrainSettings;
import sparkgru.jobs.data.PackedPartition;
import sparkgru.jobs.io.DataErrors;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.DemoData;
import sparkgru.jobs.data.StaticEncoding;
import sparkgru.jobs.data.TimeSteps;
import sparkgru.jobs.forecast.EvaluateJob;
import sparkgru.jobs.forecast.Evaluation;
import sparkgru.jobs.forecast.TrainedModel;
import sparkgru.jobs.io.AtomicFiles;
import sparkgru.jobs.io.JsonLinesWriter;
import sparkgru.jobs.io.OutputPaths;
import sparkgru.jobs.io.RunFailedException;
import sparkgru.jobs.io.RunLock;
import sparkgru.jobs.spark.SparkJobs;

/**
 * The training job: read (or generate) the data as {@link TrainingData} (training sequences, or
 * time series cut into scaled forecasting windows), train by parameter averaging, report every
 * epoch on the console and in the metrics file, and write the model in the project's own format
 * (atomically), with the fitted scaling for the forecast and evaluate jobs.
 */
public final class TrainJob {
  /** What a run produced. */
  public record Result(History history, Sequential model, TrainSettings settings) {}

  /** The lock file's name in {@code checkpoint.path}. */
  public static final String CHECKPOINT_LOCK = "spark-gru.lock";

  private TrainJob() {}

  /** Runs the job on {@code spark} with {@code config}, printing to {@code out}. */
  public static Result run(SparkSession spark, JobConfig config, PrintWriter out) {
    return run(spark, config, out, false);
  }

  /**
   * Runs the job; with {@code resume}, continues from the newest readable checkpoint under
   * {@code checkpoint.path} (from scratch when there is none yet). The run holds its lock files
   * ({@link RunLock}: {@code <output.model>.lock}, and {@value #CHECKPOINT_LOCK} in
   * {@code checkpoint.path}) from before its first write until it ends, failed or not: a run that
   * finds one held is refused before any work.
   */
  public static Result run(SparkSession spark, JobConfig config, PrintWriter out, boolean resume) {
    SparkJobs.label(spark.sparkContext(), "train", "reading and windowing the data");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = config.get(Settings.TRAIN_PARTITIONS);
    if (partitions == 0) {
      partitions = jsc.defaultParallelism();
    }
    StaticEncoding statics = config.windowed() ? TrainingData.staticEncoding(spark, config) : null;
    int features = config.windowed() ? config.windowSpec().withStaticEncoding(statics).stepWidth()
        : config.get(Settings.DATA_SOURCE).equals("demo") ? DemoData.FEATURES.size()
        : config.get(Settings.DATA_FEATURE_COLUMNS).size();
    int outputs = config.windowed() ? config.outputs()
        : config.get(Settings.DATA_SOURCE).equals("demo") ? DemoData.TARGETS.size()
        : config.get(Settings.DATA_TARGET_COLUMNS).size();
    checkPaths(config, jsc.hadoopConfiguration());
    TrainSettings settings = config.trainSettings(features, outputs);
    Sequential model = settings.buildModel();
    AtomicFiles.prepare(config.get(Settings.OUTPUT_MODEL), "output.model", jsc.hadoopConfiguration());
    AtomicFiles.prepare(config.get(Settings.OUTPUT_METRICS), "output.metrics", jsc.hadoopConfiguration());
    if (!config.get(Settings.OUTPUT_REPORT).isEmpty()) {
      if (!config.windowed()) {
        throw new InvalidInputException("output.report plots forecasts of series; it needs data.format=long, wide "
            + "or m4, not sequences");
      }
      AtomicFiles.prepare(config.get(Settings.OUTPUT_REPORT), "output.report", jsc.hadoopConfiguration());
    }
    RunLock lock = RunLock.acquire(locks(config), RunLock.Owner.current(jsc.sc().applicationId()),
        jsc.hadoopConfiguration());
    try {
      return train(spark, jsc, config, out, resume, partitions, settings, model, statics);
    } finally {
      lock.close();
    }
  }

  /** The lock files of a run: beside the model and, when set, in {@code checkpoint.path}. */
  private static List<RunLock.Target> locks(JobConfig config) {
    List<RunLock.Target> locks = new ArrayList<>();
    locks.add(new RunLock.Target(Settings.OUTPUT_MODEL.name(), config.get(Settings.OUTPUT_MODEL) + ".lock"));
    if (!config.get(Settings.CHECKPOINT_PATH).isEmpty()) {
      locks.add(new RunLock.Target(Settings.CHECKPOINT_PATH.name(),
          new Path(config.get(Settings.CHECKPOINT_PATH), CHECKPOINT_LOCK).toString()));
    }
    return locks;
  }

  private static Result train(SparkSession spark, JavaSparkContext jsc, JobConfig config, PrintWriter out,
      boolean resume, int partitions, TrainSettings settings, Sequential model, StaticEncoding statics) {
    int[] outShape = model.outputShape();
    JsonLinesWriter metrics = new JsonLinesWriter(config.get(Settings.OUTPUT_METRICS), jsc.hadoopConfiguration());
    EpochListener listener = new ConsolePrinter(out, settings.epochs()).andThen(metrics);
    TrainingRun run = TrainingRun.open(jsc, config, resume, out, metrics);
    TrainingData data = config.windowed()
        ? TrainingData.series(spark, config, partitions, outShape, statics)
        : TrainingData.sequences(spark, config, partitions, outShape);
    JavaRDD<PackedPartition> train = data.train();
    JavaRDD<PackedPartition> validation = data.validation();
    String origin = data.origin();
    for (String line : data.notes()) {
      out.println(line);
    }

    out.println("spark-gru train: " + origin + ", " + partitions + " partitions, model " + settings.model().layers()
        .stream().map(l -> l.type() + l.args()).toList() + ", optimizer " + settings.optimizer().name()
        + ", batch " + settings.batchSize() + " per worker, averaging every " + settings.averagingFrequency()
        + " batches");
    out.print(model.summary());
    out.flush();
    try {
      TrainingRun.Trained trained = run.fit(settings, model, train, validation, listener, origin, data.provenance());
      byte[] file = ModelFile.write(settings.model(), model, trained.provenance());
      AtomicFiles.write(new Path(config.get(Settings.OUTPUT_MODEL)), jsc.hadoopConfiguration(), file);
      out.println("model written to " + config.get(Settings.OUTPUT_MODEL));
      if (config.windowed()) {
        report(spark, config, new TrainedModel(config.get(Settings.OUTPUT_MODEL), file, config, data.scaler(),
            TimeSteps.fromJson(data.provenance().timeSteps()), data.statics()), out);
      }
      out.flush();
      return new Result(trained.history(), model, settings);
    } catch (Exception e) {
      throw DataErrors.rethrow(e);
    }
  }

  /**
   * Refuses outputs ({@code output.model}, {@code output.metrics}, {@code output.report},
   * {@code checkpoint.path}) that are the same path or lie inside one another, or inside what
   * {@code data.path} reads. {@link #run} checks first; the command line checks before Spark
   * starts.
   */
  public static void checkPaths(JobConfig config, Configuration conf) {
    List<OutputPaths.Location> outputs = new ArrayList<>();
    for (Setting.Text key : List.of(Settings.OUTPUT_MODEL, Settings.OUTPUT_METRICS, Settings.OUTPUT_REPORT,
        Settings.CHECKPOINT_PATH)) {
      if (!config.get(key).isEmpty()) {
        outputs.addAll(OutputPaths.at(key.name(), config.get(key), conf));
      }
    }
    OutputPaths.requireSeparate(outputs);
    if (config.dataInput().readsPath()) {
      OutputPaths.requireOutside(outputs, OutputPaths.input(Settings.DATA_PATH.name(),
          config.get(Settings.DATA_PATH), conf));
    }
  }

  /**
   * After training on series: the trained model against the baselines on the validation windows
   * (the test windows without validation), and the PNG report when {@code output.report} is set.
   */
  private static void report(SparkSession spark, JobConfig config, TrainedModel trained, PrintWriter out) {
    ChronologicalSplit.Part part = config.hasValidation() ? ChronologicalSplit.Part.VALIDATION
        : ChronologicalSplit.Part.TEST;
    Evaluation r = EvaluateJob.backtest(spark, trained, part);
    if (r.windows() == 0) {
      out.println("no " + part.name().toLowerCase(Locale.ROOT) + " window to compare the model with the "
          + "baselines on");
      return;
    }
    out.println(part.name().toLowerCase(Locale.ROOT) + " windows (" + r.windows()
        + "), model against baselines:");
    out.print(EvaluateJob.table(r));
    String path = config.get(Settings.OUTPUT_REPORT);
    if (!path.isEmpty()) {
      byte[] png;
      try {
        png = EvaluateJob.plot(trained, r, "spark-gru train: " + config.get(Settings.OUTPUT_MODEL));
      } catch (RunFailedException e) {
        // The model is written; a missing font should not fail the run that trained it.
        out.println("spark-gru: warning: report not written: " + e.getMessage());
        return;
      }
      AtomicFiles.write(new Path(path), spark.sparkContext().hadoopConfiguration(), png);
      out.println("report written to " + path);
    }
  }
}
