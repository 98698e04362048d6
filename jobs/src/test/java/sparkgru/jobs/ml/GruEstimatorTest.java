package sparkgru.jobs.ml;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.Provenance;
import sparkgru.jobs.NoPartialOutput;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.data.LongFormat;
import sparkgru.jobs.io.DataErrors;
import sparkgru.jobs.train.TrainJob;

/** The MLlib estimator and model: the train job's weights, pipelines, persistence, tuning, errors. */
class GruEstimatorTest {
  @TempDir
  Path dir;

  private static SparkSession spark() {
    return SparkTestSession.get();
  }

  /** Long-format CSV: ragged sequences of 4 to 6 steps, rows shuffled, target = running sum of x0. */
  private Path csv(int sequences) throws Exception {
    StringBuilder sb = new StringBuilder("seq,t,x0,x1,y\n");
    SplittableRandom r = new SplittableRandom(5);
    List<String> rows = new ArrayList<>();
    for (int s = 0; s < sequences; s++) {
      double sum = 0;
      for (int t = 0; t < 4 + s % 3; t++) {
        double x0 = r.nextDouble() - 0.5;
        sum += x0;
        rows.add(String.format(Locale.ROOT, "id%d,%d,%.5f,%.5f,%.5f", s, t, x0, r.nextDouble(), sum));
      }
    }
    java.util.Collections.shuffle(rows, new java.util.Random(2));
    rows.forEach(row -> sb.append(row).append('\n'));
    Path file = dir.resolve("seq.csv");
    Files.writeString(file, sb.toString());
    return file;
  }

  @Test
  void fitGivesTheTrainJobsWeightsForTheSameDataSeedAndPartitioning() throws Exception {
    Path data = csv(90);
    JobConfig config = JobConfig.of("data.source=csv", "data.path=" + data.toUri(), "data.id_column=seq",
        "data.step_column=t", "data.feature_columns=x0,x1", "data.target_columns=y", "data.validation_fraction=0.2",
        "model.layers=gru,dense", "model.layer.0.units=6", "model.layer.0.recurrent_dropout=0.1",
        "optimizer.learning_rate=0.02", "train.epochs=3", "train.batch_size=8", "train.averaging_frequency=2",
        "train.partitions=3", "train.seed=11", "early_stopping.monitor=val_loss", "early_stopping.patience=5",
        "output.model=" + dir.resolve("job/model.sgru").toUri(), "output.metrics=" + dir.resolve("job/m.jsonl").toUri());
    TrainJob.Result job = TrainJob.run(spark(), config, new PrintWriter(new StringWriter()));

    // The same rows as one sequence per row, typed as the train job types them, with its validation split.
    Dataset<Row> typed = new LongFormat("seq", "t", List.of("x0", "x1"), List.of("y"))
        .select(spark().read().option("header", "true").csv(data.toString()), "csv");
    Dataset<Row> sequences = typed.groupBy("seq").agg(sort_array(collect_list(struct(col("t"),
        array(col("x0"), col("x1")).as("x"), col("y")))).as("steps"))
        .select(col("seq"), transform(col("steps"), s -> s.getField("x")).as("features"),
            element_at(col("steps"), -1).getField("y").as("label"),
            pmod(xxhash64(col("seq"), lit(11L)), lit(10_000)).lt(2_000).as("is_validation"));
    List<Map<String, Double>> told = new ArrayList<>();
    GruEstimator estimator = new GruEstimator().setLayers("gru,dense").setUnits(6)
        .setLayerArgs("0.recurrent_dropout=0.1").setLearningRate(0.02).setEpochs(3).setBatchSize(8)
        .setAveragingFrequency(2).setNumPartitions(3).setSeed(11).setEarlyStoppingMonitor("val_loss")
        .setEarlyStoppingPatience(5).setValidationIndicatorCol("is_validation").setSequenceIdCol("seq")
        .setMetricsPath(dir.resolve("ml/m.jsonl").toUri().toString())
        .addEpochListener((epoch, logs) -> told.add(logs));
    GruModel model = estimator.fit(sequences);

    assertArrayEquals(job.model().parameters().toArray(), model.weights(), 0f, "bit-identical weights");
    assertEquals(3, model.history().size());
    assertEquals(3, told.size());
    for (int e = 0; e < 3; e++) {
      for (String key : List.of("loss", "val_loss", "val_mae")) {
        assertEquals(job.history().get(key)[e], model.history().get(e).get(key), 0, key + " of epoch " + (e + 1));
        assertEquals(told.get(e).get(key), model.history().get(e).get(key), 0, "listener's " + key);
      }
    }
    assertEquals(3, Files.readAllLines(dir.resolve("ml/m.jsonl")).size());
  }

