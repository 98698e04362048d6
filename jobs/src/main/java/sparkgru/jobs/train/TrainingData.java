package sparkgru.jobs.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.model.Provenance;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.config.Settings;
import sparkgru.jobs.data.ChronologicalSplit;
import sparkgru.jobs.data.DemoData;
import sparkgru.jobs.data.LongFormat;
import sparkgru.jobs.data.PackedPartition;
import sparkgru.jobs.data.PartitionBalance;
import sparkgru.jobs.data.Scaler;
import sparkgru.jobs.data.StaticEncoding;
import sparkgru.jobs.data.TimeSteps;
import sparkgru.jobs.data.SeriesSource;
import sparkgru.jobs.data.SlidingWindows;
import sparkgru.jobs.data.WindowChunk;
import sparkgru.jobs.data.WindowReport;
import sparkgru.jobs.data.WindowSpec;
import sparkgru.jobs.io.DataInput;

/**
 * The training job's data, packed per partition and persisted: training samples, validation
 * samples (or null) and what the console and the model's provenance should say about them.
 *
 * @param train      training samples
 * @param validation validation samples, or null
 * @param origin     where the data came from
 * @param notes      lines for the console (window counts, short series)
 * @param scaler     the scaling fitted on the training part (series), or null (sequences)
 * @param provenance the fitted scaling and the training window count (series), nothing (sequences)
 * @param statics    the fitted encoding of the static covariates, or null (none, or sequences)
 */
