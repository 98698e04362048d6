package sparkgru.engine.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.layers.GruLayer;
import sparkgru.engine.layers.Layer;
import sparkgru.engine.linalg.Buffers;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.loss.Loss;
import sparkgru.engine.loss.Metric;
import sparkgru.engine.optim.Optimizer;

/**
 * A stack of layers, as {@code keras.Sequential}: build it with {@link #builder}, then
 * {@link #compile}, {@link #fit}, {@link #predict} and {@link #evaluate}.
 *
 * <p>Inputs are {@code [samples, steps, features]} tensors (optionally with a step mask);
 * targets have the model's output shape with the samples first. All weights live in one flat
 * array ({@link #parameters()}). {@link #trainOnBatch} is one optimiser step: forward, loss
 * (plus weight and activity regularisation), backward, clipping, update, constraints; it is
 * what a Spark task runs over its partition.
 */
public final class Sequential {
  private final List<Layer> layers;
  private final int[] inputShape;
  private final int[] outputShape;
  private final List<int[]> layerOutputShapes = new ArrayList<>();
  private final Parameters parameters;

  private Loss loss;
  private Optimizer optimizer;
  private List<Metric> metrics = List.of();

  private float[] xBatch;
  private boolean[] maskBatch;
  private float[] yBatch;
  private float[] lossGradient;

  private Sequential(List<Layer> layers, int[] inputShape, long seed) {
    this.layers = List.copyOf(layers);
    this.inputShape = inputShape.clone();
    Map<String, Integer> counts = new HashMap<>();
    Set<Layer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    int[] shape = inputShape.clone();
    for (int i = 0; i < this.layers.size(); i++) {
      Layer layer = this.layers.get(i);
      if (!seen.add(layer) || layer.isBound()) {
        throw new IllegalArgumentException("layer " + i + " (" + layer.typeName() + ") is already part of "
            + (layer.isBound() ? "another model" : "this model") + "; a layer instance belongs to one model and one "
            + "position (weight sharing is not supported): create a new layer");
      }
      String base = layer.typeName().toLowerCase(Locale.ROOT);
      int n = counts.merge(base, 1, Integer::sum) - 1;
      layer.setName(n == 0 ? base : base + "_" + n);
      if (layer instanceof GruLayer gru && gru.config().returnState()) {
        throw new InvalidInputException(layer.name() + ": gru.return_state is not supported inside a Sequential "
            + "model (the next layer takes one tensor); call GruLayer.forward directly to get the state");
      }
      shape = layer.build(shape);
      layerOutputShapes.add(shape.clone());
      layer.seed(Seeds.derive(seed, 1_000_000L + i));
    }
    this.outputShape = shape;
    this.parameters = Parameters.layOut(this.layers);
    this.parameters.initialize(seed);
  }

  /**
   * A builder for inputs of {@code [batch, steps, features]}; {@code steps} may be -1 to accept
   * sequences of any length.
   */
  public static Builder builder(int steps, int features) {
    return new Builder(steps, features);
  }

  /** Collects layers, then builds and initialises the model. */
  public static final class Builder {
    private final int steps;
    private final int features;
    private final List<Layer> layers = new ArrayList<>();

    private Builder(int steps, int features) {
      if (steps == 0 || steps < -1) {
        throw new InvalidInputException("input steps must be >= 1, or -1 for any length, got " + steps);
      }
      if (features < 1) {
        throw new InvalidInputException("input features must be >= 1, got " + features);
      }
      this.steps = steps;
      this.features = features;
    }

    /** Appends a layer. */
    public Builder add(Layer layer) {
      if (layer == null) {
        throw new IllegalArgumentException("cannot add a null layer");
      }
      layers.add(layer);
      return this;
    }

    /** Builds the model; {@code seed} fixes the initial weights and every dropout stream. */
    public Sequential build(long seed) {
      if (layers.isEmpty()) {
        throw new IllegalArgumentException("a model needs at least one layer");
      }
      return new Sequential(layers, new int[] {steps, features}, seed);
    }
  }

