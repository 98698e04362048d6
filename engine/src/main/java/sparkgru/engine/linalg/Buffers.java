package sparkgru.engine.linalg;

/** Reusable work buffers: layers and models keep their arrays and grow them only when needed. */
public final class Buffers {
  private Buffers() {}

  /** Returns {@code buffer} if it holds {@code size} floats, else a new array of that size. */
  public static float[] ensure(float[] buffer, int size) {
    return buffer != null && buffer.length >= size ? buffer : new float[size];
  }
}
