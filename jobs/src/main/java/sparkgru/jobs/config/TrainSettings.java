package sparkgru.jobs.config;

import java.io.Serializable;
import java.util.List;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.loss.Loss;
import sparkgru.engine.loss.Metric;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.model.Sequential;
import sparkgru.engine.optim.OptimizerSpec;

/**
 * What every Spark task needs to train: the model and optimiser as specs, the loss and metrics
 * by Keras name, and the schedule of the data-parallel run. Validated at construction, the
 * ranges those of the {@link Settings}.
 *
 * @param model                 the model
 * @param optimizer             the optimiser
 * @param loss                  Keras loss name, or {@code pinball:} and the quantile levels (see
 *                              {@link #pinball})
 * @param metrics               Keras metric names
 * @param epochs                passes over the data ({@link Settings#TRAIN_EPOCHS})
 * @param batchSize             samples per mini-batch on each worker ({@link Settings#TRAIN_BATCH_SIZE})
 * @param averagingFrequency    mini-batches each worker trains between two averagings
 *                              ({@link Settings#TRAIN_AVERAGING_FREQUENCY})
 * @param averageOptimizerState average the optimiser state like the weights (else workers start
 *                              each round from fresh state)
 * @param seed                  seed of the weights, the shuffling and the dropout streams
 * @param aggregationDepth      levels of the averaging tree ({@link Settings#TRAIN_AGGREGATION_DEPTH})
 */
public record TrainSettings(ModelSpec model, OptimizerSpec optimizer, String loss, List<String> metrics, int epochs,
    int batchSize, int averagingFrequency, boolean averageOptimizerState, long seed, int aggregationDepth)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Validates every setting (building the loss, metrics and optimiser once to check their names). */
  public TrainSettings {
    if (model == null || optimizer == null) {
      throw new IllegalArgumentException("train settings need a model and an optimizer");
    }
    for (int i = 0; i < model.layers().size(); i++) {
      if (model.layers().get(i).args().getOrDefault("stateful", "false").trim().equalsIgnoreCase("true")) {
        throw new InvalidInputException("model.layer." + i + ": stateful GRUs cannot train data-parallel (their "
            + "state would cross partitions and rounds); set stateful=false");
      }
    }
    lossFunction(loss);
    metrics = List.copyOf(metrics);
    metrics.forEach(Metric::parse);
    optimizer.build();
    Settings.TRAIN_EPOCHS.check(epochs);
    Settings.TRAIN_BATCH_SIZE.check(batchSize);
    Settings.TRAIN_AVERAGING_FREQUENCY.check(averagingFrequency);
    Settings.TRAIN_AGGREGATION_DEPTH.check(aggregationDepth);
  }

  /** These settings with another optimiser (e.g. a reduced learning rate). */
  public TrainSettings withOptimizer(OptimizerSpec spec) {
    return new TrainSettings(model, spec, loss, metrics, epochs, batchSize, averagingFrequency, averageOptimizerState,
        seed, aggregationDepth);
  }

  /** These settings with another loss (e.g. {@link #pinball} of a quantile forecaster's levels). */
  public TrainSettings withLoss(String name) {
    return new TrainSettings(model, optimizer, name, metrics, epochs, batchSize, averagingFrequency,
        averageOptimizerState, seed, aggregationDepth);
  }

  /** A freshly built and compiled model with the initial weights of this seed. */
  public Sequential buildModel() {
    Sequential m = model.build(seed);
    return m.compile(lossFunction(), optimizer.build(), metrics.stream().map(Metric::parse).toArray(Metric[]::new));
  }

  /** The prefix of the loss that trains quantile forecasts: {@code pinball:0.1,0.5,0.9}. */
  private static final String PINBALL = "pinball:";

  /**
   * The loss of a quantile forecaster of {@code levels} ({@link Settings#TRAIN_QUANTILES}): the
   * pinball loss, which no Keras loss name gives, so {@code train.loss} names it only here.
   */
  public static String pinball(List<Double> levels) {
    return PINBALL + String.join(",", levels.stream().map(String::valueOf).toList());
  }

  /** The loss these settings train on. */
  public Loss lossFunction() {
    return lossFunction(loss);
  }

  private static Loss lossFunction(String name) {
    if (name != null && name.startsWith(PINBALL)) {
      return new Loss.Pinball(java.util.Arrays.stream(name.substring(PINBALL.length()).split(","))
          .mapToDouble(Double::parseDouble).toArray());
    }
    return Loss.parse(name);
  }
}