  private static Dataset<Row> series() {
    return PipelineFixtures.series(spark());
  }

  private static PipelineStage[] stages(GruEstimator gru) {
    return PipelineFixtures.stages(gru);
  }

  private static Map<String, Double> byWindow(Dataset<Row> predicted) {
    Map<String, Double> out = new java.util.TreeMap<>();
    for (Row r : predicted.select("window_id", "prediction").collectAsList()) {
      out.put(r.getString(0), r.getDouble(1));
    }
    return out;
  }

  @Test
  void pipelineSavedAndLoadedPredictsExactlyTheSameAndItsModelFileServesTheCli() throws Exception {
    Dataset<Row> data = series();
    GruEstimator gru = new GruEstimator().setUnits(8).setEpochs(3).setBatchSize(16).setLearningRate(0.01)
        .setSequenceIdCol("window_id");
    Pipeline pipeline = new Pipeline().setStages(stages(gru));
    PipelineModel fitted = pipeline.fit(data);
    Map<String, Double> before = byWindow(fitted.transform(data));
    assertEquals(6 * ((90 - 13) / 2 + 1), before.size());

    String path = dir.resolve("pipeline-model").toUri().toString();
    fitted.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertEquals(before, byWindow(loaded.transform(data)), "identical predictions after save and load");

    // The fitted pipeline forecasts past each series' end: one row per series, from its last 12 rows.
    SequenceWindows windowsStage = (SequenceWindows) loaded.stages()[1];
    List<Row> forecasts = loaded.transform(data, new ParamMap().put(windowsStage.emit(), "forecast"))
        .select("series_id", "forecast_time", "label", "prediction").orderBy("series_id").collectAsList();
    assertEquals(6, forecasts.size());
    for (int s = 0; s < 6; s++) {
      Row f = forecasts.get(s);
      assertEquals("s" + s, f.getString(0));
      assertEquals(90L * 3600, f.getLong(1), "the hour after the last");
      assertTrue(f.isNullAt(2), "no label");
      assertTrue(Double.isFinite(f.getDouble(3)), "a forecast");
    }
    assertEquals("training", windowsStage.getEmit(), "the param map served that transform only");

    GruModel stage = (GruModel) loaded.stages()[2];
    assertEquals(3, stage.history().size());
    assertEquals(new Provenance.SequenceSteps(12, 12), stage.sequenceSteps(), "the windows' lookback, recorded");
    Dataset<Row> shorter = new SequenceWindows().setLookback(6).transform(loaded.stages()[0].transform(data));
    assertEquals(6L, shorter.schema().apply("features").metadata().getLong("sequence_steps"), "kept by transform");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stage.transform(shorter));
    assertEquals("GruModel: column 'features' holds sequences of 6 steps (the windows' lookback), and the model was "
        + "trained on 12; cut windows of 12 steps (SequenceWindows.setLookback(12))", e.getMessage());
    Path file;
    try (var files = Files.walk(dir.resolve("pipeline-model"))) {
      file = files.filter(p -> p.getFileName().toString().equals(GruModel.MODEL_FILE)).findFirst().orElseThrow();
    }
    ModelFile.Loaded cli = ModelFile.read(Files.readAllBytes(file), file.toString());
    assertEquals("scalar", cli.provenance().predictionShape(), "the labels' shape, recorded by the estimator");
    assertArrayEquals(((GruModel) fitted.stages()[2]).weights(), cli.model().parameters().toArray(), 0f);

