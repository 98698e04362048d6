package sparkgru.engine.layers;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a layer declares about one of its weight variables: Keras' name, shape, and how it is
 * initialised, penalised and constrained. The model lays the variables of all layers out in one
 * flat float array, in declaration order.
 *
 * @param name        Keras' variable name, e.g. {@code kernel}
 * @param shape       Keras' shape, e.g. {@code [input_dim, 3*units]}
 * @param initializer how the values start
 * @param regularizer penalty added to the loss, or {@code null}
 * @param constraint  projection after each update, or {@code null}
 */
public record VariableSpec(String name, int[] shape, Initializer initializer, Regularizer regularizer,
    Constraint constraint) {

  /** Copies the shape. */
  public VariableSpec {
    shape = shape.clone();
  }

  /** Number of values. */
  public int size() {
    int n = 1;
    for (int d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VariableSpec v && name.equals(v.name) && Arrays.equals(shape, v.shape)
        && initializer.equals(v.initializer) && Objects.equals(regularizer, v.regularizer)
        && Objects.equals(constraint, v.constraint);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
