package sparkgru.jobs.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.DemoData;
import sparkgru.jobs.data.LongFormat;
import sparkgru.jobs.data.ParquetInput;
import sparkgru.jobs.data.Scaler;
import sparkgru.jobs.data.SeriesSource;
import sparkgru.jobs.data.SlidingWindows;
import sparkgru.jobs.data.WindowSpec;

/**
 * The training job's data, packed per partition and persisted: training samples, validation
 * samples (or null) and what the console should say about them.
 *
 * @param train      training samples
 * @param validation validation samples, or null
 * @param origin     where the data came from
 * @param notes      lines for the console (window counts, short series)
 * @param scaler     the scaling fitted on the training part (series), or null (sequences)
 */
record TrainingData(JavaRDD<PackedPartition> train, JavaRDD<PackedPartition> validation, String origin,
    List<String> notes, Scaler scaler) {

  /** Training sequences in long format (demo or a file), validation sequences split off by id hash. */
  static TrainingData sequences(SparkSession spark, JobConfig config, int partitions, int[] outShape) {
    long seed = config.longValue("train.seed");
    LongFormat format;
    Dataset<Row> rows;
    String origin;
    if (config.get("data.source").equals("demo")) {
      format = new LongFormat("sequence_id", "step", DemoData.FEATURES, DemoData.TARGETS);
      rows = DemoData.generate(spark, config.integer("demo.sequences", 1, 100_000_000),
          config.integer("demo.steps", 2, 10_000), seed, partitions);
      origin = "demo data";
    } else {
      format = new LongFormat(config.get("data.id_column"), config.get("data.step_column"),
          config.list("data.feature_columns"), config.list("data.target_columns"));
      origin = config.get("data.path");
      SeriesSource.requireExists(origin, spark.sparkContext().hadoopConfiguration());
      rows = config.get("data.source").equals("csv")
          ? spark.read().option("header", config.get("data.header")).csv(origin)
          : ParquetInput.read(spark, origin, "data.path");
    }
    if (outShape[outShape.length - 1] != format.targets().size()) {
      throw new IllegalArgumentException("the model outputs " + outShape[outShape.length - 1] + " values per "
          + (outShape.length == 2 ? "step" : "sequence") + " but there are " + format.targets().size()
          + " target columns " + format.targets() + "; set the last layer's units to " + format.targets().size());
    }
    boolean perStep = outShape.length == 2;
    Dataset<Row> typed = format.select(rows, origin);
    double validationFraction = config.fraction("data.validation_fraction", 0, 0.9);
    LongFormat.Split split = format.split(typed, validationFraction, seed);
    JavaRDD<PackedPartition> train = format.pack(split.train(), partitions, perStep)
        .persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<PackedPartition> validation = validationFraction > 0
        ? format.pack(split.validation(), partitions, perStep).persist(StorageLevel.MEMORY_AND_DISK())
        : null;
    return new TrainingData(train, validation, origin, List.of(), null);
  }

  private static <T> JavaRDD<T> cache(JavaRDD<T> rdd, List<JavaRDD<?>> cached) {
    cached.add(rdd);
    return rdd.persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Windows spread evenly over {@code partitions} partitions: windows are built where their series
   * live, so a few long series (or one wide table) would leave most workers idle. Each partition
   * cuts its windows into {@code partitions} contiguous slices, slice k goes to partition k, and
   * each partition joins its slices in the order of their source partitions, so the result is the
   * same on every run.
   */
  static JavaRDD<PackedPartition> balance(JavaRDD<PackedPartition> windows, int partitions, WindowSpec spec) {
    int[] targetShape = {spec.outputWidth()};
    return windows.mapPartitionsWithIndex((source, parts) -> {
      List<scala.Tuple2<Integer, scala.Tuple2<Integer, PackedPartition>>> out = new ArrayList<>();
      while (parts.hasNext()) {
        PackedPartition p = parts.next();
        for (int k = 0; k < partitions; k++) {
          long from = (long) p.count() * k / partitions;
          long to = (long) p.count() * (k + 1) / partitions;
          out.add(new scala.Tuple2<>(k, new scala.Tuple2<>(source, p.slice((int) from, (int) to))));
        }
      }
      return out.iterator();
    }, true).mapToPair(t -> t).partitionBy(new org.apache.spark.HashPartitioner(partitions)).mapPartitions(slices -> {
      List<scala.Tuple2<Integer, PackedPartition>> mine = new ArrayList<>();
      slices.forEachRemaining(s -> mine.add(s._2()));
      mine.sort(java.util.Comparator.comparingInt(scala.Tuple2::_1));
      return List.of(PackedPartition.concat(mine.stream().map(scala.Tuple2::_2).toList(), spec.lookback(),
          spec.inputs().size(), targetShape)).iterator();
    }, true);
  }

  /**
   * Time series cut into forecasting windows: the scaler is fitted on each series' training part
   * and stored in {@code provenance} (key {@code scaling}) with the window counts; training and
   * validation windows come from their parts of the chronological split.
   */
  static TrainingData series(SparkSession spark, JobConfig config, int partitions, int[] outShape,
      Map<String, Object> provenance) {
    WindowSpec spec = config.windowSpec();
    if (outShape.length != 1 || outShape[0] != spec.outputWidth()) {
      throw new IllegalArgumentException("the model outputs " + java.util.Arrays.toString(outShape) + " values per "
          + "window but forecasting " + spec.trainingHorizon() + " step(s) of " + spec.targets().size()
          + " target(s) " + spec.targets() + " needs " + spec.outputWidth() + " (one vector: the last GRU without "
          + "return_sequences, then dense with units " + spec.outputWidth() + ")");
    }
    SeriesSource source = config.seriesSource();
    SeriesSource.Table table = source.read(spark);
    ChronologicalSplit split = config.split();
    SlidingWindows windows = new SlidingWindows(table.series(), table.time(), spec, split,
        ChronologicalSplit.Part.TRAIN, config.scaler());
    Dataset<Row> typed = windows.select(table.rows(), table.origin()).persist(StorageLevel.MEMORY_AND_DISK());
    List<JavaRDD<?>> cached = new ArrayList<>();
    try {
      Scaler scaler = config.scaler().fit(typed, table.series(), table.time(), split);
      windows = windows.scaledBy(scaler);
      provenance.put("scaling", scaler.toJson());
      List<String> notes = new ArrayList<>();
      JavaRDD<SlidingWindows.Windowed> trainWindows = cache(windows.build(typed, partitions), cached);
      SlidingWindows.Report trainReport = SlidingWindows.report(trainWindows);
      notes.add("training windows: " + trainReport.describe());
      if (trainReport.windows() == 0) {
        throw new IllegalArgumentException(table.origin() + " gives no training window: " + trainReport.describe()
            + "; each series needs window.lookback + window.horizon = " + (spec.lookback() + spec.horizon())
            + " rows in its training part (split." + split.mode().name().toLowerCase(java.util.Locale.ROOT) + ")");
      }
      provenance.put("training_windows", trainReport.windows());
      JavaRDD<PackedPartition> train = cache(balance(trainWindows.map(SlidingWindows.Windowed::data), partitions,
          spec), cached);
      JavaRDD<PackedPartition> validation = null;
      if (split.hasValidation()) {
        JavaRDD<SlidingWindows.Windowed> validationWindows = cache(windows.part(ChronologicalSplit.Part.VALIDATION)
            .build(typed, partitions), cached);
        SlidingWindows.Report report = SlidingWindows.report(validationWindows);
        notes.add("validation windows: " + report.describe());
        if (report.windows() == 0) {
          throw new IllegalArgumentException(table.origin() + " gives no validation window: each series' validation "
              + "part must hold window.horizon = " + spec.horizon() + " rows; enlarge split.validation or set it to 0");
        }
        validation = cache(balance(validationWindows.map(SlidingWindows.Windowed::data), partitions, spec), cached);
        validation.count();
        validationWindows.unpersist(false);
      }
      train.count();
      trainWindows.unpersist(false);
      return new TrainingData(train, validation, table.origin(), notes, scaler);
    } catch (RuntimeException e) {
      cached.forEach(r -> r.unpersist(false));
      throw e;
    } finally {
      typed.unpersist(false);
    }
  }
}
