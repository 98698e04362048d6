package sparkgru.engine.linalg;

import java.util.Arrays;

/**
 * A row-major float32 tensor with an optional time-step mask.
 *
 * <p>Shapes put the batch first: {@code [batch, steps, features]} for sequences and
 * {@code [batch, features]} for vectors. The mask, when present, has one entry per
 * {@code [batch, steps]} position: {@code true} means the step is real, {@code false} that it
 * is padding that recurrent layers skip (Keras' {@code _keras_mask}).
 *
 * <p>Layers return tensors that view buffers they own and reuse on the next call, so
 * {@link #data()} may be longer than {@link #size()}; copy what you keep ({@link #copy()}).
 */
public final class Tensor {
  private final float[] data;
  private final int[] shape;
  private final boolean[] mask;

  private Tensor(float[] data, int[] shape, boolean[] mask) {
    this.data = data;
    this.shape = shape;
    this.mask = mask;
  }

  /** A tensor over {@code data}, which must hold exactly the product of {@code shape} values. */
  public static Tensor of(float[] data, int... shape) {
    int[] s = shape.clone();
    long size = checkedSize(s);
    if (data.length != size) {
      throw new IllegalArgumentException("tensor data has " + data.length + " values but shape "
          + Arrays.toString(s) + " needs " + size);
    }
    return new Tensor(data, s, null);
  }

  /** A tensor of zeros. */
  public static Tensor zeros(int... shape) {
    return of(new float[Math.toIntExact(checkedSize(shape))], shape);
  }

  /** A view over the first size() values of a (possibly longer) buffer; for layers. */
  public static Tensor view(float[] buffer, boolean[] mask, int... shape) {
    long size = checkedSize(shape);
    if (buffer.length < size) {
      throw new IllegalArgumentException("buffer of " + buffer.length + " floats is too small for "
          + Arrays.toString(shape));
    }
    return new Tensor(buffer, shape, mask);
  }

  private static long checkedSize(int[] shape) {
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("tensor dimensions must be >= 0, got " + Arrays.toString(shape));
      }
      size *= d;
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " is larger than a Java array");
    }
    return size;
  }

  /**
   * This tensor with a time-step mask of {@code batch * steps} entries ({@code null} removes it).
   * Only sequences ({@code [batch, steps, features]}) take a mask.
   */
  public Tensor withMask(boolean[] stepMask) {
    if (stepMask != null) {
      if (shape.length != 3) {
        throw new IllegalArgumentException("a time-step mask needs a [batch, steps, features] tensor, got shape "
            + Arrays.toString(shape));
      }
      if (stepMask.length != shape[0] * shape[1]) {
        throw new IllegalArgumentException("mask has " + stepMask.length + " entries, expected batch * steps = "
            + shape[0] * shape[1]);
      }
    }
    return new Tensor(data, shape, stepMask);
  }

  /** The backing array; row-major, possibly longer than {@link #size()}. */
  public float[] data() {
    return data;
  }

  /** The shape, batch first (a copy). */
  public int[] shape() {
    return shape.clone();
  }

  /** Dimension i of the shape. */
  public int dim(int i) {
    return shape[i];
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Number of values, the product of the shape. */
  public int size() {
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    return size;
  }

  /** The time-step mask {@code [batch, steps]}, or {@code null} when every step is real. */
  public boolean[] mask() {
    return mask;
  }

  /** Value at a multi-dimensional index. */
  public float get(int... index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException("index " + Arrays.toString(index) + " has rank " + index.length
          + ", tensor has rank " + shape.length);
    }
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      if (index[i] < 0 || index[i] >= shape[i]) {
        throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside shape " + Arrays.toString(shape));
      }
      flat = flat * shape[i] + index[i];
    }
    return data[flat];
  }

  /** Flat index of the first NaN or infinite value, or -1 when all are finite. */
  public int indexOfNonFinite() {
    // First a branch-free pass C2 vectorises (the largest exponent field in the tensor; all ones
    // means infinity or NaN), then the search only when there is something to find.
    int n = size();
    int exponents = 0;
    for (int i = 0; i < n; i++) {
      exponents = Math.max(exponents, Float.floatToRawIntBits(data[i]) & 0x7f800000);
    }
    if (exponents != 0x7f800000) {
      return -1;
    }
    for (int i = 0; i < n; i++) {
      if (!Float.isFinite(data[i])) {
        return i;
      }
    }
    return -1;
  }

  /** A compact, independent copy (mask included). */
  public Tensor copy() {
    return new Tensor(Arrays.copyOf(data, size()), shape.clone(), mask == null ? null : mask.clone());
  }

  /** The values as a compact array (a copy). */
  public float[] toArray() {
    return Arrays.copyOf(data, size());
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape) + (mask == null ? "" : " masked");
  }
}
