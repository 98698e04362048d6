package sparkgru.jobs.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkContext;
import sparkgru.engine.io.Json;

/**
 * Names the Spark jobs a command starts, for the Spark UI and for tools that watch Spark: every
 * job belongs to the job group {@code spark-gru <command>} and carries a description a person
 * understands ({@code spark-gru train: epoch 3/10, round 17/374}); training also sets the local
 * property {@value #METRICS} to the last finished epoch's metrics as JSON, which a SparkListener
 * finds in the properties of every later job and stage ({@code SparkListenerJobStart.properties}).
 * Both are properties of the calling thread, as Spark's job groups are.
 */
public final class SparkJobs {
  /** The job property that holds the last finished epoch's metrics. */
  public static final String METRICS = "spark-gru.metrics";

  private SparkJobs() {}

  /** The group of {@code command}'s jobs. */
  public static String group(String command) {
    return "spark-gru " + command;
  }

  /** Labels the jobs this thread starts from now on: {@code spark-gru <command>: <what>}. */
  public static void label(SparkContext sc, String command, String what) {
    sc.setJobGroup(group(command), group(command) + ": " + what, false);
  }

  /** Records {@code logs}, the metrics of {@code epoch}, in the properties of this thread's later jobs. */
  public static void epochMetrics(SparkContext sc, int epoch, Map<String, Double> logs) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("epoch", epoch);
    logs.forEach((k, v) -> json.put(k, Double.isFinite(v) ? v : null));
    sc.setLocalProperty(METRICS, Json.write(json));
  }
}
