package sparkgru.jobs.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sparkgru.jobs.data.ChronologicalSplit;

/** The forecasting keys: defaults, derived settings and every error message. */
class JobConfigTest {
  private static final String[] SERIES = {"data.source=csv", "data.format=long", "data.path=x.csv",
      "data.feature_columns=v,c", "data.target_columns=v"};

  private static JobConfig series(String... more) {
    String[] all = java.util.Arrays.copyOf(SERIES, SERIES.length + more.length);
    System.arraycopy(more, 0, all, SERIES.length, more.length);
    return JobConfig.of(all);
  }

  private static String error(String... more) {
    return assertThrows(IllegalArgumentException.class, () -> series(more)).getMessage();
  }

  @Test
  void theLastDenseLayerGetsOneUnitPerOutputValue() {
    JobConfig c = series("window.horizon=12");
    assertEquals(12, c.outputs());
    assertEquals("12", c.model(2, c.outputs()).layers().get(1).args().get("units"));
    assertEquals("32", c.model(2, c.outputs()).layers().get(0).args().get("units"));
    JobConfig recursive = series("data.feature_columns=v", "forecast.mode=recursive");
    assertEquals(1, recursive.outputs());
    assertEquals(new ChronologicalSplit(ChronologicalSplit.Mode.FRACTIONS, 0.7, 0.1, 0.2), c.split());
    assertNull(c.evaluationSteps());
    assertArrayEquals(new int[] {2, 11}, series("window.horizon=12", "evaluate.steps=3,12").evaluationSteps());
  }

  @Test
  void m4AndDemoSeriesHaveDefaultColumns() {
    JobConfig m4 = JobConfig.of("data.source=csv", "data.format=m4", "data.path=Hourly-train.csv");
    assertEquals(List.of("value"), m4.windowSpec().inputs());
    JobConfig demo = JobConfig.of("data.format=long");
    assertEquals(List.of("value", "hour_sin", "hour_cos"), demo.windowSpec().inputs());
    assertEquals(List.of("value"), demo.windowSpec().targets());
  }

  @Test
  void badForecastingKeysAreNamed() {
    assertEquals("split.mode must be one of [fractions, rows, last_rows, times], got 'random'",
        error("split.mode=random"));
    assertEquals("split.train must be a time with split.mode=times: a whole number or a date-time like 2017-06-26 "
        + "00:00:00, got '0.7'", error("split.mode=times"));
    assertEquals("split times must be in order, split.train <= split.validation <= split.test, got 1498435200, "
        + "1498435100, 9223372036854775807", error("split.mode=times", "split.train=2017-06-26",
        "split.validation=1498435100", "split.test="));
    assertEquals("split fractions must be split.train > 0, split.validation >= 0, split.test >= 0 with a sum <= 1, "
        + "got 0.8, 0.2, 0.2", error("split.train=0.8", "split.validation=0.2"));
    assertEquals("split row counts must be whole numbers >= 0 and split.train >= 1, got 100.5, 10.0, 10.0",
        error("split.mode=rows", "split.train=100.5", "split.validation=10", "split.test=10"));
    assertEquals("scaling.scope must be one of [global, per_column, per_series], got 'per_row'",
        error("scaling.scope=per_row"));
    assertEquals("forecast.mode must be one of [direct, recursive], got 'iterated'", error("forecast.mode=iterated"));
    assertEquals("window.lookback must be in [1, 100000], got 0", error("window.lookback=0"));
    assertEquals("evaluate.steps must list steps in [1, 24] (window.horizon), got '25'", error("evaluate.steps=25"));
    assertEquals("data.format must be one of [sequences, long, wide, m4], got 'tall'", error("data.format=tall"));
    assertEquals("monitoring val_loss needs validation data: set split.validation > 0",
        error("split.validation=0", "early_stopping.monitor=val_loss"));
  }

  /**
   * A layer index beyond int is past the last layer, and the message says so rather than the JDK's
   * "For input string".
   */
  @Test
  void aLayerIndexBeyondIntIsPastTheLastLayer() {
    assertEquals("model.layer.99999999999.units configures layer 99999999999 but model.layers lists 2 layers "
        + "[gru, dense]", error("model.layer.99999999999.units=3"));
    assertEquals("8", series("model.layer.0000000000000.units=8").model(2, 1).layers().get(0).args().get("units"));
  }

  @Test
  void aMalformedUnicodeEscapeNamesTheFile() {
    assertEquals("bad.conf is not a valid .properties file: Malformed \\uxxxx encoding. (\\u must be followed by four "
        + "hex digits; write \\\\ for a backslash)", assertThrows(IllegalArgumentException.class,
        () -> JobConfig.load(new java.io.StringReader("data.series_name = a\\u12"), "bad.conf", List.of()))
        .getMessage());
  }

