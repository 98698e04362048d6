package sparkgru.engine.model;

import java.io.Serializable;
import java.util.List;

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
      throw new IllegalArgumentException("a model needs at least one layer");
    }
    layers = List.copyOf(layers);
  }

  /**
   * The number of weights the model has, from the layers' variable shapes, without allocating
   * them: what a reader of untrusted sizes checks before building (a spec may describe a model of
   * billions of weights).
   */
  public long weightCount() {
    int[] shape = {steps, features};
    long total = 0;
    for (sparkgru.engine.layers.Layer layer : LayerSpec.buildAll(layers)) {
      shape = layer.build(shape);
      for (sparkgru.engine.layers.VariableSpec v : layer.variables()) {
        long n = 1;
        for (int d : v.shape()) {
          n *= d;
        }
        total += n;
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
