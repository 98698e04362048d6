package sparkgru.engine.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import sparkgru.engine.layers.Layer;
import sparkgru.engine.layers.VariableSpec;

/**
 * All weights of a model in one flat float array, and their gradients in a second array of the
 * same layout. Each variable is a view {@code [offset, offset + size)}; layers are laid out in
 * order, each layer's variables in its declaration order (Keras' {@code model.weights} order).
 * The arrays never change identity, so layers may hold them; {@link #copyFrom} overwrites the
 * values, which is how averaged weights come back from the driver.
 */
public final class Parameters {

  /** One variable: its layer, Keras spec and offset in the flat arrays. */
  public record Variable(String layer, VariableSpec spec, int offset) {
    /** Keras-style path, e.g. {@code gru_1/recurrent_kernel}. */
    public String path() {
      return layer + "/" + spec.name();
    }

    /** Number of values. */
    public int size() {
      return spec.size();
    }
  }

  private final float[] values;
  private final float[] gradients;
  private final List<Variable> variables;
  private final int[] offsets;

  private final int size;

  private Parameters(List<Variable> variables, int size, int slack) {
    this.variables = Collections.unmodifiableList(variables);
    this.size = size;
    this.values = new float[size + slack];
    this.gradients = new float[size + slack];
    this.offsets = new int[variables.size() + 1];
    for (int i = 0; i < variables.size(); i++) {
      offsets[i] = variables.get(i).offset();
    }
    offsets[variables.size()] = size;
  }

  /** Lays out the variables of built layers and binds each layer to its views. */
  static Parameters layOut(List<Layer> layers) {
    List<Variable> vars = new ArrayList<>();
    int at = 0;
    for (Layer layer : layers) {
      for (VariableSpec spec : layer.variables()) {
        vars.add(new Variable(layer.name(), spec, at));
        at += spec.size();
      }
    }
    int slack = layers.stream().mapToInt(Layer::trailingSlack).max().orElse(0);
    Parameters p = new Parameters(vars, at, slack);
    int layerStart = 0;
    for (Layer layer : layers) {
      layer.bind(p.values, p.gradients, layerStart);
      for (VariableSpec spec : layer.variables()) {
        layerStart += spec.size();
      }
    }
    return p;
  }

  /**
   * Builds one layer on its own (outside a model) for inputs of {@code inputShape} (batch
   * excluded), lays out and initialises its weights, and binds it: for using a GRU's
   * {@code return_state} or initial state directly.
   */
  public static Parameters forLayer(Layer layer, int[] inputShape, long seed) {
    if (layer.isBound()) {
      throw new IllegalArgumentException(layer.name() + " already has weights; a layer instance belongs to one model");
    }
    if (layer.name() == null) {
      layer.setName(layer.typeName().toLowerCase(Locale.ROOT));
    }
    layer.build(inputShape);
    layer.seed(Seeds.derive(seed, 1_000_000L));
    Parameters p = layOut(List.of(layer));
    p.initialize(seed);
    return p;
  }

  /** Fills every variable with its initializer; variable i draws from a stream derived from seed and i. */
  void initialize(long seed) {
    for (int i = 0; i < variables.size(); i++) {
      Variable v = variables.get(i);
      v.spec().initializer().fill(values, v.offset(), v.spec().shape(), new SplittableRandom(Seeds.derive(seed, i)));
    }
  }

  /** The flat weights (live); {@link #size()} values, possibly followed by unused padding. */
  public float[] values() {
    return values;
  }

  /** The flat gradients (live), laid out as {@link #values()}. */
  public float[] gradients() {
    return gradients;
  }

  /** Total number of weights. */
  public int size() {
    return size;
  }

  /** The variables in layout order. */
  public List<Variable> variables() {
    return variables;
  }

  /** Variable starts followed by the total size. */
  int[] offsets() {
    return offsets;
  }

  /** The variable with this path, e.g. {@code gru/kernel}. */
  public Variable variable(String path) {
    for (Variable v : variables) {
      if (v.path().equals(path)) {
        return v;
      }
    }
    throw new IllegalArgumentException("no variable '" + path + "'; the model has " + variables.stream().map(Variable::path).toList());
  }

  /** A copy of one variable's values. */
  public float[] get(String path) {
    Variable v = variable(path);
    float[] out = new float[v.size()];
    System.arraycopy(values, v.offset(), out, 0, v.size());
    return out;
  }

  /** Sets one variable's values (Keras' layout and shape). */
  public void set(String path, float[] data) {
    Variable v = variable(path);
    if (data.length != v.size()) {
      throw new IllegalArgumentException(path + " has " + v.size() + " values (shape "
          + Arrays.toString(v.spec().shape()) + "), got " + data.length);
    }
    System.arraycopy(data, 0, values, v.offset(), v.size());
  }

  /** A compact copy of all weights. */
  public float[] toArray() {
    return Arrays.copyOf(values, size);
  }

  /** Overwrites all weights, e.g. with averaged ones. */
  public void copyFrom(float[] flat) {
    if (flat.length != size) {
      throw new IllegalArgumentException("model has " + size + " weights, got a vector of " + flat.length);
    }
    System.arraycopy(flat, 0, values, 0, size);
  }

  /** Overwrites all weights with {@code src[offset, offset + size())}, e.g. from a packed vector. */
  public void copyFrom(float[] src, int offset) {
    if (offset < 0 || src.length - offset < size) {
      throw new IllegalArgumentException("model has " + size + " weights, got " + Math.max(0, src.length - offset)
          + " values from offset " + offset + " of a vector of " + src.length);
    }
    System.arraycopy(src, offset, values, 0, size);
  }

  /** Copies all weights into {@code dst[offset, offset + size())}. */
  public void copyTo(float[] dst, int offset) {
    System.arraycopy(values, 0, dst, offset, size);
  }

  /** Zeroes the gradients. */
  void zeroGradients() {
    Arrays.fill(gradients, 0f);
  }

  /** Adds every weight regularizer's gradient and returns the sum of their penalties. */
  double applyRegularizers() {
    double penalty = 0;
    for (Variable v : variables) {
      if (v.spec().regularizer() != null) {
        penalty += v.spec().regularizer().penalty(values, v.offset(), v.size());
        v.spec().regularizer().addGradient(values, v.offset(), v.size(), gradients, v.offset(), 1.0);
      }
    }
    return penalty;
  }

  /** The sum of the weight regularizers' penalties. */
  double regularizationPenalty() {
    double penalty = 0;
    for (Variable v : variables) {
      if (v.spec().regularizer() != null) {
        penalty += v.spec().regularizer().penalty(values, v.offset(), v.size());
      }
    }
    return penalty;
  }

  /** Projects every constrained variable. */
  void applyConstraints() {
    for (Variable v : variables) {
      if (v.spec().constraint() != null) {
        v.spec().constraint().apply(values, v.offset(), v.spec().shape());
      }
    }
  }
}