  /** Sets the loss, the optimiser and the metrics reported by fit and evaluate. */
  public Sequential compile(Loss loss, Optimizer optimizer, Metric... metrics) {
    if (loss == null || optimizer == null) {
      throw new IllegalArgumentException("compile needs a loss and an optimizer, got loss=" + loss + ", optimizer=" + optimizer);
    }
    for (Metric m : metrics) {
      if (m == null) {
        throw new IllegalArgumentException("compile metrics must not contain null");
      }
    }
    this.loss = loss;
    this.optimizer = optimizer;
    this.metrics = List.of(metrics);
    return this;
  }

  /** The layers, named as Keras names them ({@code gru}, {@code gru_1}, ...). */
  public List<Layer> layers() {
    return layers;
  }

  /** All weights, one flat array. */
  public Parameters parameters() {
    return parameters;
  }

  /** The optimiser set by {@link #compile}, or null. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /** Output shape without the batch, e.g. {@code [1]} or {@code [steps, units]}. */
  public int[] outputShape() {
    return outputShape.clone();
  }

  /** Clears the carried states of stateful layers (Keras' {@code reset_states}). */
  public void resetStates() {
    for (Layer layer : layers) {
      layer.resetStates();
    }
  }

  /**
   * Runs all layers over one batch. The result views the last layer's buffer, valid until the
   * next call.
   */
  public Tensor forward(Tensor x, boolean training) {
    Tensor t = x;
    for (Layer layer : layers) {
      t = layer.forward(t, training);
    }
    return t;
  }

  /** Back-propagates dLoss/dOutput of the last {@link #forward}, accumulating weight gradients. */
  public Tensor backward(Tensor gradOutput) {
    return backward(gradOutput, true);
  }

  /** Back-propagates through every layer; without {@code inputGradient} the first layer may skip it (null). */
  private Tensor backward(Tensor gradOutput, boolean inputGradient) {
    Tensor g = gradOutput;
    for (int i = layers.size() - 1; i > 0; i--) {
      g = layers.get(i).backward(g);
    }
    return inputGradient ? layers.get(0).backward(g) : layers.get(0).backwardWeightsOnly(g);
  }

  /**
   * One optimiser step on one batch; returns the batch loss including regularisation, as Keras'
   * {@code train_on_batch}.
   */
  public double trainOnBatch(Tensor x, Tensor y) {
    return trainOnBatch(x, y, null);
  }

  /** {@link #trainOnBatch(Tensor, Tensor)}, also adding the batch's loss and metrics to {@code sums}. */
  public double trainOnBatch(Tensor x, Tensor y, EpochSums sums) {
    requireCompiled();
    checkData(x, y, "x", "y");
    double loss = step(x, y.data(), sums == null ? null : sums.metricAccumulators());
    if (sums != null) {
      sums.addBatch(loss, x.dim(0));
    }
    return loss;
  }

  /**
   * One optimiser step on the samples {@code order[from, to)} of a data set, gathered into the
   * model's reused batch buffers (nothing allocated per batch), adding loss and metrics to
   * {@code sums}. Shapes are checked here; values were checked when the data set was built (and
   * the GRU rejects non-finite inputs), since scanning all of it every batch would cost more
   * than the batch. This is the step of {@link #fit} and of each Spark task.
   */
  public double trainOnSamples(Tensor x, Tensor y, int[] order, int from, int to, EpochSums sums) {
    requireCompiled();
    checkData(x, y, "x", "y", false);
    if (from < 0 || to > order.length || from >= to) {
      throw new IllegalArgumentException("sample range [" + from + ", " + to + ") is outside the order of "
          + order.length + " samples");
    }
    double loss = step(gatherX(x, order, from, to), gatherY(y, order, from, to), sums.metricAccumulators());
    sums.addBatch(loss, to - from);
    return loss;
  }

  /** The metrics set by {@link #compile}. */
  public List<Metric> metrics() {
    return metrics;
  }

