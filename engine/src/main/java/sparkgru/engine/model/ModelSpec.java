package sparkgru.engine.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.layers.Layer;
import sparkgru.engine.layers.VariableSpec;

/**
 * A sequential model as text: input shape and layer specs. It builds identical models anywhere
 * (the driver, each Spark task, a model file) from the same seed.
 *
 * @param steps    steps per sequence, or -1 for any length
 * @param features features per step
 * @param layers   the layers in order
 */
public record ModelSpec(int steps, int features, List<LayerSpec> layers) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Copies the layer list and checks it is not empty. */
  public ModelSpec {
    if (layers == null || layers.isEmpty()) {
      throw new InvalidInputException("a model needs at least one layer");
    }
    layers = List.copyOf(layers);
  }

  /**
   * The number of weights of the model {@link #build} makes, from the layers' variable shapes,
   * without allocating them: a file can check the model it claims against its own size first.
   * Fails as {@link #build} does on an invalid input shape or layer stack.
   */
  public long weightCount() {
    Sequential.builder(steps, features);
    int[] shape = {steps, features};
    long total = 0;
    for (Layer layer : LayerSpec.buildAll(layers)) {
      shape = layer.build(shape);
      for (VariableSpec v : layer.variables()) {
        long n = 1;
        try {
          for (int d : v.shape()) {
            n = Math.multiplyExact(n, d);
          }
          total = Math.addExact(total, n);
        } catch (ArithmeticException e) {
          throw new InvalidInputException("the model has more weights than can be counted (" + layer.typeName()
              + " variable " + v.name() + " of shape " + Arrays.toString(v.shape()) + ")", e);
        }
      }
    }
    return total;
  }

  /** Builds the model with fresh layers, initialised from {@code seed}. */
  public Sequential build(long seed) {
    Sequential.Builder b = Sequential.builder(steps, features);
    LayerSpec.buildAll(layers).forEach(b::add);
    return b.build(seed);
  }
}
