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

  /** Builds the model with fresh layers, initialised from {@code seed}. */
  public Sequential build(long seed) {
    Sequential.Builder b = Sequential.builder(steps, features);
    LayerSpec.buildAll(layers).forEach(b::add);
    return b.build(seed);
  }
}
