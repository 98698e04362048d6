package sparkgru.engine.layers;

import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.linalg.Activation;

/**
 * The arguments of {@code keras.layers.GRU}, with Keras' defaults, validated at construction.
 *
 * <p>Build one with {@link #builder(int)}; every setter is named after the Keras argument.
 *
 * @param units               positive state size, in [1, 16384]
 * @param activation          candidate activation, default tanh
 * @param recurrentActivation gate activation, default sigmoid
 * @param useBias             default true
 * @param kernelInitializer   default glorot_uniform (over the whole [input_dim, 3*units] kernel)
 * @param recurrentInitializer default orthogonal (over the whole [units, 3*units] matrix)
 * @param biasInitializer     default zeros
 * @param kernelRegularizer   or null
 * @param recurrentRegularizer or null
 * @param biasRegularizer     or null
 * @param activityRegularizer penalty on the layer's outputs, divided by the batch size; or null
 * @param kernelConstraint    or null
 * @param recurrentConstraint or null
 * @param biasConstraint      or null
 * @param dropout             input dropout rate in [0, 1)
 * @param recurrentDropout    recurrent dropout rate in [0, 1)
 * @param resetAfter          default true (bias [2, 3*units]); false puts the reset gate before
 *                            the recurrent matmul (bias [3*units])
 * @param returnSequences     return every step's output, default false
 * @param returnState         also return the final state, default false
 * @param goBackwards         process the sequence backwards and return the outputs in that order
 * @param stateful            carry the final states of a batch into the next one, sample by sample
 * @param unroll              accepted for Keras compatibility; the numbers are the same
 * @param seed                dropout seed, or null to derive one from the model's seed
 */
