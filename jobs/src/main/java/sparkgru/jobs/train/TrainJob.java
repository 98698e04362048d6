package sparkgru.jobs.train;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import sparkgru.engine.model.EpochListener;
import sparkgru.engine.model.History;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.Sequential;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.data.DemoData;
import sparkgru.jobs.data.LongFormat;

/**
 * The training job: read (or generate) long-format sequences, split off validation sequences,
 * pack the rest per partition, train by parameter averaging, report every epoch on the console
 * and in the metrics file, and write the model in the project's own format (atomically).
 */
public final class TrainJob {
  /** What a run produced. */
  public record Result(History history, Sequential model, TrainSettings settings) {}

  private TrainJob() {}

  /** Runs the job on {@code spark} with {@code config}, printing to {@code out}. */
  public static Result run(SparkSession spark, JobConfig config, PrintWriter out) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = config.integer("train.partitions", 0, 1_000_000);
    if (partitions == 0) {
      partitions = jsc.defaultParallelism();
    }
    long seed = Long.parseLong(config.get("train.seed"));
    String source = config.get("data.source");
    LongFormat format;
    Dataset<Row> rows;
    String origin;
    if (source.equals("demo")) {
      format = new LongFormat("sequence_id", "step", DemoData.FEATURES, DemoData.TARGETS);
      rows = DemoData.generate(spark, config.integer("demo.sequences", 1, 100_000_000),
          config.integer("demo.steps", 2, 10_000), seed, partitions);
      origin = "demo data";
    } else {
      format = new LongFormat(config.get("data.id_column"), config.get("data.step_column"),
          config.list("data.feature_columns"), config.list("data.target_columns"));
      origin = config.get("data.path");
      rows = source.equals("csv")
          ? spark.read().option("header", "true").csv(origin)
          : spark.read().parquet(origin);
    }
    TrainSettings settings = config.trainSettings(format.features().size());
    Sequential model = settings.buildModel();
    int[] outShape = model.outputShape();
    if (outShape[outShape.length - 1] != format.targets().size()) {
      throw new IllegalArgumentException("the model outputs " + outShape[outShape.length - 1] + " values per "
          + (outShape.length == 2 ? "step" : "sequence") + " but there are " + format.targets().size()
          + " target columns " + format.targets() + "; set the last layer's units to " + format.targets().size());
    }
    boolean perStep = outShape.length == 2;
    Dataset<Row> typed = format.select(rows, origin);
    LongFormat.Split split = format.split(typed, config.fraction("data.validation_fraction", 0, 0.9), seed);
    JavaRDD<PackedPartition> train = format.pack(split.train(), partitions, perStep)
        .persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<PackedPartition> validation = config.fraction("data.validation_fraction", 0, 0.9) > 0
        ? format.pack(split.validation(), Math.max(1, partitions), perStep).persist(StorageLevel.MEMORY_AND_DISK())
        : null;

    out.println("spark-gru train: " + origin + ", " + partitions + " partitions, model " + settings.model().layers()
        .stream().map(l -> l.type() + l.args()).toList() + ", optimizer " + settings.optimizer().name()
        + ", batch " + settings.batchSize() + " per worker, averaging every " + settings.averagingFrequency()
        + " batches");
    out.print(model.summary());
    out.flush();
    EpochListener listener = new ConsolePrinter(out, settings.epochs())
        .andThen(new JsonLinesWriter(config.get("output.metrics"), jsc.hadoopConfiguration()));
    try {
      History history = new DistributedTrainer(jsc, settings).fit(model, train, validation, listener);
      Map<String, Object> provenance = new LinkedHashMap<>();
      provenance.put("created", Instant.now().toString());
      provenance.put("engine", "spark-gru 0.1.0-SNAPSHOT");
      provenance.put("spark", spark.version());
      provenance.put("java", System.getProperty("java.version"));
      provenance.put("data", origin);
      provenance.put("seed", seed);
      provenance.put("partitions", partitions);
      provenance.put("config", new TreeMap<>(config.explicitValues()));
      provenance.put("history", new ArrayList<>(history.epochs()));
      JsonLinesWriter.AtomicFiles.write(new Path(config.get("output.model")), jsc.hadoopConfiguration(),
          ModelFile.write(settings.model(), model, provenance));
      out.println("model written to " + config.get("output.model"));
      out.flush();
      return new Result(history, model, settings);
    } finally {
      train.unpersist(false);
      if (validation != null) {
        validation.unpersist(false);
      }
    }
  }
}