  private double step(Tensor x, float[] y, double[][] metricAcc) {
    Tensor out = forward(x, true);
    lossGradient = Buffers.ensure(lossGradient, out.size());
    double value = lossAndMetrics(out, y, lossGradient, metricAcc);
    parameters.zeroGradients();
    backward(Tensor.view(lossGradient, null, out.shape()), false);
    value += parameters.applyRegularizers() + activityPenalty();
    optimizer.apply(parameters.values(), parameters.gradients(), parameters.offsets());
    parameters.applyConstraints();
    return value;
  }

  /**
   * The data loss of a batch output against targets, accumulating metrics into {@code acc} (one
   * accumulator per metric, or null) and writing dLoss/dOutput into {@code grad} unless null.
   */
  private double lossAndMetrics(Tensor out, float[] y, float[] grad, double[][] acc) {
    int n = out.size();
    int lastDim = out.dim(out.rank() - 1);
    boolean[] rowMask = out.rank() == 3 ? out.mask() : null;
    for (int m = 0; acc != null && m < metrics.size(); m++) {
      metrics.get(m).accumulate(out.data(), y, n, lastDim, rowMask, acc[m]);
    }
    return loss.evaluate(out.data(), y, n, lastDim, rowMask, grad);
  }

  private double activityPenalty() {
    double p = 0;
    for (Layer layer : layers) {
      p += layer.activityPenalty();
    }
    return p;
  }

  /**
   * Trains for {@code options.epochs()} epochs and returns the per-epoch history. Each epoch's
   * loss is the mean of the batch losses weighted by batch size, as Keras reports it.
   */
  public History fit(Tensor x, Tensor y, FitOptions options) {
    requireCompiled();
    if (options == null) {
      throw new IllegalArgumentException("fit needs options, e.g. FitOptions.epochs(10), got null");
    }
    checkData(x, y, "x", "y");
    checkStatefulBatches(x.dim(0), options.batchSize(), "x");
    if (options.validationX() != null) {
      checkData(options.validationX(), options.validationY(), "validation x", "validation y");
      checkStatefulBatches(options.validationX().dim(0), options.batchSize(), "validation x");
    }
    int samples = x.dim(0);
    History history = new History();
    for (int epoch = 1; epoch <= options.epochs(); epoch++) {
      int[] order = options.shuffle() ? Seeds.epochOrder(samples, options.seed(), epoch, 0) : identity(samples);
      EpochSums sums = new EpochSums(metrics.size());
      for (int from = 0; from < samples; from += options.batchSize()) {
        int to = Math.min(samples, from + options.batchSize());
        trainOnSamples(x, y, order, from, to, sums);
      }
      Map<String, Double> logs = sums.logs(metrics, "");
      if (options.validationX() != null) {
        logs.putAll(evaluateSums(options.validationX(), options.validationY(), options.batchSize())
            .logs(metrics, "val_"));
      }
      history.add(logs);
      if (options.listener() != null) {
        options.listener().onEpochEnd(epoch, logs);
      }
    }
    return history;
  }

  /** Loss (regularisation included, as Keras) and metrics over a data set, in inference mode. */
  public Map<String, Double> evaluate(Tensor x, Tensor y, int batchSize) {
    return evaluateSums(x, y, batchSize).logs(metrics, "");
  }

  /** The sums behind {@link #evaluate}, for combining evaluations of several data parts. */
  public EpochSums evaluateSums(Tensor x, Tensor y, int batchSize) {
    requireCompiled();
    checkData(x, y, "x", "y");
    checkBatchSize(batchSize);
    int samples = x.dim(0);
    EpochSums sums = new EpochSums(metrics.size());
    int perSample = y.size() / samples;
    for (int from = 0; from < samples; from += batchSize) {
      int to = Math.min(samples, from + batchSize);
      Tensor out = forward(gatherX(x, null, from, to), false);
      float[] yb = Arrays.copyOfRange(y.data(), from * perSample, to * perSample);
      double value = lossAndMetrics(out, yb, null, sums.metricAccumulators()) + parameters.regularizationPenalty()
          + activityPenalty();
      sums.addBatch(value, to - from);
    }
    return sums;
  }