record TrainingData(JavaRDD<PackedPartition> train, JavaRDD<PackedPartition> validation, String origin,
    List<String> notes, Scaler scaler, Provenance provenance, StaticEncoding statics) {
  private static final System.Logger LOG = System.getLogger(TrainingData.class.getName());

  /** Training sequences in long format (demo or data.source's input), validation sequences split off by id hash. */
  static TrainingData sequences(SparkSession spark, JobConfig config, int partitions, int[] outShape) {
    long seed = config.get(Settings.TRAIN_SEED);
    LongFormat format;
    Dataset<Row> rows;
    String origin;
    if (config.get(Settings.DATA_SOURCE).equals("demo")) {
      format = new LongFormat("sequence_id", "step", DemoData.FEATURES, DemoData.TARGETS);
      rows = DemoData.generate(spark, config.get(Settings.DEMO_SEQUENCES),
          config.get(Settings.DEMO_STEPS), seed, partitions);
      origin = "demo data";
    } else {
      format = new LongFormat(config.get(Settings.DATA_ID_COLUMN), config.get(Settings.DATA_STEP_COLUMN),
          config.get(Settings.DATA_FEATURE_COLUMNS), config.get(Settings.DATA_TARGET_COLUMNS));
      DataInput input = config.dataInput();
      origin = input.origin();
      rows = input.read(spark);
    }
    if (outShape[outShape.length - 1] != format.targets().size()) {
      throw new InvalidInputException("the model outputs " + outShape[outShape.length - 1] + " values per "
          + (outShape.length == 2 ? "step" : "sequence") + " but there are " + format.targets().size()
          + " target columns " + format.targets() + "; set the last layer's units to " + format.targets().size());
    }
    boolean perStep = outShape.length == 2;
    Dataset<Row> typed = format.select(rows, origin);
    double validationFraction = config.get(Settings.DATA_VALIDATION_FRACTION);
    LongFormat.Split split = format.split(typed, validationFraction, seed);
    JavaRDD<PackedPartition> train = format.pack(split.train(), partitions, perStep)
        .persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<PackedPartition> validation = validationFraction > 0
        ? format.pack(split.validation(), partitions, perStep).persist(StorageLevel.MEMORY_AND_DISK())
        : null;
    return new TrainingData(train, validation, origin, List.of(), null, Provenance.NONE, null);
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
    return Optional.of(String.format(Locale.ROOT, "memory: each of the %d partitions packs %d MB, and a "
        + "task may hold its partition twice while Spark spills it to disk; %d tasks at once on a %d MB %s leave "
        + "them %d MB (1 - spark.memory.fraction of the heap above 300 MB): if tasks run out of memory, raise "
        + "train.partitions to at least %d or the memory", partitions, Math.round(perPartition / (1 << 20)), tasks,
        heap >> 20, where, forTasks >> 20, needed));
  }

  /**
   * Windows spread evenly over {@code partitions} partitions as {@link PartitionBalance} cuts
   * them: windows are built where their series live, so a few long series (or one wide table)
   * would leave most workers idle. {@code perSource} (the windows of each source partition, from
   * its report) sizes the partitions, so each allocates its arrays once and copies the pieces in
   * as they arrive: no task holds its pieces besides its result.
   */
  static JavaRDD<PackedPartition> balance(JavaRDD<PackedPartition> windows, long[] perSource, int partitions,
      WindowSpec spec) {
    if (perSource.length != windows.getNumPartitions()) {
      throw new IllegalStateException(perSource.length + " window counts for " + windows.getNumPartitions()
          + " partitions");
    }
    int[] targetShape = {spec.outputWidth()};
    int inputs = spec.steps() * spec.stepWidth();
    PartitionBalance plan = new PartitionBalance(perSource, partitions);
    long[] sizes = plan.sizes();
    long largest = Arrays.stream(sizes).max().orElse(0);
    // The largest Java array: a partition's inputs are one float array.
    long perArray = Integer.MAX_VALUE - 8;
    if (largest * Math.max(inputs, spec.outputWidth()) > perArray) {
      long total = Arrays.stream(perSource).sum();
      throw new InvalidInputException("a partition of " + largest + " windows of " + spec.steps() + " steps x "
          + spec.stepWidth() + " inputs exceeds the " + perArray + " floats one partition can hold; raise "
          + "train.partitions to at least " + (long) Math.ceil((double) total * Math.max(inputs, spec.outputWidth())
          / perArray) + " (now " + partitions + ")");
    }
    return windows.mapPartitionsWithIndex(plan::pieces, true)
        .mapToPair(piece -> new Tuple2<>(piece.partition(), piece)).partitionBy(new HashPartitioner(partitions))
        .mapPartitionsWithIndex((k, pieces) -> {
          PackedPartition.Assembly partition = new PackedPartition.Assembly((int) sizes[k], spec.steps(),
              spec.stepWidth(), targetShape);
          pieces.forEachRemaining(p -> partition.put(p._2().offset(), p._2().data()));
          return List.of(partition.build()).iterator();
        }, true);
  }

  private static long[] windowCounts(List<WindowReport> reports) {
    return reports.stream().mapToLong(WindowReport::windows).toArray();
  }

  /**
   * Time series cut into forecasting windows: the scaler is fitted on each series' training part
   * and recorded in the provenance with the training window count; training and validation
   * windows come from their parts of the chronological split.
   */
  /**
   * The encoding of the configured data's static covariates ({@code data.static_columns}), fitted
   * on its series; null without static columns. Its width sizes the model's inputs, so it is fitted
   * before the model is built.
   */
  static StaticEncoding staticEncoding(SparkSession spark, JobConfig config) {
    WindowSpec spec = config.windowSpec();
    if (spec.covariates().statics().isEmpty()) {
      return null;
    }
    SeriesSource.Table table = config.seriesSource().read(spark);
    SlidingWindows windows = new SlidingWindows(table.series(), table.time(), spec);
    return StaticEncoding.fit(windows.select(table.rows(), table.origin()), table.series(),
        spec.covariates().statics());
  }

  static TrainingData series(SparkSession spark, JobConfig config, int partitions, int[] outShape,
      StaticEncoding statics) {
    WindowSpec spec = config.windowSpec().withStaticEncoding(statics);
    if (outShape.length != 1 || outShape[0] != spec.outputWidth()) {
      throw new InvalidInputException("the model outputs " + Arrays.toString(outShape) + " values per "
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
      List<String> notes = new ArrayList<>();
      JavaRDD<WindowChunk> trainWindows = cache(windows.build(typed, partitions), cached);
      List<WindowReport> trainReports = SlidingWindows.reportsByPartition(trainWindows);
      WindowReport trainReport = WindowReport.sum(trainReports);
      notes.add("training windows: " + trainReport.describe());
      if (trainReport.windows() == 0) {
        throw new InvalidInputException(table.origin() + " gives no training window: " + trainReport.describe()
            + "; each series needs window.lookback + window.horizon = " + (spec.lookback() + spec.horizon())
            + " consecutive periods of its frequency in its training part (split."
            + split.mode().name().toLowerCase(Locale.ROOT) + ")" + (trainReport.gaps() == 0 ? ""
            : "; if the gaps are not real, set data.frequency (now " + spec.frequency().alias()
            + ") to the data's frequency, or fill the gaps with data.missing=forward_fill"));
      }
      memoryWarning(trainReport.windows(), spec.steps() * spec.stepWidth() + spec.outputWidth(), partitions,
          spark.sparkContext()).ifPresent(w -> {
            LOG.log(System.Logger.Level.WARNING, w);
            notes.add(w);
          });
      JavaRDD<PackedPartition> train = cache(balance(trainWindows.map(WindowChunk::data),
          windowCounts(trainReports), partitions, spec), cached);
      JavaRDD<PackedPartition> validation = null;
      if (split.hasValidation()) {
        JavaRDD<WindowChunk> validationWindows = cache(windows.part(ChronologicalSplit.Part.VALIDATION)
            .build(typed, partitions), cached);
        List<WindowReport> reports = SlidingWindows.reportsByPartition(validationWindows);
        WindowReport report = WindowReport.sum(reports);
        notes.add("validation windows: " + report.describe());
        if (report.windows() == 0) {
          throw new InvalidInputException(table.origin() + " gives no validation window: each series' validation "
              + "part must hold window.horizon = " + spec.horizon() + " rows; enlarge split.validation or set it to 0");
        }
        validation = cache(balance(validationWindows.map(WindowChunk::data), windowCounts(reports),
            partitions, spec), cached);
        validation.count();
        validationWindows.unpersist(false);
      }
      train.count();
      trainWindows.unpersist(false);
      TimeSteps steps = trainReport.steps(windows.typedDateTimes(typed));
      return new TrainingData(train, validation, table.origin(), notes, scaler,
          Provenance.NONE.withScaling(scaler.toJson(), trainReport.windows())
              .withTimeSteps(steps == null ? null : steps.toJson())
              .withCovariates(statics == null ? null : statics.toJson()), statics);
    } catch (RuntimeException e) {
      cached.forEach(r -> r.unpersist(false));
      throw e;
    } finally {
      typed.unpersist(false);
    }
  }
}