  /** A UTF-8 file that starts with a byte-order mark reads the same as one without, whatever its first line. */
  @Test
  void aLeadingByteOrderMarkIsSkipped() throws java.io.IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    for (String text : List.of("data.source=csv\ndata.path=x.csv\ndata.feature_columns=a\ndata.target_columns=a\n",
        "# a comment first\ndata.source=csv\ndata.path=x.csv\ndata.feature_columns=a\ndata.target_columns=a\n")) {
      byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] file = java.util.Arrays.copyOf(bom, bom.length + body.length);
      System.arraycopy(body, 0, file, bom.length, body.length);
      JobConfig c = JobConfig.load(new java.io.InputStreamReader(new java.io.ByteArrayInputStream(file),
          java.nio.charset.StandardCharsets.UTF_8), "bom.conf", List.of());
      assertEquals("csv", c.get(Settings.DATA_SOURCE));
      assertEquals("x.csv", c.get(Settings.DATA_PATH));
      assertEquals(JobConfig.load(new java.io.StringReader(text), "plain.conf", List.of()).effectiveValues(),
          c.effectiveValues());
    }
    assertEquals(6, JobConfig.load(new java.io.StringReader(""), "empty.conf", List.of("window.horizon=6"))
        .get(Settings.WINDOW_HORIZON), "an empty file still reads");
  }

  @Test
  void missingValueMarkersReachTheSeriesSource() {
    assertEquals(List.of("NA", "N/A", "null", "NULL", "NaN", "nan", "-"), series().seriesSource().naValues());
    assertEquals(List.of("?", "missing"), series("data.na_values= ?, missing").seriesSource().naValues());
    assertEquals(List.of(), series("data.na_values=").seriesSource().naValues());
  }

  @Test
  void appliedModelsMayChangeOnlyTheirDataLocationAndEvaluation() {
    Map<String, String> stored = series("window.horizon=6").effectiveValues();
    assertEquals(series("window.horizon=6").model(2, 6), JobConfig.applying(stored, "m.sgru", List.of()).model(2, 6),
        "the stored configuration builds the same model, defaults included");
    JobConfig c = JobConfig.applying(stored, "m.sgru", List.of("data.path=other.csv", "evaluate.season=24"));
    assertEquals("other.csv", c.get(Settings.DATA_PATH));
    assertEquals("m.sgru: it was trained on sequences (data.format=sequences), not on time series; forecasting needs "
        + "a model trained with data.format=long, wide or m4", assertThrows(IllegalArgumentException.class,
            () -> JobConfig.applying(JobConfig.of().effectiveValues(), "m.sgru", List.of())).getMessage());
    assertEquals("override 'window' must be key=value, e.g. data.path=new.csv", assertThrows(
        IllegalArgumentException.class, () -> JobConfig.applying(stored, "m.sgru", List.of("window"))).getMessage());
  }

  @Test
  void readerOptionsPassAsWrittenWhileOtherUnknownKeysAreStillRefused() {
    JobConfig c = JobConfig.of("data.source=format", "data.format_name=delta", "data.path=/data/t",
        "data.feature_columns=v", "data.target_columns=v", "data.options.versionAsOf=3",
        "data.options.mergeSchema= true ");
    assertEquals(Map.of("versionAsOf", "3", "mergeSchema", "true"), c.dataOptions());
    assertEquals(c.dataOptions(), c.dataInput().options());
    assertEquals("'data.options.' names no reader option: write data.options.<option> = value, e.g. "
        + "data.options.mergeSchema = true", assertThrows(IllegalArgumentException.class,
            () -> JobConfig.of("data.options.=x")).getMessage());
    assertEquals("unknown key 'data.option.sep'; see conf/demo.conf for every key", assertThrows(
        IllegalArgumentException.class, () -> JobConfig.of("data.option.sep=;")).getMessage().replaceFirst(
            "; did you mean '[^']*'\\?", ""));
    assertEquals("data.table must be set when data.source=table", assertThrows(IllegalArgumentException.class,
        () -> JobConfig.of("data.source=table", "data.feature_columns=v", "data.target_columns=v")).getMessage());
    assertEquals("data.format_name must be set when data.source=format", assertThrows(
        IllegalArgumentException.class, () -> JobConfig.of("data.source=format", "data.path=/data/t",
            "data.feature_columns=v", "data.target_columns=v")).getMessage());
    JobConfig table = JobConfig.of("data.source=table", "data.table=sales.series", "data.feature_columns=v",
        "data.target_columns=v");
    assertEquals("table sales.series", table.dataInput().origin());
  }
}
