package sparkgru.engine.linalg;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Float and double arrays through Java serialization as raw little-endian bytes, in 64 KiB
 * chunks. {@code ObjectOutputStream} writes a {@code float[]} one element at a time (a
 * {@code putInt} each), which made a model's weights the slowest part of a Spark averaging
 * round; a chunk copied through a {@link ByteBuffer} is one bulk copy. Used by the
 * {@code writeObject}/{@code readObject} of classes that ship weights.
 */
public final class BulkArrays {
  private static final int CHUNK = 1 << 16;

  private BulkArrays() {}

  /** Writes the length, then the values. */
  public static void write(ObjectOutputStream out, float[] values) throws IOException {
    out.writeInt(values.length);
    ByteBuffer buffer = ByteBuffer.allocate(Math.min(CHUNK, values.length * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i += CHUNK / Float.BYTES) {
      int n = Math.min(CHUNK / Float.BYTES, values.length - i);
      buffer.clear();
      buffer.asFloatBuffer().put(values, i, n);
      out.write(buffer.array(), 0, n * Float.BYTES);
    }
  }

  /** Reads what {@link #write(ObjectOutputStream, float[])} wrote. */
  public static float[] readFloats(ObjectInputStream in) throws IOException {
    float[] values = new float[checkedLength(in.readInt())];
    ByteBuffer buffer = ByteBuffer.allocate(Math.min(CHUNK, values.length * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i += CHUNK / Float.BYTES) {
      int n = Math.min(CHUNK / Float.BYTES, values.length - i);
      in.readFully(buffer.array(), 0, n * Float.BYTES);
      buffer.clear();
      buffer.asFloatBuffer().get(values, i, n);
    }
    return values;
  }

  /** Writes the length, then the values. */
  public static void write(ObjectOutputStream out, double[] values) throws IOException {
    out.writeInt(values.length);
    ByteBuffer buffer = ByteBuffer.allocate(Math.min(CHUNK, values.length * Double.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i += CHUNK / Double.BYTES) {
      int n = Math.min(CHUNK / Double.BYTES, values.length - i);
      buffer.clear();
      buffer.asDoubleBuffer().put(values, i, n);
      out.write(buffer.array(), 0, n * Double.BYTES);
    }
  }

  /** Reads what {@link #write(ObjectOutputStream, double[])} wrote. */
  public static double[] readDoubles(ObjectInputStream in) throws IOException {
    double[] values = new double[checkedLength(in.readInt())];
    ByteBuffer buffer = ByteBuffer.allocate(Math.min(CHUNK, values.length * Double.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i += CHUNK / Double.BYTES) {
      int n = Math.min(CHUNK / Double.BYTES, values.length - i);
      in.readFully(buffer.array(), 0, n * Double.BYTES);
      buffer.clear();
      buffer.asDoubleBuffer().get(values, i, n);
    }
    return values;
  }

  private static int checkedLength(int length) throws IOException {
    if (length < 0) {
      throw new java.io.StreamCorruptedException("negative array length " + length);
    }
    return length;
  }
}