    // The unfitted pipeline saves and loads too, with the estimator's params.
    String pipelinePath = dir.resolve("pipeline").toUri().toString();
    pipeline.write().save(pipelinePath);
    GruEstimator again = (GruEstimator) Pipeline.load(pipelinePath).getStages()[2];
    assertEquals(8, again.getUnits());
    assertEquals(0.01, again.getLearningRate());
    assertEquals("window_id", again.getOrDefault(again.sequenceIdCol()));
  }

  @Test
  void trainValidationSplitPicksTheLearningRateThatLearns() {
    GruEstimator gru = new GruEstimator().setEpochs(4).setBatchSize(16).setSequenceIdCol("window_id");
    ParamMap[] grid = new ParamGridBuilder().addGrid(gru.units(), new int[] {4, 8})
        .addGrid(gru.learningRate(), new double[] {1e-6, 0.02}).build();
    Pipeline pipeline = new Pipeline().setStages(stages(gru));
    Dataset<Row> windows = new Pipeline().setStages(java.util.Arrays.copyOf(stages(gru), 2)).fit(series())
        .transform(series());
    TrainValidationSplit split = new TrainValidationSplit().setEstimator(gru).setEstimatorParamMaps(grid)
        .setEvaluator(new RegressionEvaluator().setMetricName("rmse")).setTrainRatio(0.75).setSeed(3);
    TrainValidationSplitModel tuned = split.fit(windows);
    double[] rmse = tuned.validationMetrics();
    for (int i = 0; i < grid.length; i++) {
      double rate = (Double) grid[i].apply(gru.learningRate());
      for (int j = 0; j < grid.length; j++) {
        if ((Double) grid[j].apply(gru.learningRate()) < rate) {
          assertTrue(rmse[i] < rmse[j] * 0.7, "learning rate " + rate + " beats " + grid[j] + ": "
              + java.util.Arrays.toString(rmse));
        }
      }
    }
    GruEstimator best = (GruEstimator) tuned.bestModel().parent();
    assertEquals(0.02, best.getLearningRate());
    assertTrue(pipeline.getStages().length == 3);
  }

  @Test
  void crossValidatorWithFoldsByTimeTunesOnWindowsCutBeforeTheSplit() {
    // The README's time-aware tuning: windows cut once from whole series, then folds by time.
    GruEstimator gru = new GruEstimator().setUnits(4).setEpochs(4).setBatchSize(16).setSequenceIdCol("window_id");
    Dataset<Row> windows = new Pipeline().setStages(java.util.Arrays.copyOf(stages(gru), 2)).fit(series())
        .transform(series()).withColumn("fold", when(col("forecast_time").lt(50 * 3600L), 0).otherwise(1));
    ParamMap[] grid = new ParamGridBuilder().addGrid(gru.learningRate(), new double[] {1e-6, 0.02}).build();
    CrossValidatorModel tuned = new CrossValidator().setEstimator(gru).setEstimatorParamMaps(grid)
        .setEvaluator(new RegressionEvaluator().setMetricName("rmse")).setNumFolds(2).setFoldCol("fold")
        .fit(windows);
    double[] rmse = tuned.avgMetrics();
    assertTrue(rmse[1] < rmse[0] * 0.7, java.util.Arrays.toString(rmse));
    assertEquals(0.02, ((GruEstimator) tuned.bestModel().parent()).getLearningRate());
  }

  private static Dataset<Row> table(StructType schema, Object... firstRow) {
    return spark().createDataFrame(List.of(RowFactory.create(firstRow)), schema);
  }

  @Test
  void wrongColumnsFailAtTransformSchemaNamingParamColumnAndExpectedType() {
    StructType good = new StructType().add("features", DataTypes.createArrayType(DataTypes.createArrayType(
        DataTypes.DoubleType))).add("label", DataTypes.DoubleType);
    GruEstimator gru = new GruEstimator();
    assertEquals(DataTypes.DoubleType, gru.transformSchema(good).apply("prediction").dataType());

    StructType flat = new StructType().add("features", DataTypes.DoubleType).add("label", DataTypes.DoubleType);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gru.transformSchema(flat));
    assertEquals("GruEstimator param featuresCol: column 'features' has type double; expected array<array<numeric>> "
        + "or array<vector> (one element per time step)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.copy(ParamMap.empty()).setLabelCol("y")
        .transformSchema(good));
    assertEquals("GruEstimator param labelCol names column 'y', which the dataset lacks; its columns are [features, "
        + "label]", e.getMessage());
    StructType textLabel = new StructType().add("features", good.apply("features").dataType())
        .add("label", DataTypes.StringType);
    e = assertThrows(IllegalArgumentException.class, () -> gru.transformSchema(textLabel));
    assertTrue(e.getMessage().startsWith("GruEstimator param labelCol: column 'label' has type string; expected a "
        + "number (one output), array<numeric> or vector"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.copy(ParamMap.empty()).setPredictionCol("label")
        .transformSchema(good));
    assertEquals("GruEstimator param predictionCol: the dataset already has a column 'label'; choose another name",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.copy(ParamMap.empty())
        .setValidationIndicatorCol("label").transformSchema(good));
    assertEquals("GruEstimator param validationIndicatorCol: column 'label' has type double; expected boolean",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.copy(ParamMap.empty())
        .setEarlyStoppingMonitor("val_loss").transformSchema(good));
    assertEquals("GruEstimator param earlyStoppingMonitor is 'val_loss', which needs validation rows: set "
        + "validationIndicatorCol", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.copy(ParamMap.empty()).setLayerArgs("4.units=3")
        .transformSchema(good));
    assertTrue(e.getMessage().startsWith("GruEstimator: model.layer.4.units configures layer 4 but model.layers "
        + "lists 2 layers [gru, dense]"), e.getMessage());

    GruModel model = GruModel.of(trainedOnce(), "tiny");
    e = assertThrows(IllegalArgumentException.class, () -> model.transform(table(flat, 1.0, 2.0)));
    assertEquals("GruModel param featuresCol: column 'features' has type double; expected array<array<numeric>> or "
        + "array<vector> (one element per time step)", e.getMessage());
    Dataset<Row> longer = table(good, List.of(List.of(1.0, 2.0), List.of(3.0, 4.0), List.of(5.0, 6.0)), 1.0)
        .repartition(1);
    Exception atRow = assertThrows(Exception.class, () -> model.transform(longer).collectAsList());
    assertEquals("GruModel: column 'features' holds sequences of 3 steps (row 0 of partition 0), and the model was "
        + "trained on 2; cut windows of 2 steps (SequenceWindows.setLookback(2))", userMessage(atRow));
    // A train job's forecasting model records no sequence steps: its window.lookback says them.
    ModelFile.Loaded tiny = ModelFile.read(trainedOnce(), "tiny");
    Provenance forecasting = Provenance.NONE.withScaling(Map.of(), 40).withRun("4.0.1", "data.csv", 1, 2,
        Map.of("window.lookback", "5"));
    GruModel fromTrainJob = GruModel.of(ModelFile.write(tiny.spec(), tiny.model(), forecasting), "trained.sgru");
    assertEquals(new Provenance.SequenceSteps(5, 5), fromTrainJob.sequenceSteps());
    assertEquals(null, GruModel.of(ModelFile.write(tiny.spec(), tiny.model(), Provenance.NONE), "keras")
        .sequenceSteps(), "unknown, so unchecked");
  }

  private static byte[] trainedOnce() {
    StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.createArrayType(
        DataTypes.DoubleType))).add("label", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create(List.of(List.of(i * 0.1, 1.0), List.of(0.5, -i * 0.1)), i * 0.05));
    }
    return new GruEstimator().setUnits(3).setEpochs(1).setBatchSize(4).fit(spark().createDataFrame(rows, schema))
        .modelFile();
  }

  @Test
  void badValuesFailWhenSetNamingParamAndAllowedValues() {
    GruEstimator gru = new GruEstimator();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gru.setEpochs(0));
    assertEquals("GruEstimator param epochs must be in [1, 1000000], got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.setOptimizer("adagrad"));
    assertEquals("GruEstimator param optimizer must be one of [adam, adamw, rmsprop, sgd], got 'adagrad'",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.setLoss("mape"));
    assertEquals("GruEstimator param loss must be one of [mse, mae, huber, binary_crossentropy], got 'mape'",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.setLayers("gru,lstm"));
    assertEquals("GruEstimator param layers must be a comma-separated list of [gru, dense, masking, dropout], got "
        + "'gru,lstm'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.setLayerArgs("dropout=0.1"));
    assertEquals("GruEstimator param layerArgs entries must look like <layer index>.<keras argument>=<value>, e.g. "
        + "0.dropout=0.1, got 'dropout=0.1'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.setOptimizerArgs("learning_rate=0.1"));
    assertTrue(e.getMessage().startsWith("GruEstimator param optimizerArgs entries must look like <keras argument>="
        + "<value> other than name and learning_rate"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.setReduceLrFactor(1.0));
    assertTrue(e.getMessage().startsWith("GruEstimator param reduceLrFactor must be in ["), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.setMetrics("mae,r2"));
    assertEquals("GruEstimator param metrics must be a comma-separated list of [mae, rmse, binary_accuracy], got "
        + "'mae,r2'", e.getMessage());
    // The same checks guard param maps and grids.
    e = assertThrows(IllegalArgumentException.class, () -> new ParamGridBuilder().addGrid(gru.units(),
        new int[] {8, 0}).build());
    assertEquals("GruEstimator param units must be in [1, 65536], got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new GruModel("m").setPredictionBatchSize(-1));
    assertEquals("GruModel param predictionBatchSize must be in [1, 1048576], got -1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.copy(ParamMap.empty()).setResume(true)
        .transformSchema(new StructType().add("features", DataTypes.createArrayType(DataTypes.createArrayType(
        DataTypes.DoubleType))).add("label", DataTypes.DoubleType)));
    assertEquals("GruEstimator param resume is true but checkpointPath is empty: set checkpointPath to the directory "
        + "the interrupted fit wrote its checkpoints to", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.setQuantiles(0.1, 1.5));
    assertEquals("GruEstimator param quantiles must each lie strictly between 0 and 1, got 1.5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.setQuantiles(0.9, 0.1));
    assertEquals("GruEstimator param quantiles must be increasing with no repeats, got [0.9, 0.1]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.setQuantiles((double[]) null));
    assertEquals("GruEstimator param quantiles must not be null (empty for point predictions)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ParamMap.empty().put(gru.quantiles(), new double[] {0.0}));
    assertEquals("GruEstimator param quantiles must each lie strictly between 0 and 1, got 0.0", e.getMessage());
    assertEquals(0, gru.getQuantiles().length, "point predictions by default");
    e = assertThrows(IllegalArgumentException.class, () -> new SequenceWindows().setLookback(0));
    assertEquals("SequenceWindows param lookback must be in [1, 100000], got 0", e.getMessage());
  }

  @Test
  void badValuesAtFitNameTheColumnAndTheRow() {
    StructType schema = new StructType().add("id", DataTypes.StringType).add("features",
        DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType))).add("label", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(RowFactory.create("q" + i, List.of(List.of(1.0, 2.0), List.of(3.0, i == 7 ? Double.NaN : 4.0)), 1.0));
    }
    GruEstimator gru = new GruEstimator().setEpochs(1).setUnits(2).setSequenceIdCol("id")
        .setMetricsPath(dir.resolve("fit/metrics.jsonl").toUri().toString())
        .setCheckpointPath(dir.resolve("fit/checkpoints").toUri().toString());
    Exception e = assertThrows(IllegalArgumentException.class, () -> gru.fit(spark().createDataFrame(rows,
        schema)));
    assertEquals("column 'features' holds NaN at the row with key q7, step 1, element 1; values must be finite and "
        + "within float32 range", e.getMessage());
    rows.set(7, RowFactory.create("q7", List.of(List.of(1.0, 2.0), List.of(3.0)), 1.0));
    e = assertThrows(IllegalArgumentException.class, () -> gru.fit(spark().createDataFrame(rows, schema)));
    assertEquals("column 'features' has 1 values at the row with key q7, step 1; expected 2 per step",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gru.fit(spark().createDataFrame(rows.subList(0, 0),
        schema)));
    assertEquals("GruEstimator.fit: the dataset has no rows", e.getMessage());
    rows.set(7, RowFactory.create("q3", List.of(List.of(1.0, 2.0), List.of(3.0, 4.0)), 1.0));
    e = assertThrows(IllegalArgumentException.class, () -> gru.fit(spark().createDataFrame(rows, schema)));
    assertEquals("GruEstimator param sequenceIdCol: column 'id' must hold a unique, non-null key per row (it fixes "
        + "the rows' partitions and order), but 'q3' appears 2 times", e.getMessage());
    NoPartialOutput.assertOnly(dir, List.of(), "fit on bad rows with metricsPath and checkpointPath");
  }

  @Test
  void estimatorSavesAndLoadsWithItsParams() throws Exception {
    GruEstimator gru = new GruEstimator().setLayers("gru,gru,dense").setUnits(16).setLayerArgs("1.units=4",
        "0.return_sequences=true").setOptimizer("rmsprop").setOptimizerArgs("rho=0.8").setEpochs(7)
        .setValidationIndicatorCol("v").setEarlyStoppingMonitor("val_loss");
    String path = dir.resolve("est").toUri().toString();
    gru.write().save(path);
    GruEstimator loaded = GruEstimator.load(path);
    assertEquals(gru.uid(), loaded.uid());
    assertEquals(gru.jobConfig(true).effectiveValues(), loaded.jobConfig(true).effectiveValues());
    assertEquals(0.001, loaded.getLearningRate(), "Keras' default for rmsprop");
    java.util.Map<String, String> saved = NoPartialOutput.snapshot(dir);
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> gru.write().save(path));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    NoPartialOutput.assertUnchanged(dir, saved, "saving onto an existing path");
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> GruModel.load(path));
    assertEquals(path + " holds a saved sparkgru.jobs.ml.GruEstimator, not a sparkgru.jobs.ml.GruModel",
        wrong.getMessage());
    String empty = dir.resolve("weightless").toUri().toString();
    IllegalStateException none = assertThrows(IllegalStateException.class, () -> new GruModel("m").write()
        .save(empty));
    assertEquals("GruModel m has no weights; load it with GruModel.load(path)", none.getMessage());
    assertTrue(Files.notExists(dir.resolve("weightless")), "nothing written");
  }

  @Test
  void perStepAndVectorLabelsTrainAndPredictAsTheEngineDoesForEachRaggedSequence() {
    StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.createArrayType(
        DataTypes.DoubleType))).add("steps", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
        .add("pair", DataTypes.createArrayType(DataTypes.DoubleType));
    List<Row> rows = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(4);
    for (int i = 0; i < 40; i++) {
      List<List<Double>> x = new ArrayList<>();
      List<List<Double>> y = new ArrayList<>();
      double sum = 0;
      for (int t = 0; t < 3 + i % 4; t++) {
        double v = r.nextDouble() - 0.5;
        sum += v;
        x.add(List.of(v));
        y.add(List.of(sum));
      }
      rows.add(RowFactory.create(x, y, List.of(sum, -sum)));
    }
    Dataset<Row> data = spark().createDataFrame(rows, schema);
    GruModel perStep = new GruEstimator().setLabelCol("steps").setUnits(5).setLayerArgs("0.return_sequences=true")
        .setEpochs(2).setBatchSize(8).fit(data);
    GruModel pair = new GruEstimator().setLabelCol("pair").setUnits(5).setEpochs(2).setBatchSize(8).fit(data);
    // A one-element array label gives one-element array predictions, as the estimator's schema says.
    Dataset<Row> single = data.withColumn("one", array(element_at(col("pair"), 1)));
    GruEstimator oneOutput = new GruEstimator().setLabelCol("one").setUnits(3).setEpochs(1);
    StructType promised = oneOutput.transformSchema(single.schema());
    assertEquals(promised, oneOutput.fit(single).transform(single).schema());
    assertEquals(DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false),
        perStep.transformSchema(data.schema()).apply("prediction").dataType());
    Dataset<Row> seven = data.limit(1).withColumn("features", transform(sequence(lit(1), lit(7)),
        i -> array(i.cast("double"))));
    Exception e = assertThrows(Exception.class, () -> pair.transform(seven).collectAsList());
    assertTrue(userMessage(e).startsWith("GruModel: column 'features' holds sequences of 7 steps (row 0 of partition "),
        userMessage(e));
    assertTrue(userMessage(e).endsWith("and the model was trained on 3 to 6; give it sequences of 3 to 6 steps"),
        userMessage(e));
    List<Row> a = perStep.setPredictionBatchSize(7).transform(data).collectAsList();
    List<Row> b = pair.transform(data).collectAsList();
    sparkgru.engine.model.Sequential engine = ModelFile.read(perStep.modelFile(), "per-step").model();
    sparkgru.engine.model.Sequential engine2 = ModelFile.read(pair.modelFile(), "pair").model();
    for (int i = 0; i < 40; i++) {
      List<?> x = a.get(i).getList(0);
      float[] input = new float[x.size()];
      for (int t = 0; t < input.length; t++) {
        input[t] = ((Number) first(x.get(t))).floatValue();
      }
      float[] want = engine.predict(sparkgru.engine.linalg.Tensor.of(input, 1, input.length, 1), 1).toArray();
      List<?> got = a.get(i).getList(3);
      assertEquals(input.length, got.size());
      for (int t = 0; t < input.length; t++) {
        assertEquals(want[t], ((Number) first(got.get(t))).floatValue(), 0f, "row " + i + " step " + t);
      }
      float[] want2 = engine2.predict(sparkgru.engine.linalg.Tensor.of(input, 1, input.length, 1), 1).toArray();
      assertEquals(List.of((double) want2[0], (double) want2[1]), b.get(i).getList(3));
    }
  }

  @Test
  void quantileModelsPredictEachLabelValuesSortedQuantilesThatCoverTheLabelsAndKeepThemWhenSaved() throws Exception {
    StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.createArrayType(
        DataTypes.DoubleType))).add("y", DataTypes.DoubleType).add("pair", DataTypes.createArrayType(
        DataTypes.DoubleType)).add("steps", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)));
    List<Row> rows = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(8);
    for (int i = 0; i < 300; i++) {
      List<List<Double>> x = new ArrayList<>();
      double sum = 0;
      for (int t = 0; t < 3; t++) {
        double v = r.nextDouble() - 0.5;
        sum += v;
        x.add(List.of(v));
      }
      // Noise uniform in [-1, 1]: the 0.1 and 0.9 quantiles lie 0.8 below and above the mean.
      double y = sum + 2 * r.nextDouble() - 1;
      rows.add(RowFactory.create(x, y, List.of(y, -y), List.of(List.of(y), List.of(y), List.of(y))));
    }
    Dataset<Row> data = spark().createDataFrame(rows, schema);
    double[] levels = {0.1, 0.5, 0.9};
    GruEstimator gru = new GruEstimator().setLabelCol("y").setUnits(8).setEpochs(40).setBatchSize(16)
        .setLearningRate(0.02).setQuantiles(levels);
    assertEquals(DataTypes.createArrayType(DataTypes.DoubleType, false), gru.transformSchema(data.schema())
        .apply("prediction").dataType(), "a number's quantiles");
    GruModel model = gru.fit(data);
    assertArrayEquals(levels, model.getQuantiles());
    List<sparkgru.engine.model.LayerSpec> layers = model.spec().layers();
    assertEquals("3", layers.get(layers.size() - 1).args().get("units"), "the last dense layer: one unit per level");
    List<Row> predicted = model.transform(data).collectAsList();
    int apart = 0;
    int belowLower = 0;
    int belowUpper = 0;
    for (Row row : predicted) {
      List<Double> q = row.getList(4);
      assertEquals(3, q.size());
      assertTrue(q.get(0) <= q.get(1) && q.get(1) <= q.get(2), "quantiles never cross: " + q);
      apart += q.get(0) < q.get(2) ? 1 : 0;
      belowLower += row.getDouble(1) < q.get(0) ? 1 : 0;
      belowUpper += row.getDouble(1) < q.get(2) ? 1 : 0;
    }
    assertTrue(apart > 0.9 * predicted.size(), apart + " of " + predicted.size() + " rows have 0.1 < 0.9 quantile");
    // Ideally 10% and 90% of the labels lie below the two quantiles, 80% between them (measured: 9% and 86%).
    double between = (belowUpper - belowLower) / (double) predicted.size();
    assertTrue(belowLower < 0.25 * predicted.size() && between > 0.6, "below the 0.1 quantile: " + belowLower
        + ", between: " + between);

    String path = dir.resolve("quantiles").toUri().toString();
    model.write().save(path);
    GruModel loaded = GruModel.load(path);
    assertArrayEquals(levels, loaded.getQuantiles());
    assertEquals(predicted, loaded.transform(data).collectAsList());
    String estimatorPath = dir.resolve("quantile-estimator").toUri().toString();
    gru.write().save(estimatorPath);
    assertArrayEquals(levels, GruEstimator.load(estimatorPath).getQuantiles());
    assertEquals(0, new GruEstimator().setLabelCol("y").setUnits(2).setEpochs(1).fit(data).getQuantiles().length,
        "a point model");

    // A vector label of k values: k * Q numbers, label-major, each value's quantiles sorted.
    GruModel pairs = new GruEstimator().setLabelCol("pair").setUnits(4).setEpochs(1).setQuantiles(0.25, 0.75)
        .fit(data);
    sparkgru.engine.model.Sequential engine = ModelFile.read(pairs.modelFile(), "pairs").model();
    List<Row> pairRows = pairs.transform(data).limit(20).collectAsList();
    for (Row row : pairRows) {
      List<?> x = row.getList(0);
      float[] input = new float[x.size()];
      for (int t = 0; t < input.length; t++) {
        input[t] = ((Number) first(x.get(t))).floatValue();
      }
      float[] raw = engine.predict(sparkgru.engine.linalg.Tensor.of(input, 1, input.length, 1), 1).toArray();
      assertEquals(4, raw.length, "two values, two levels each");
      List<Double> want = List.of((double) Math.min(raw[0], raw[1]), (double) Math.max(raw[0], raw[1]),
          (double) Math.min(raw[2], raw[3]), (double) Math.max(raw[2], raw[3]));
      assertEquals(want, row.getList(4));
    }

    Exception e = assertThrows(IllegalArgumentException.class, () -> new GruEstimator().setLabelCol("steps")
        .setLayerArgs("0.return_sequences=true").setQuantiles(0.1, 0.9).transformSchema(data.schema()));
    assertEquals("GruEstimator param quantiles: labelCol 'steps' holds per-step labels (a sequence), which take no "
        + "quantiles; quantiles need a number, array<numeric> or vector label", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new GruEstimator().setLabelCol("pair").setUnits(2)
        .setLayers("gru,dense").setLayerArgs("1.units=2").setQuantiles(0.1, 0.9).fit(data));
    assertEquals("GruEstimator: the model (layers gru,dense) outputs [2] per sample but labelCol 'pair' holds 2 "
        + "value(s) per sequence and quantiles lists 2 levels; the last GRU must not return sequences and the last "
        + "dense layer 4 units (or none set)", e.getMessage());
  }

  /** Predictions of {@code model} by the rows' key. */
  private static Map<String, Double> predictions(GruModel model, Dataset<Row> data, int batch) {
    Map<String, Double> out = new java.util.HashMap<>();
    for (Row r : model.copy(ParamMap.empty()).setPredictionBatchSize(batch).transform(data).select("id", "prediction")
        .collectAsList()) {
      out.put(r.getString(0), r.getDouble(1));
    }
    return out;
  }

  /** The largest difference of two predictions of the same rows, relative to the largest prediction. */
  private static double relativeDifference(Map<String, Double> a, Map<String, Double> b) {
    double diff = 0;
    double scale = 0;
    for (Map.Entry<String, Double> e : a.entrySet()) {
      diff = Math.max(diff, Math.abs(e.getValue() - b.get(e.getKey())));
      scale = Math.max(scale, Math.abs(e.getValue()));
    }
    return diff / scale;
  }

  @Test
  void predictionsDependOnTheBatchSizeOnlyByFloat32Rounding() {
    StructType schema = new StructType().add("id", DataTypes.StringType).add("features", DataTypes.createArrayType(
        DataTypes.createArrayType(DataTypes.DoubleType))).add("label", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 300; i++) {
      List<List<Double>> x = new ArrayList<>();
      double sum = 0;
      for (int t = 0; t < 24; t++) {
        double v = r.nextDouble() - 0.5;
        sum += v;
        x.add(List.of(v, r.nextDouble(), Math.sin(t)));
      }
      rows.add(RowFactory.create("w" + i, x, sum));
    }
    Dataset<Row> data = spark().createDataFrame(rows, schema).repartition(1).cache();
    GruEstimator gru = new GruEstimator().setUnits(64).setEpochs(1).setBatchSize(32).setSequenceIdCol("id");
    GruModel model = gru.fit(data);
    Map<String, Double> whole = predictions(model, data, 256);
    double by7 = relativeDifference(whole, predictions(model, data, 7));
    double by1 = relativeDifference(whole, predictions(model, data, 1));
    double otherModel = relativeDifference(whole, predictions(gru.copy(ParamMap.empty()).setSeed(2).fit(data), data,
        256));
    System.out.printf(Locale.ROOT, "batch 256 vs 7: %.3g, vs 1: %.3g, another seed: %.3g (relative to the largest "
        + "prediction)%n", by7, by1, otherModel);
    // float32 keeps 24 bits (about 6e-8 relative); a few ulps through 24 GRU steps stay far below 1e-5.
    assertTrue(by7 <= 1e-5 && by1 <= 1e-5, "batch sizes 7 and 1 against 256: " + by7 + ", " + by1);
    assertTrue(otherModel > 1e-2, "another model differs clearly: " + otherModel);
  }

  /** The message of the user's error behind a failed Spark action. */
  static String userMessage(Throwable failure) {
    return DataErrors.message(failure).orElseThrow(() -> new AssertionError("no user error behind " + failure,
        failure));
  }

  /** The first element of an array value nested in a row (a Scala Seq). */
  private static Object first(Object value) {
    return ((scala.collection.Seq<?>) value).apply(0);
  }
}
