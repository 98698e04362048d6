package sparkgru.jobs.train;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.model.EpochListener;
import sparkgru.engine.model.History;
import sparkgru.engine.model.Sequential;
import sparkgru.engine.model.Version;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.config.TrainSettings;
import sparkgru.jobs.data.PackedPartition;

/**
 * One parameter-averaging run as a {@link JobConfig} describes it, whoever starts it (the train
 * job or the MLlib estimator): checkpoints under {@code checkpoint.path} every
 * {@code checkpoint.interval} epochs (a fresh run refuses a directory that already holds some;
 * a resumed one continues from the newest readable one, after checking that it was written
 * with the same configuration), early stopping and learning-rate reduction, and the progress
 * bar. {@link #open} does the checks that need no data, so a bad checkpoint directory fails
 * before any data are read.
 */
public final class TrainingRun {
  private final JavaSparkContext spark;
  private final JobConfig config;
  private final Checkpoints checkpoints;
  private final TrainingState start;

  private TrainingRun(JavaSparkContext spark, JobConfig config, Checkpoints checkpoints, TrainingState start) {
    this.spark = spark;
    this.config = config;
    this.checkpoints = checkpoints;
    this.start = start;
  }

  /**
   * Checks the checkpoint directory and, with {@code resume}, restores the newest checkpoint's
   * state, telling {@code out} and replaying its earlier epochs to {@code replay} (may be null).
   */
  @SuppressWarnings("unchecked")
  public static TrainingRun open(JavaSparkContext spark, JobConfig config, boolean resume, PrintWriter out,
      EpochListener replay) {
    String path = config.get("checkpoint.path");
    if (resume && path.isEmpty()) {
      throw new InvalidInputException("--resume needs checkpoint.path: the directory the interrupted run wrote its "
          + "checkpoints to");
    }
    Checkpoints checkpoints = path.isEmpty() ? null : new Checkpoints(path, spark.hadoopConfiguration());
    if (!resume && checkpoints != null && checkpoints.any()) {
      throw new InvalidInputException("checkpoint.path " + path + " already holds checkpoints of an earlier run; "
          + "continue it with --resume, or choose an empty directory");
    }
    TrainingState start = null;
    if (resume) {
      Checkpoints.Restored restored = checkpoints.latest().orElse(null);
      if (restored == null) {
        out.println("no checkpoint in " + path + " yet: starting from scratch");
      } else {
        Object earlier = restored.provenance().get("config");
        config.requireResumableFrom(earlier instanceof Map<?, ?> m ? (Map<String, ?>) m : Map.of(),
            restored.path().toString());
        start = restored.state();
        out.println("resuming after epoch " + start.epoch() + " from " + restored.path());
        for (int e = 0; e < start.history().epochs().size() && replay != null; e++) {
          replay.onEpochEnd(e + 1, start.history().epochs().get(e));
        }
      }
    }
    return new TrainingRun(spark, config, checkpoints, start);
  }

  /**
   * Trains {@code model} (built by {@code settings}) on the packed partitions ({@code validation}
   * may be null), telling {@code listener} every epoch. Records in {@code provenance} (which
   * checkpoints and the model file carry) the versions, {@code data} (where the data came
   * from), seed, partition count and configuration before training, the time and the history
   * after. Unpersists the packed partitions when done.
   */
  public History fit(TrainSettings settings, Sequential model, JavaRDD<PackedPartition> train,
      JavaRDD<PackedPartition> validation, EpochListener listener, String data, Map<String, Object> provenance) {
    provenance.put("engine", Version.NAME);
    provenance.put("spark", spark.version());
    provenance.put("java", System.getProperty("java.version"));
    provenance.put("data", data);
    provenance.put("seed", settings.seed());
    provenance.put("partitions", train.getNumPartitions());
    provenance.put("config", config.effectiveValues());
    Consumer<TrainingState> afterEpoch = null;
    if (checkpoints != null) {
      int interval = config.integer("checkpoint.interval", 1, 1_000_000);
      Sequential scratch = settings.model().build(settings.seed());
      afterEpoch = state -> {
        if (state.epoch() % interval == 0 || state.epoch() == settings.epochs()) {
          checkpoints.write(state, settings.model(), scratch, provenance);
        }
      };
    }
    History history;
    try {
      history = new DistributedTrainer(spark, settings).listener(listener).callbacks(callbacks(config))
          .resumeFrom(start).afterEpoch(afterEpoch).rounds(progress(config)).fit(model, train, validation);
    } finally {
      train.unpersist(false);
      if (validation != null) {
        validation.unpersist(false);
      }
    }
    provenance.put("created", java.time.Instant.now().toString());
    provenance.put("history", new ArrayList<>(history.epochs()));
    return history;
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
