package sparkgru.jobs.train;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.model.EpochListener;
import sparkgru.engine.model.History;
import sparkgru.engine.model.Provenance;
import sparkgru.engine.model.Sequential;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.config.Settings;
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

  /** A finished run: its history, and the provenance its model file carries. */
  public record Trained(History history, Provenance provenance) {}

  /**
   * Checks the checkpoint directory and, with {@code resume}, restores the newest checkpoint's
   * state, telling {@code out} and replaying its earlier epochs to {@code replay} (may be null).
   */
  public static TrainingRun open(JavaSparkContext spark, JobConfig config, boolean resume, PrintWriter out,
      EpochListener replay) {
    String path = config.get(Settings.CHECKPOINT_PATH);
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
        Map<String, String> earlier = restored.provenance().config();
        config.requireResumableFrom(earlier == null ? Map.of() : earlier, restored.path().toString());
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
   * may be null), telling {@code listener} every epoch. Adds to {@code provenance} (what the
   * caller knows: scaling, label shape) the versions, {@code data} (where the data came from),
   * seed, partition count and configuration, which checkpoints carry, and the time and the
   * history, which the model file carries too. Unpersists the packed partitions when done.
   */
  public Trained fit(TrainSettings settings, Sequential model, JavaRDD<PackedPartition> train,
      JavaRDD<PackedPartition> validation, EpochListener listener, String data, Provenance provenance) {
    Provenance run = provenance.withRun(spark.version(), data, settings.seed(), train.getNumPartitions(),
        config.effectiveValues());
    Consumer<TrainingState> afterEpoch = null;
    if (checkpoints != null) {
      int interval = config.get(Settings.CHECKPOINT_INTERVAL);
      Sequential scratch = settings.model().build(settings.seed());
      afterEpoch = state -> {
        if (state.epoch() % interval == 0 || state.epoch() == settings.epochs()) {
          checkpoints.write(state, settings.model(), scratch, run);
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
    return new Trained(history, run.withOutcome(Instant.now(), history.epochs()));
  }

  /** Early stopping and learning-rate reduction, when their monitor keys are set. */
  static List<TrainingCallback> callbacks(JobConfig config) {
    List<TrainingCallback> out = new ArrayList<>();
    String stop = config.get(Settings.EARLY_STOPPING_MONITOR);
    if (!stop.isEmpty()) {
      out.add(new EarlyStopping(stop, config.get(Settings.EARLY_STOPPING_MIN_DELTA),
          config.get(Settings.EARLY_STOPPING_PATIENCE), config.get(Settings.EARLY_STOPPING_RESTORE_BEST_WEIGHTS))
          .callback());
    }
    String reduce = config.get(Settings.REDUCE_LR_MONITOR);
    if (!reduce.isEmpty()) {
      out.add(new ReduceLrOnPlateau(reduce, config.get(Settings.REDUCE_LR_FACTOR),
          config.get(Settings.REDUCE_LR_PATIENCE), config.get(Settings.REDUCE_LR_MIN_DELTA),
          config.get(Settings.REDUCE_LR_COOLDOWN), config.get(Settings.REDUCE_LR_MIN_LR))
          .callback());
    }
    return out;
  }

  /**
   * A progress bar of the rounds within each epoch on stderr, when {@code output.progress} is on
   * and stderr is a terminal (never in logs or tests); else null.
   */
  static DistributedTrainer.RoundListener progress(JobConfig config) {
    if (!config.get(Settings.OUTPUT_PROGRESS) || System.console() == null) {
      return null;
    }
    return new DistributedTrainer.RoundListener() {
      private ProgressBar bar;

      @Override
      public void roundDone(int epoch, int done, int rounds) {
        if (bar == null) {
          bar = new ProgressBarBuilder().setTaskName("epoch " + epoch).setInitialMax(rounds)
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
