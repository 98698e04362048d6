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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import sparkgru.engine.model.EpochListener;
import sparkgru.engine.model.History;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.Sequential;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.data.DataErrors;
import sparkgru.jobs.data.DemoData;
import sparkgru.jobs.data.LongFormat;

/**
 * The training job: read (or generate) long-format sequences, split off validation sequences,
 * pack the rest per partition, train by parameter averaging, report every epoch on the console
 * and in the metrics file, and write the model in the project's own format (atomically).
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
    long seed = Long.parseLong(config.get("train.seed"));
    String source = config.get("data.source");
    LongFormat format;
    Dataset<Row> rows;
    String origin;
    if (source.equals("demo")) {
      format = new LongFormat("sequence_id", "step", DemoData.FEATURES, DemoData.TARGETS);
      rows = DemoData.generate(spark, config.integer("demo.sequences", 1, 100_000_000),
          config.integer("demo.steps", 2, 10_000), seed, partitions);
      origin = "demo data";
    } else {
      format = new LongFormat(config.get("data.id_column"), config.get("data.step_column"),
          config.list("data.feature_columns"), config.list("data.target_columns"));
      origin = config.get("data.path");
      requireExists(origin, jsc);
      rows = source.equals("csv")
          ? spark.read().option("header", "true").csv(origin)
          : spark.read().parquet(origin);
    }
    TrainSettings settings = config.trainSettings(format.features().size());
    Sequential model = settings.buildModel();
    int[] outShape = model.outputShape();
    if (outShape[outShape.length - 1] != format.targets().size()) {
      throw new IllegalArgumentException("the model outputs " + outShape[outShape.length - 1] + " values per "
          + (outShape.length == 2 ? "step" : "sequence") + " but there are " + format.targets().size()
          + " target columns " + format.targets() + "; set the last layer's units to " + format.targets().size());
    }
    boolean perStep = outShape.length == 2;
    Dataset<Row> typed = format.select(rows, origin);
    AtomicFiles.prepare(config.get("output.model"), "output.model", jsc.hadoopConfiguration());
    AtomicFiles.prepare(config.get("output.metrics"), "output.metrics", jsc.hadoopConfiguration());
    double validationFraction = config.fraction("data.validation_fraction", 0, 0.9);
    LongFormat.Split split = format.split(typed, validationFraction, seed);
    JavaRDD<PackedPartition> train = format.pack(split.train(), partitions, perStep)
        .persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<PackedPartition> validation = validationFraction > 0
        ? format.pack(split.validation(), partitions, perStep).persist(StorageLevel.MEMORY_AND_DISK())
        : null;

    out.println("spark-gru train: " + origin + ", " + partitions + " partitions, model " + settings.model().layers()
        .stream().map(l -> l.type() + l.args()).toList() + ", optimizer " + settings.optimizer().name()
        + ", batch " + settings.batchSize() + " per worker, averaging every " + settings.averagingFrequency()
        + " batches");
    out.print(model.summary());
    out.flush();
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
      AtomicFiles.write(new Path(config.get("output.model")), jsc.hadoopConfiguration(),
          ModelFile.write(settings.model(), model, provenance));
      out.println("model written to " + config.get("output.model"));
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

  private static void requireExists(String path, JavaSparkContext jsc) {
    try {
      Path p = new Path(path);
      org.apache.hadoop.fs.FileStatus[] matches = p.getFileSystem(jsc.hadoopConfiguration()).globStatus(p);
      if (matches == null || matches.length == 0) {
        throw new IllegalArgumentException("data.path " + path + " does not exist (or matches no file)");
      }
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("data.path " + path + " cannot be read: " + e.getMessage(), e);
    }
  }
}