public record GruConfig(int units, Activation activation, Activation recurrentActivation, boolean useBias,
    Initializer kernelInitializer, Initializer recurrentInitializer, Initializer biasInitializer,
    Regularizer kernelRegularizer, Regularizer recurrentRegularizer, Regularizer biasRegularizer,
    Regularizer activityRegularizer, Constraint kernelConstraint, Constraint recurrentConstraint,
    Constraint biasConstraint, double dropout, double recurrentDropout, boolean resetAfter,
    boolean returnSequences, boolean returnState, boolean goBackwards, boolean stateful, boolean unroll,
    Long seed) {

  /** Largest accepted number of units: the recurrent kernel, 3 * units^2 floats, must fit a Java array. */
  public static final int MAX_UNITS = 16384;

  /** Validates every argument. */
  public GruConfig {
    if (units < 1 || units > MAX_UNITS) {
      throw new InvalidInputException("gru.units must be in [1, " + MAX_UNITS + "], got " + units);
    }
    checkRate("gru.dropout", dropout);
    checkRate("gru.recurrent_dropout", recurrentDropout);
    require(activation, "gru.activation");
    require(recurrentActivation, "gru.recurrent_activation");
    require(kernelInitializer, "gru.kernel_initializer");
    require(recurrentInitializer, "gru.recurrent_initializer");
    require(biasInitializer, "gru.bias_initializer");
  }

  private static void checkRate(String field, double rate) {
    if (!(rate >= 0.0 && rate < 1.0)) {
      throw new InvalidInputException(field + " must be in [0, 1), got " + rate
          + (rate == 1.0 ? " (a rate of 1 drops every input)" : ""));
    }
  }

  private static void require(Object value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must be set, got null");
    }
  }

  /** A builder with Keras' defaults for a GRU of this many units. */
  public static Builder builder(int units) {
    return new Builder(units);
  }

  /** Mutable builder; {@link #build()} validates. Setters are named after Keras' arguments. */
  public static final class Builder {
    private final int units;
    private Activation activation = Activation.TANH;
    private Activation recurrentActivation = Activation.SIGMOID;
    private boolean useBias = true;
    private Initializer kernelInitializer = Initializer.glorotUniform();
    private Initializer recurrentInitializer = new Initializer.Orthogonal(1.0);
    private Initializer biasInitializer = new Initializer.Zeros();
    private Regularizer kernelRegularizer;
    private Regularizer recurrentRegularizer;
    private Regularizer biasRegularizer;
    private Regularizer activityRegularizer;
    private Constraint kernelConstraint;
    private Constraint recurrentConstraint;
    private Constraint biasConstraint;
    private double dropout;
    private double recurrentDropout;
    private boolean resetAfter = true;
    private boolean returnSequences;
    private boolean returnState;
    private boolean goBackwards;
    private boolean stateful;
    private boolean unroll;
    private Long seed;

    private Builder(int units) {
      this.units = units;
    }

    /** Candidate activation. */
    public Builder activation(Activation a) { this.activation = a; return this; }
    /** Candidate activation by Keras name, e.g. {@code "relu"}. */
    public Builder activation(String name) { return activation(Activation.fromKerasName(name, "gru.activation")); }
    /** Gate activation. */
    public Builder recurrentActivation(Activation a) { this.recurrentActivation = a; return this; }
    /** Gate activation by Keras name, e.g. {@code "hard_sigmoid"}. */
    public Builder recurrentActivation(String name) {
      return recurrentActivation(Activation.fromKerasName(name, "gru.recurrent_activation"));
    }
    /** Whether the layer has a bias. */
    public Builder useBias(boolean v) { this.useBias = v; return this; }
    /** Kernel initializer. */
    public Builder kernelInitializer(Initializer v) { this.kernelInitializer = v; return this; }
    /** Kernel initializer by Keras name. */
    public Builder kernelInitializer(String v) { return kernelInitializer(Initializer.parse(v, "gru.kernel_initializer")); }
    /** Recurrent kernel initializer. */
    public Builder recurrentInitializer(Initializer v) { this.recurrentInitializer = v; return this; }
    /** Recurrent kernel initializer by Keras name. */
    public Builder recurrentInitializer(String v) {
      return recurrentInitializer(Initializer.parse(v, "gru.recurrent_initializer"));
    }
    /** Bias initializer. */
    public Builder biasInitializer(Initializer v) { this.biasInitializer = v; return this; }
    /** Bias initializer by Keras name. */
    public Builder biasInitializer(String v) { return biasInitializer(Initializer.parse(v, "gru.bias_initializer")); }
    /** Kernel penalty. */
    public Builder kernelRegularizer(Regularizer v) { this.kernelRegularizer = v; return this; }
    /** Kernel penalty by Keras name, e.g. {@code l2:0.01}. */
    public Builder kernelRegularizer(String v) { return kernelRegularizer(Regularizer.parse(v, "gru.kernel_regularizer")); }
    /** Recurrent kernel penalty. */
    public Builder recurrentRegularizer(Regularizer v) { this.recurrentRegularizer = v; return this; }
    /** Recurrent kernel penalty by Keras name. */
    public Builder recurrentRegularizer(String v) {
      return recurrentRegularizer(Regularizer.parse(v, "gru.recurrent_regularizer"));
    }
    /** Bias penalty. */
    public Builder biasRegularizer(Regularizer v) { this.biasRegularizer = v; return this; }
    /** Bias penalty by Keras name. */
    public Builder biasRegularizer(String v) { return biasRegularizer(Regularizer.parse(v, "gru.bias_regularizer")); }
    /** Output penalty. */
    public Builder activityRegularizer(Regularizer v) { this.activityRegularizer = v; return this; }
    /** Output penalty by Keras name. */
    public Builder activityRegularizer(String v) {
      return activityRegularizer(Regularizer.parse(v, "gru.activity_regularizer"));
    }
    /** Kernel constraint. */
    public Builder kernelConstraint(Constraint v) { this.kernelConstraint = v; return this; }
    /** Kernel constraint by Keras name, e.g. {@code max_norm:2}. */
    public Builder kernelConstraint(String v) { return kernelConstraint(Constraint.parse(v, "gru.kernel_constraint")); }
    /** Recurrent kernel constraint. */
    public Builder recurrentConstraint(Constraint v) { this.recurrentConstraint = v; return this; }
    /** Recurrent kernel constraint by Keras name. */
    public Builder recurrentConstraint(String v) {
      return recurrentConstraint(Constraint.parse(v, "gru.recurrent_constraint"));
    }
    /** Bias constraint. */
    public Builder biasConstraint(Constraint v) { this.biasConstraint = v; return this; }
    /** Bias constraint by Keras name. */
    public Builder biasConstraint(String v) { return biasConstraint(Constraint.parse(v, "gru.bias_constraint")); }
    /** Input dropout rate. */
    public Builder dropout(double v) { this.dropout = v; return this; }
    /** Recurrent dropout rate. */
    public Builder recurrentDropout(double v) { this.recurrentDropout = v; return this; }
    /** Reset gate after (true, default) or before the recurrent matmul. */
    public Builder resetAfter(boolean v) { this.resetAfter = v; return this; }
    /** Return all steps. */
    public Builder returnSequences(boolean v) { this.returnSequences = v; return this; }
    /** Also return the final state. */
    public Builder returnState(boolean v) { this.returnState = v; return this; }
    /** Process backwards. */
    public Builder goBackwards(boolean v) { this.goBackwards = v; return this; }
    /** Carry states between batches. */
    public Builder stateful(boolean v) { this.stateful = v; return this; }
    /** Accepted for Keras compatibility. */
    public Builder unroll(boolean v) { this.unroll = v; return this; }
    /** Dropout seed. */
    public Builder seed(long v) { this.seed = v; return this; }

    /** Validates and builds. */
    public GruConfig build() {
      return new GruConfig(units, activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer,
          biasInitializer, kernelRegularizer, recurrentRegularizer, biasRegularizer, activityRegularizer,
          kernelConstraint, recurrentConstraint, biasConstraint, dropout, recurrentDropout, resetAfter,
          returnSequences, returnState, goBackwards, stateful, unroll, seed);
    }
  }
}
