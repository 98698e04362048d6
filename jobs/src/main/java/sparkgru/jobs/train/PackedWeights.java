package sparkgru.jobs.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import sparkgru.engine.linalg.BulkArrays;

/**
 * The flat vector a round broadcasts (the weights, then the optimiser state), serialized as
 * bulk bytes: Spark's Java serializer would write a plain {@code float[]} one float at a time.
 * Executors must not modify {@link #values()}: in local mode they share the driver's array.
 */
final class PackedWeights implements Serializable {
  private static final long serialVersionUID = 1L;
  private transient float[] values;

  PackedWeights(float[] values) {
    this.values = values;
  }

  float[] values() {
    return values;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    BulkArrays.write(out, values);
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    values = BulkArrays.readFloats(in);
  }
}