  /** Outputs for every sample, in inference mode, computed {@code batchSize} samples at a time. */
  public Tensor predict(Tensor x, int batchSize) {
    checkInput(x, "x");
    checkBatchSize(batchSize);
    int samples = x.dim(0);
    int[] shape = new int[outputShape.length + 1];
    shape[0] = samples;
    for (int i = 0; i < outputShape.length; i++) {
      shape[i + 1] = outputShape[i] < 0 ? x.dim(1) : outputShape[i];
    }
    int perSample = 1;
    for (int i = 1; i < shape.length; i++) {
      perSample *= shape[i];
    }
    float[] result = new float[Math.multiplyExact(samples, perSample)];
    for (int from = 0; from < samples; from += batchSize) {
      int to = Math.min(samples, from + batchSize);
      Tensor out = forward(gatherX(x, null, from, to), false);
      System.arraycopy(out.data(), 0, result, from * perSample, (to - from) * perSample);
    }
    return Tensor.of(result, shape);
  }

  private Tensor gatherX(Tensor x, int[] order, int from, int to) {
    int steps = x.dim(1);
    int row = steps * x.dim(2);
    int b = to - from;
    xBatch = Buffers.ensure(xBatch, b * row);
    boolean[] mask = x.mask();
    if (mask != null && (maskBatch == null || maskBatch.length != b * steps)) {
      maskBatch = new boolean[b * steps];
    }
    for (int i = 0; i < b; i++) {
      int src = order == null ? from + i : order[from + i];
      System.arraycopy(x.data(), src * row, xBatch, i * row, row);
      if (mask != null) {
        System.arraycopy(mask, src * steps, maskBatch, i * steps, steps);
      }
    }
    return Tensor.view(xBatch, mask == null ? null : maskBatch, b, steps, x.dim(2));
  }

  private float[] gatherY(Tensor y, int[] order, int from, int to) {
    int per = y.size() / y.dim(0);
    yBatch = Buffers.ensure(yBatch, (to - from) * per);
    for (int i = 0; i < to - from; i++) {
      System.arraycopy(y.data(), order[from + i] * per, yBatch, i * per, per);
    }
    return yBatch;
  }

  private static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  private void checkInput(Tensor x, String name) {
    checkInput(x, name, true);
  }

  private void checkInput(Tensor x, String name, boolean scanValues) {
    if (x.rank() != 3) {
      throw new InvalidInputException(name + " must have shape [samples, steps, features] (rank 3), got rank " + x.rank()
          + " " + Arrays.toString(x.shape()) + (x.rank() == 2 ? "; reshape a single sequence to [1, steps, features]" : ""));
    }
    if (x.dim(2) != inputShape[1]) {
      throw new InvalidInputException(name + " has " + x.dim(2) + " features per step, the model expects "
          + inputShape[1] + " (shape " + Arrays.toString(x.shape()) + ")");
    }
    if (inputShape[0] > 0 && x.dim(1) != inputShape[0]) {
      throw new InvalidInputException(name + " has " + x.dim(1) + " steps, the model was built for " + inputShape[0]
          + " (build it with steps -1 to accept any length)");
    }
    if (x.dim(0) < 1 || x.dim(1) < 1) {
      throw new InvalidInputException(name + " is empty: shape " + Arrays.toString(x.shape()));
    }
    if (scanValues) {
      checkFinite(x, name);
    }
  }

  private void checkData(Tensor x, Tensor y, String xName, String yName) {
    checkData(x, y, xName, yName, true);
  }

