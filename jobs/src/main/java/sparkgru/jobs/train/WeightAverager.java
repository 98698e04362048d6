package sparkgru.jobs.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Combines the workers' round updates in a tree of {@code depth} levels whose merge order is
 * fixed by partition index. Spark's {@code treeAggregate} merges partial results in the order
 * tasks finish, which changes floating-point sums from run to run; here every merge sorts its
 * inputs by first partition first, so the same data and seed give the same weights bit for
 * bit. The driver receives at most {@code ceil(P^(1/depth))} partial sums, each the size of the
 * model, so its memory stays O(model size) for a fixed depth.
 */
final class WeightAverager {
  private WeightAverager() {}

  static RoundUpdate combine(JavaRDD<RoundUpdate> updates, int depth) {
    int partitions = updates.getNumPartitions();
    int fan = Math.max(2, (int) Math.ceil(Math.pow(partitions, 1.0 / depth)));
    JavaPairRDD<Integer, RoundUpdate> level = updates.mapToPair(u -> new Tuple2<>(u.firstPartition, u));
    for (int d = 1; d < depth; d++) {
      final long span = (long) Math.pow(fan, d);
      int groups = (int) ((partitions + span - 1) / span);
      if (groups <= 1) {
        break;
      }
      level = level.mapToPair(t -> new Tuple2<>((int) (t._1() / span), t._2()))
          .groupByKey(new HashPartitioner(groups))
          .mapValues(WeightAverager::mergeInOrder)
          .mapToPair(t -> new Tuple2<>(t._2().firstPartition, t._2()));
    }
    return mergeInOrder(level.values().collect());
  }

  /** Merges updates sorted by first partition. */
  static RoundUpdate mergeInOrder(Iterable<RoundUpdate> updates) {
    List<RoundUpdate> sorted = new ArrayList<>();
    updates.forEach(sorted::add);
    sorted.sort(Comparator.comparingInt(u -> u.firstPartition));
    RoundUpdate result = sorted.get(0);
    for (int i = 1; i < sorted.size(); i++) {
      result = result.merge(sorted.get(i));
    }
    return result;
  }
}
