package sparkgru.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.reflect.ClassTag$;
import sparkgru.engine.optim.ParameterAveraging;

/**
 * What a round ships (the broadcast vector, a worker's update, a merged update) survives both of
 * Spark's serializers: Java serialization uses the classes' bulk writeObject, Kryo ignores it and
 * copies the fields.
 */
class RoundSerializationTest {

  private static <T> T roundTrip(SerializerInstance serializer, T value) {
    ByteBuffer bytes = serializer.serialize(value, ClassTag$.MODULE$.apply(Object.class));
    return serializer.deserialize(bytes, ClassTag$.MODULE$.apply(Object.class));
  }

  private static SerializerInstance serializer(String name) {
    SparkConf conf = new SparkConf();
    return name.equals("kryo") ? new KryoSerializer(conf).newInstance() : new JavaSerializer(conf).newInstance();
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "kryo"})
  void updatesAndWeightsSurvive(String name) {
    SerializerInstance serializer = serializer(name);
    float[] a = {0.5f, -2f, 3.25f, 1e-7f};
    float[] b = {1.5f, 4f, -0.25f, 2f};
    float[] expected = new ParameterAveraging(4).add(a, 3).add(b, 1).mean();

    ParameterAveraging leaf = roundTrip(serializer, ParameterAveraging.of(b, 1));
    assertArrayEquals(expected, roundTrip(serializer, ParameterAveraging.of(a, 3)).merge(leaf).mean(), 0f);
    ParameterAveraging merged = roundTrip(serializer, ParameterAveraging.of(a, 3).merge(ParameterAveraging.of(b, 1)));
    assertArrayEquals(expected, merged.mean(), 0f);
    assertEquals(4, merged.totalWeight());

    float[] packed = {1f, 2f, 3f, -4f, 5f};
    assertArrayEquals(packed, roundTrip(serializer, new PackedWeights(packed)).values(), 0f);
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "kryo"})
  void roundUpdatesSurviveWithEachPartitionsLoss(String name) {
    SerializerInstance serializer = serializer(name);
    float[] a = {0.5f, -2f, 3.25f, 1e-7f};
    RoundUpdate first = new RoundUpdate(0, 1);
    first.average = ParameterAveraging.of(a, 3);
    first.steps = 2;
    first.partitionLoss.put(0, new LossSum(1.5, 3));
    RoundUpdate second = new RoundUpdate(1, 1);
    second.partitionLoss.put(1, new LossSum(0, 0));
    RoundUpdate merged = roundTrip(serializer, roundTrip(serializer, first).merge(roundTrip(serializer, second)));
    assertEquals(Map.of(0, new LossSum(1.5, 3), 1, new LossSum(0, 0)), merged.partitionLoss);
    assertEquals(0.5, merged.partitionLoss.get(0).mean());
    assertArrayEquals(a, merged.average.mean(), 0f);
    assertEquals(2, merged.steps);
    assertEquals(0, merged.firstPartition);
  }
}
