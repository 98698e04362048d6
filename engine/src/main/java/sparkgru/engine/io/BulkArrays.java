package sparkgru.engine.io;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.StreamCorruptedException;
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
    writeChunks(out, values.length, Float.BYTES, (buffer, from, n) -> buffer.asFloatBuffer().put(values, from, n));
  }

  /** Reads what {@link #write(ObjectOutputStream, float[])} wrote. */
  public static float[] readFloats(ObjectInputStream in) throws IOException {
    float[] values = new float[checkedLength(in.readInt())];
    readChunks(in, values.length, Float.BYTES, (buffer, from, n) -> buffer.asFloatBuffer().get(values, from, n));
    return values;
  }

  /** Writes the length, then the values. */
  public static void write(ObjectOutputStream out, double[] values) throws IOException {
    writeChunks(out, values.length, Double.BYTES, (buffer, from, n) -> buffer.asDoubleBuffer().put(values, from, n));
  }

  /** Reads what {@link #write(ObjectOutputStream, double[])} wrote. */
  public static double[] readDoubles(ObjectInputStream in) throws IOException {
    double[] values = new double[checkedLength(in.readInt())];
    readChunks(in, values.length, Double.BYTES, (buffer, from, n) -> buffer.asDoubleBuffer().get(values, from, n));
    return values;
  }

  /** Moves elements [from, from + n) of an array between it and the start of a chunk buffer. */
  @FunctionalInterface
  private interface Transfer {
    void apply(ByteBuffer buffer, int from, int n);
  }

  private static void writeChunks(ObjectOutputStream out, int length, int bytes, Transfer copy) throws IOException {
    out.writeInt(length);
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, (long) length * bytes)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < length; i += CHUNK / bytes) {
      int n = Math.min(CHUNK / bytes, length - i);
      buffer.clear();
      copy.apply(buffer, i, n);
      out.write(buffer.array(), 0, n * bytes);
    }
  }

  private static void readChunks(ObjectInputStream in, int length, int bytes, Transfer copy) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, (long) length * bytes)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < length; i += CHUNK / bytes) {
      int n = Math.min(CHUNK / bytes, length - i);
      in.readFully(buffer.array(), 0, n * bytes);
      buffer.clear();
      copy.apply(buffer, i, n);
    }
  }

  private static int checkedLength(int length) throws IOException {
    if (length < 0) {
      throw new StreamCorruptedException("negative array length " + length);
    }
    return length;
  }
}
