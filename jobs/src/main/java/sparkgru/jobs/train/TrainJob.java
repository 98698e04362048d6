package sparkgru.jobs.train;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import sparkgru.engine.model.EpochListener;
import sparkgru.engine.model.History;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.Sequential;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.data.DataErrors;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.DemoData;
import sparkgru.jobs.forecast.EvaluateJob;
import sparkgru.jobs.forecast.Evaluation;
import sparkgru.jobs.forecast.TrainedModel;
import sparkgru.jobs.data.AtomicFiles;

/**
 * The training job: read (or generate) the data as {@link TrainingData} (training sequences, or
 * time series cut into scaled forecasting windows), train by parameter averaging, report every
 * epoch on the console and in the metrics file, and write the model in the project's own format
 * (atomically), with the fitted scaling for the forecast and evaluate jobs.
 */
public final class TrainJob {
  /** What a run produced. */
  public record Result(History history, Sequential model, TrainSettings settings) {}

  private TrainJob() {}

  /** Runs the job on {@code spark} with {@code config}, printing to {@code out}. */
  public static Result run(SparkSession spark, JobConfig config, PrintWriter out) {
    return run(spark, config, out, false);
  }

  /**
   * Runs the job; with {@code resume}, continues from the newest readable checkpoint under
   * {@code checkpoint.path} (from scratch when there is none yet).
   */
  @SuppressWarnings("unchecked")
  public static Result run(SparkSession spark, JobConfig config, PrintWriter out, boolean resume) {
    String checkpointPath = config.get("checkpoint.path");
    if (resume && checkpointPath.isEmpty()) {
      throw new IllegalArgumentException("--resume needs checkpoint.path: the directory the interrupted run wrote its "
          + "checkpoints to");
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = config.integer("train.partitions", 0, 1_000_000);
    if (partitions == 0) {
      partitions = jsc.defaultParallelism();
    }
    long seed = config.longValue("train.seed");
    int features = config.windowed() ? config.windowSpec().inputs().size()
        : config.get("data.source").equals("demo") ? DemoData.FEATURES.size() : config.list("data.feature_columns").size();
    int outputs = config.windowed() ? config.outputs()
        : config.get("data.source").equals("demo") ? DemoData.TARGETS.size() : config.list("data.target_columns").size();
    TrainSettings settings = config.trainSettings(features, outputs);
    Sequential model = settings.buildModel();
    int[] outShape = model.outputShape();
    AtomicFiles.prepare(config.get("output.model"), "output.model", jsc.hadoopConfiguration());
    AtomicFiles.prepare(config.get("output.metrics"), "output.metrics", jsc.hadoopConfiguration());
    if (!config.get("output.report").isEmpty()) {
      if (!config.windowed()) {
        throw new IllegalArgumentException("output.report plots forecasts of series; it needs data.format=long, wide "
            + "or m4, not sequences");
      }
      AtomicFiles.prepare(config.get("output.report"), "output.report", jsc.hadoopConfiguration());
    }
    JsonLinesWriter metrics = new JsonLinesWriter(config.get("output.metrics"), jsc.hadoopConfiguration());
    EpochListener listener = new ConsolePrinter(out, settings.epochs()).andThen(metrics);
    Checkpoints checkpoints = checkpointPath.isEmpty() ? null : new Checkpoints(checkpointPath, jsc.hadoopConfiguration());
    TrainingState start = null;
    if (!resume && checkpoints != null && checkpoints.any()) {
      throw new IllegalArgumentException("checkpoint.path " + checkpointPath + " already holds checkpoints of an "
          + "earlier run; continue it with --resume, or choose an empty directory");
    }
    if (resume) {
      Checkpoints.Restored restored = checkpoints.latest().orElse(null);
      if (restored == null) {
        out.println("no checkpoint in " + checkpointPath + " yet: starting from scratch");
      } else {
        Object earlier = restored.provenance().get("config");
        config.requireResumableFrom(earlier instanceof Map<?, ?> m ? (Map<String, ?>) m : Map.of(),
            restored.path().toString());
        start = restored.state();
        out.println("resuming after epoch " + start.epoch() + " from " + restored.path());
        for (int e = 0; e < start.history().epochs().size(); e++) {
          metrics.onEpochEnd(e + 1, start.history().epochs().get(e));
        }
      }
    }
    Map<String, Object> provenance = new LinkedHashMap<>();
    TrainingData data = config.windowed()
        ? TrainingData.series(spark, config, partitions, outShape, provenance)
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
    provenance.put("engine", sparkgru.jobs.Main.VERSION);
    provenance.put("spark", spark.version());
    provenance.put("java", System.getProperty("java.version"));
    provenance.put("data", origin);
    provenance.put("seed", seed);
    provenance.put("partitions", partitions);
    provenance.put("config", config.effectiveValues());
    int interval = config.integer("checkpoint.interval", 1, 1_000_000);
    Sequential scratch = settings.model().build(seed);
    Consumer<TrainingState> afterEpoch = checkpoints == null ? null : state -> {
      if (state.epoch() % interval == 0 || state.epoch() == settings.epochs()) {
        checkpoints.write(state, settings.model(), scratch, provenance);
      }
    };
    try {
      History history = new DistributedTrainer(jsc, settings).listener(listener).callbacks(callbacks(config))
          .resumeFrom(start).afterEpoch(afterEpoch).rounds(progress(config)).fit(model, train, validation);
      provenance.put("created", Instant.now().toString());
      provenance.put("history", new ArrayList<>(history.epochs()));
      byte[] file = ModelFile.write(settings.model(), model, provenance);
      AtomicFiles.write(new Path(config.get("output.model")), jsc.hadoopConfiguration(), file);
      out.println("model written to " + config.get("output.model"));
      if (config.windowed()) {
        report(spark, config, new TrainedModel(config.get("output.model"), file, config, data.scaler()), out);
      }
      out.flush();
      return new Result(history, model, settings);
    } catch (Exception e) {
      throw DataErrors.rethrow(e);
    } finally {
      train.unpersist(false);
      if (validation != null) {
        validation.unpersist(false);
      }
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
      out.println("no " + part.name().toLowerCase(java.util.Locale.ROOT) + " window to compare the model with the "
          + "baselines on");
      return;
    }
    out.println(part.name().toLowerCase(java.util.Locale.ROOT) + " windows (" + r.windows()
        + "), model against baselines:");
    out.print(EvaluateJob.table(r));
    String path = config.get("output.report");
    if (!path.isEmpty()) {
      byte[] png;
      try {
        png = EvaluateJob.plot(trained, r, "spark-gru train: " + config.get("output.model"));
      } catch (IllegalStateException e) {
        // The model is written; a missing font should not fail the run that trained it.
        out.println("spark-gru: warning: report not written: " + e.getMessage());
        return;
      }
      AtomicFiles.write(new Path(path), spark.sparkContext().hadoopConfiguration(), png);
      out.println("report written to " + path);
    }
  }

  /** Early stopping and learning-rate reduction, when their monitor keys are set. */
  static List<TrainingCallback> callbacks(JobConfig config) {
    List<TrainingCallback> out = new ArrayList<>();
    String stop = config.get("early_stopping.monitor");
    if (!stop.isEmpty()) {
      out.add(new EarlyStopping(stop, config.fraction("early_stopping.min_delta", 0, Double.MAX_VALUE),
          config.integer("early_stopping.patience", 0, 1_000_000), config.bool("early_stopping.restore_best_weights"))
          .callback());
    }
    String reduce = config.get("reduce_lr.monitor");
    if (!reduce.isEmpty()) {
      out.add(new ReduceLrOnPlateau(reduce, config.fraction("reduce_lr.factor", 0, 1),
          config.integer("reduce_lr.patience", 0, 1_000_000), config.fraction("reduce_lr.min_delta", 0, Double.MAX_VALUE),
          config.integer("reduce_lr.cooldown", 0, 1_000_000), config.fraction("reduce_lr.min_lr", 0, Double.MAX_VALUE))
          .callback());
    }
    return out;
  }

  /**
   * A progress bar of the rounds within each epoch on stderr, when {@code output.progress} is on
   * and stderr is a terminal (never in logs or tests); else null.
   */
  static DistributedTrainer.RoundListener progress(JobConfig config) {
    if (!config.bool("output.progress") || System.console() == null) {
      return null;
    }
    return new DistributedTrainer.RoundListener() {
      private me.tongfei.progressbar.ProgressBar bar;

      @Override
      public void roundDone(int epoch, int done, int rounds) {
        if (bar == null) {
          bar = new me.tongfei.progressbar.ProgressBarBuilder().setTaskName("epoch " + epoch).setInitialMax(rounds)
              .setUnit(" rounds", 1).continuousUpdate().build();
        }
        bar.stepTo(done);
        if (done == rounds) {
          bar.close();
          bar = null;
        }
      }
    };
  }
}