  /** Shapes of inputs and targets; with {@code scanValues}, also every value finite. */
  private void checkData(Tensor x, Tensor y, String xName, String yName, boolean scanValues) {
    checkInput(x, xName, scanValues);
    if (y.rank() < 1 || y.dim(0) != x.dim(0)) {
      throw new InvalidInputException(yName + " has " + (y.rank() < 1 ? 0 : y.dim(0)) + " samples but " + xName + " has "
          + x.dim(0) + "; inputs and targets must pair up sample by sample");
    }
    int[] expected = new int[outputShape.length + 1];
    expected[0] = x.dim(0);
    for (int i = 0; i < outputShape.length; i++) {
      expected[i + 1] = outputShape[i] < 0 ? x.dim(1) : outputShape[i];
    }
    if (!Arrays.equals(expected, y.shape())) {
      String hint = "";
      if (y.rank() > expected.length) {
        hint = "; the targets have a steps axis but the model outputs one vector per sample (set "
            + "return_sequences=true on the last GRU to predict every step)";
      } else if (y.rank() < expected.length) {
        hint = "; the model outputs one vector per step (return_sequences=true on the last GRU): give targets per "
            + "step, or set return_sequences=false";
      }
      throw new InvalidInputException(yName + " has shape " + Arrays.toString(y.shape()) + ", the model outputs "
          + Arrays.toString(expected) + hint);
    }
    if (scanValues) {
      checkFinite(y, yName);
    }
  }

  private static void checkFinite(Tensor t, String name) {
    int i = t.indexOfNonFinite();
    if (i >= 0) {
      int per = t.size() / t.dim(0);
      throw new InvalidInputException(name + " contains " + t.data()[i] + " in sample " + (i / per) + " (value "
          + (i % per) + " of " + per + "); clean or impute missing values before training or predicting");
    }
  }

  /** A stateful layer needs every batch full: sample i of a batch continues sample i of the last. */
  private void checkStatefulBatches(int samples, int batchSize, String name) {
    for (Layer layer : layers) {
      if (layer instanceof GruLayer gru && gru.config().stateful() && samples % batchSize != 0) {
        throw new InvalidInputException(layer.name() + " is stateful, so every batch must be full, but " + name
            + " has " + samples + " samples, not a multiple of batch_size " + batchSize
            + "; drop the remainder or pick a batch size that divides the sample count");
      }
    }
  }

  private static void checkBatchSize(int batchSize) {
    if (batchSize < 1) {
      throw new InvalidInputException("batch_size must be >= 1, got " + batchSize);
    }
  }

  private void requireCompiled() {
    if (loss == null) {
      throw new IllegalStateException("the model is not compiled: call compile(loss, optimizer, metrics...) first");
    }
  }

  /** A Keras-like summary: each layer's name, type, output shape and parameter count. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    String rule = "-".repeat(72) + "\n";
    sb.append("Model: \"sequential\"\n").append(rule);
    sb.append(String.format(Locale.ROOT, "%-32s%-26s%14s%n", "Layer (type)", "Output Shape", "Param #"));
    sb.append("=".repeat(72)).append('\n');
    long total = 0;
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      long count = layer.variables().stream().mapToLong(v -> v.size()).sum();
      total += count;
      sb.append(String.format(Locale.ROOT, "%-32s%-26s%,14d%n", layer.name() + " (" + layer.typeName() + ")",
          Layer.kerasShape(layerOutputShapes.get(i)), count));
    }
    sb.append("=".repeat(72)).append('\n');
    sb.append(String.format(Locale.ROOT, "Total params: %,d (%s)%n", total, bytes(total * 4)));
    sb.append(String.format(Locale.ROOT, "Trainable params: %,d (%s)%n", total, bytes(total * 4)));
    sb.append("Non-trainable params: 0 (0.00 B)\n");
    return sb.toString();
  }

  private static String bytes(long b) {
    if (b < 1024) {
      return String.format(Locale.ROOT, "%.2f B", (double) b);
    }
    return b < 1024 * 1024 ? String.format(Locale.ROOT, "%.2f KB", b / 1024.0) : String.format(Locale.ROOT, "%.2f MB", b / 1048576.0);
  }
}
