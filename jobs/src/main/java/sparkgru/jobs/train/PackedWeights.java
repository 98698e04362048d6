package sparkgru.jobs.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import sparkgru.engine.io.BulkArrays;

/**
 * The flat vector a round broadcasts (the weights, then the optimiser state), serialized as
 * bulk bytes: Spark's Java serializer would write a plain {@code float[]} one float at a time.
 * The field is not transient, so Kryo (which ignores writeObject) copies it as it is.
 * Executors must not modify {@link #values()}: in local mode they share the driver's array.
 */
final class PackedWeights implements Serializable {
  private static final long serialVersionUID = 1L;
  private float[] values;

  PackedWeights(float[] values) {
    this.values = values;
  }

  float[] values() {
    return values;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    BulkArrays.write(out, values);
  }

  private void readObject(ObjectInputStream in) throws IOException {
    values = BulkArrays.readFloats(in);
  }
}
