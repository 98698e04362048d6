package sparkgru.jobs.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.DemoData;
import sparkgru.jobs.data.LongFormat;
import sparkgru.jobs.data.PackedPartition;
import sparkgru.jobs.io.ParquetInput;
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
  private static final System.Logger LOG = System.getLogger(TrainingData.class.getName());

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
      throw new sparkgru.engine.errors.InvalidInputException("the model outputs " + outShape[outShape.length - 1] + " values per "
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
   * A warning when the packed partitions may not fit the tasks' memory: a task holds its
   * partition, and twice that while Spark serialises it to disk, in the heap Spark leaves to user
   * code ({@code 1 - spark.memory.fraction} of the heap above Spark's reserved 300 MB), shared by
   * the tasks running at once. Local mode: the driver's heap and its task slots; on a cluster:
   * {@code spark.executor.memory} and {@code spark.executor.cores / spark.task.cpus} (when unset,
   * the task slots per registered executor).
   */
  static Optional<String> memoryWarning(long samples, int floatsPerSample, int partitions, SparkContext sc) {
    boolean local = sc.isLocal();
    long heap = local ? Runtime.getRuntime().maxMemory()
        : sc.getConf().getSizeAsMb("spark.executor.memory", "1g") << 20; // Spark reads a bare number as MiB
    int tasks;
    if (local) {
      tasks = sc.defaultParallelism();
    } else if (sc.getConf().contains("spark.executor.cores")) {
      tasks = sc.getConf().getInt("spark.executor.cores", 1) / Math.max(1, sc.getConf().getInt("spark.task.cpus", 1));
    } else {
      // Unset: all of a worker's cores (standalone); the registered executors tell how many.
      int executors = Math.max(1, sc.statusTracker().getExecutorInfos().length - 1);
      tasks = (sc.defaultParallelism() + executors - 1) / executors;
    }
    return memoryWarning(samples, floatsPerSample, partitions, heap, Math.max(1, tasks),
        sc.getConf().getDouble("spark.memory.fraction", 0.6), local ? "driver heap (local mode)" : "executor");
  }

  static Optional<String> memoryWarning(long samples, int floatsPerSample, int partitions, long heap, int tasks,
      double memoryFraction, String where) {
    long reserved = 300L << 20;
    long forTasks = (long) ((heap - reserved) * (1 - memoryFraction));
    double perPartition = 4.0 * samples * floatsPerSample / partitions;
    if (2 * perPartition * tasks <= forTasks) {
      return Optional.empty();
    }
    long needed = (long) Math.ceil(2 * 4.0 * samples * floatsPerSample * tasks / Math.max(1, forTasks));
    return Optional.of(String.format(java.util.Locale.ROOT, "memory: each of the %d partitions packs %d MB, and a "
        + "task may hold its partition twice while Spark spills it to disk; %d tasks at once on a %d MB %s leave "
        + "them %d MB (1 - spark.memory.fraction of the heap above 300 MB): if tasks run out of memory, raise "
        + "train.partitions to at least %d or the memory", partitions, Math.round(perPartition / (1 << 20)), tasks,
        heap >> 20, where, forTasks >> 20, needed));
  }

  /**
   * Windows spread evenly over {@code partitions} partitions: windows are built where their series
   * live, so a few long series (or one wide table) would leave most workers idle. The windows of
   * each source partition (its chunks in order) are cut into {@code partitions} contiguous ranges,
   * range k goes to partition k, and each partition holds its ranges in the order of their source
   * partitions, so the result is the same on every run. {@code perSource} (the windows of each
   * source partition, from its report) sizes the partitions, so each allocates its arrays once and
   * copies the pieces in as they arrive: no task holds its pieces besides its result.
   */
  static JavaRDD<PackedPartition> balance(JavaRDD<PackedPartition> windows, long[] perSource, int partitions,
      WindowSpec spec) {
    if (perSource.length != windows.getNumPartitions()) {
      throw new IllegalStateException(perSource.length + " window counts for " + windows.getNumPartitions()
          + " partitions");
    }
    int[] targetShape = {spec.outputWidth()};
    int inputs = spec.lookback() * spec.inputs().size();
    long[] sizes = rangesBefore(perSource, perSource.length, partitions);
    long largest = java.util.Arrays.stream(sizes).max().orElse(0);
    // The largest Java array: a partition's inputs are one float array.
    long perArray = Integer.MAX_VALUE - 8;
    if (largest * Math.max(inputs, spec.outputWidth()) > perArray) {
      long total = java.util.Arrays.stream(perSource).sum();
      throw new sparkgru.engine.errors.InvalidInputException("a partition of " + largest + " windows of " + spec.lookback() + " steps x "
          + spec.inputs().size() + " inputs exceeds the " + perArray + " floats one partition can hold; raise "
          + "train.partitions to at least " + (long) Math.ceil((double) total * Math.max(inputs, spec.outputWidth())
          / perArray) + " (now " + partitions + ")");
    }
    return windows.mapPartitionsWithIndex((source, chunks) -> new Pieces(chunks, perSource, source, partitions), true)
        .mapToPair(t -> t).partitionBy(new org.apache.spark.HashPartitioner(partitions))
        .mapPartitionsWithIndex((k, pieces) -> {
          PackedPartition.Assembly partition = new PackedPartition.Assembly((int) sizes[k], spec.lookback(),
              spec.inputs().size(), targetShape);
          pieces.forEachRemaining(p -> partition.put(p._2()._1(), p._2()._2()));
          return List.of(partition.build()).iterator();
        }, true);
  }

  private static long[] windowCounts(List<SlidingWindows.Report> reports) {
    return reports.stream().mapToLong(SlidingWindows.Report::windows).toArray();
  }

  /**
   * For each partition k, the windows of the ranges k of source partitions {@code [0, sources)}:
   * with all sources, partition k's size; with those before s, where s's range k starts in it.
   */
  private static long[] rangesBefore(long[] perSource, int sources, int partitions) {
    long[] sum = new long[partitions];
    for (int s = 0; s < sources; s++) {
      for (int k = 0; k < partitions; k++) {
        sum[k] += rangeStart(perSource[s], k + 1, partitions) - rangeStart(perSource[s], k, partitions);
      }
    }
    return sum;
  }

  /** Where range {@code k} of {@code n} windows cut into {@code partitions} contiguous ranges starts. */
  private static long rangeStart(long n, int k, int partitions) {
    return n * k / partitions;
  }

  /**
   * One source partition's chunks cut at its ranges' bounds, lazily: (target partition, (sample
   * offset there, piece)).
   */
  private static final class Pieces implements java.util.Iterator<scala.Tuple2<Integer, scala.Tuple2<Integer,
      PackedPartition>>> {
    private final java.util.Iterator<PackedPartition> chunks;
    private final long total;
    private final long[] at;
    private final java.util.ArrayDeque<scala.Tuple2<Integer, scala.Tuple2<Integer, PackedPartition>>> ready =
        new java.util.ArrayDeque<>();
    private long position;

    /** The chunks of source partition {@code source}, given every source partition's window count. */
    Pieces(java.util.Iterator<PackedPartition> chunks, long[] perSource, int source, int partitions) {
      this.chunks = chunks;
      this.total = perSource[source];
      // Where this source's range k starts in partition k: after the ranges k of the sources before it.
      this.at = rangesBefore(perSource, source, partitions);
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && chunks.hasNext()) {
        PackedPartition chunk = chunks.next();
        long end = position + chunk.count();
        if (end > total) {
          throw new IllegalStateException("a source partition counted " + total + " windows but holds more");
        }
        for (int k = 0; k < at.length; k++) {
          long from = Math.max(position, rangeStart(total, k, at.length));
          long to = Math.min(end, rangeStart(total, k + 1, at.length));
          if (from < to) {
            ready.add(new scala.Tuple2<>(k, new scala.Tuple2<>((int) (at[k] + from - rangeStart(total, k, at.length)),
                chunk.slice((int) (from - position), (int) (to - position)))));
          }
        }
        position = end;
      }
      return !ready.isEmpty();
    }

    @Override
    public scala.Tuple2<Integer, scala.Tuple2<Integer, PackedPartition>> next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return ready.poll();
    }
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
      throw new sparkgru.engine.errors.InvalidInputException("the model outputs " + java.util.Arrays.toString(outShape) + " values per "
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
      List<SlidingWindows.Report> trainReports = SlidingWindows.reportsByPartition(trainWindows);
      SlidingWindows.Report trainReport = SlidingWindows.merge(trainReports);
      notes.add("training windows: " + trainReport.describe());
      if (trainReport.windows() == 0) {
        throw new sparkgru.engine.errors.InvalidInputException(table.origin() + " gives no training window: " + trainReport.describe()
            + "; each series needs window.lookback + window.horizon = " + (spec.lookback() + spec.horizon())
            + " rows in its training part (split." + split.mode().name().toLowerCase(java.util.Locale.ROOT) + ")");
      }
      provenance.put("training_windows", trainReport.windows());
      memoryWarning(trainReport.windows(), spec.lookback() * spec.inputs().size() + spec.outputWidth(), partitions,
          spark.sparkContext()).ifPresent(w -> {
            LOG.log(System.Logger.Level.WARNING, w);
            notes.add(w);
          });
      JavaRDD<PackedPartition> train = cache(balance(trainWindows.map(SlidingWindows.Windowed::data),
          windowCounts(trainReports), partitions, spec), cached);
      JavaRDD<PackedPartition> validation = null;
      if (split.hasValidation()) {
        JavaRDD<SlidingWindows.Windowed> validationWindows = cache(windows.part(ChronologicalSplit.Part.VALIDATION)
            .build(typed, partitions), cached);
        List<SlidingWindows.Report> reports = SlidingWindows.reportsByPartition(validationWindows);
        SlidingWindows.Report report = SlidingWindows.merge(reports);
        notes.add("validation windows: " + report.describe());
        if (report.windows() == 0) {
          throw new sparkgru.engine.errors.InvalidInputException(table.origin() + " gives no validation window: each series' validation "
              + "part must hold window.horizon = " + spec.horizon() + " rows; enlarge split.validation or set it to 0");
        }
        validation = cache(balance(validationWindows.map(SlidingWindows.Windowed::data), windowCounts(reports),
            partitions, spec), cached);
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
