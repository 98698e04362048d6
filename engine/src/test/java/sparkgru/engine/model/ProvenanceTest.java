package sparkgru.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import sparkgru.engine.io.Json;

/**
 * A model's provenance as JSON: the same text as the untyped maps the jobs wrote, key for key
 * and in order; a round trip through the header's JSON; what other writers left in a file.
 */
class ProvenanceTest {
  private static final Map<String, Object> SCALING = scaling();
  /** Time steps as the jobs record them (JSON numbers read back as doubles). */
  private static final Map<String, Object> STEPS = new LinkedHashMap<>(Map.of("smallest", 3600.0, "largest", 3600.0,
      "unit", "seconds"));
  private static final Map<String, String> CONFIG = new TreeMap<>(Map.of("train.seed", "7", "data.format", "long",
      "model.layer.0.units", "32"));
  private static final Instant CREATED = Instant.parse("2026-03-01T12:34:56.789012Z");

  private static Map<String, Object> scaling() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("method", "standard");
    s.put("scope", "per_series");
    s.put("columns", new ArrayList<>(List.of("OT")));
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("a\u0000OT", List.of(1.25, 0.5));
    s.put("params", params);
    return s;
  }

  /** Two epochs, the second with a loss that was not finite (JSON writes null). */
  private static List<Map<String, Double>> history() {
    Map<String, Double> first = new LinkedHashMap<>();
    first.put("loss", 0.75);
    first.put("val_loss", 0.8125);
    first.put("samples_per_s", 1234.5);
    Map<String, Double> second = new LinkedHashMap<>();
    second.put("loss", Double.NaN);
    second.put("val_loss", 0.5);
    second.put("samples_per_s", 1300.0);
    return List.of(first, second);
  }

  /** What a training run recorded in a {@code LinkedHashMap}, put by put, before and after training. */
  private static Map<String, Object> untyped(Map<String, Object> before, boolean finished) {
    Map<String, Object> p = new LinkedHashMap<>(before);
    p.put("engine", Version.NAME);
    p.put("spark", "4.0.1");
    p.put("java", System.getProperty("java.version"));
    p.put("data", "hdfs:///data/ett.csv");
    p.put("seed", 7L);
    p.put("partitions", 3);
    p.put("config", CONFIG);
    if (finished) {
      p.put("created", CREATED.toString());
      p.put("history", new ArrayList<>(history()));
    }
    return p;
  }

  private static Provenance run(Provenance before) {
    return before.withRun("4.0.1", "hdfs:///data/ett.csv", 7L, 3, CONFIG);
  }

  @Test
  void eachKindOfRunWritesTheSameJsonAsItsUntypedMap() {
    Map<String, Object> series = new LinkedHashMap<>();
    series.put("scaling", SCALING);
    series.put("training_windows", 4567L);
    series.put("time_steps", STEPS);
    Provenance forecasting = run(Provenance.NONE.withScaling(SCALING, 4567L).withTimeSteps(STEPS));
    assertEquals(Json.write(untyped(series, false)), Json.write(forecasting.toJson()), "a checkpoint's");
    assertEquals(Json.write(untyped(series, true)),
        Json.write(forecasting.withOutcome(CREATED, history()).toJson()), "a forecasting model's");

    assertEquals(Json.write(untyped(Map.of(), true)),
        Json.write(run(Provenance.NONE).withOutcome(CREATED, history()).toJson()), "a sequence model's");

    Map<String, Object> ml = Map.of("prediction_shape", "vector");
    assertEquals(Json.write(untyped(ml, true)),
        Json.write(run(Provenance.NONE.withPredictionShape("vector")).withOutcome(CREATED, history()).toJson()),
        "an MLlib model's");
  }

  @Test
  void theJsonReadsBackAsTheSameProvenanceAndText() {
    Provenance p = run(Provenance.NONE.withScaling(SCALING, 4567L).withTimeSteps(STEPS)).withOutcome(CREATED,
        history());
    String text = Json.write(p.toJson());
    Provenance read = Provenance.fromJson(Json.parse(text));
    assertEquals(p, read);
    assertEquals(text, Json.write(read.toJson()));
    assertEquals(7L, read.seed());
    assertEquals(3, read.partitions());
    assertEquals(CONFIG, read.config());
    assertEquals(List.copyOf(CONFIG.keySet()), List.copyOf(read.config().keySet()), "the configuration's order");
    assertEquals(Double.NaN, read.history().get(1).get("loss"), "null in the file");
    assertEquals(Map.of(), read.other());
  }

  @Test
  void theMllibModelsSequenceStepsReadBackAndABadRangeStaysUnread() {
    Provenance p = Provenance.NONE.withPredictionShape("scalar").withSequenceSteps(new Provenance.SequenceSteps(3, 6));
    String text = Json.write(p.toJson());
    assertEquals("{\"prediction_shape\":\"scalar\",\"sequence_steps\":{\"shortest\":3,\"longest\":6}}",
        text.replaceAll("\\s", ""));
    Provenance read = Provenance.fromJson(Json.parse(text));
    assertEquals(p, read);
    assertEquals("3 to 6", read.sequenceSteps().describe());
    assertEquals("24", new Provenance.SequenceSteps(24, 24).describe());
    Provenance bad = Provenance.fromJson(Json.parse("{\"sequence_steps\":{\"shortest\":5,\"longest\":2}}"));
    assertNull(bad.sequenceSteps());
    assertEquals(List.of("sequence_steps"), List.copyOf(bad.other().keySet()), "kept as it was");
  }

  @Test
  void unknownKeysAndUnexpectedValuesAreKeptAfterTheKnownOnes() {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("origin_note", "hand-written");
    file.put("seed", "seven");
    file.put("data", "s3://bucket/x.parquet");
    file.put("partitions", 2.5);
    file.put("created", "yesterday");
    file.put("history", List.of("not an epoch"));
    file.put("config", null);
    Provenance p = Provenance.fromJson(Json.parse(Json.write(file)));
    assertEquals("s3://bucket/x.parquet", p.dataOrigin());
    assertNull(p.seed());
    assertNull(p.partitions());
    assertNull(p.created());
    assertNull(p.history());
    assertNull(p.config(), "null reads as absent");
    assertEquals(List.of("origin_note", "seed", "partitions", "created", "history"), List.copyOf(p.other().keySet()));
    assertEquals(List.of("data", "origin_note", "seed", "partitions", "created", "history"),
        List.copyOf(p.toJson().keySet()));
    assertEquals("seven", p.toJson().get("seed"));
  }

  @Test
  void anythingButAnObjectIsNoProvenance() {
    assertEquals(Provenance.NONE, Provenance.fromJson(null));
    assertEquals(Provenance.NONE, Provenance.fromJson(List.of(1.0)));
    assertEquals(Provenance.NONE, Provenance.fromJson("provenance"));
    assertEquals(Map.of(), Provenance.NONE.toJson());
  }

  @Test
  void aKerasImportRecordsItsSource() {
    Map<String, Object> metadata = Map.of("keras_version", "3.6.0");
    assertEquals("{\"source\": \"m.keras\", \"keras_metadata\": {\"keras_version\": \"3.6.0\"}}",
        Json.write(Provenance.imported("m.keras", metadata).toJson()));
    assertEquals("{\"source\": \"m.h5\"}", Json.write(Provenance.imported("m.h5", null).toJson()));
  }
}
