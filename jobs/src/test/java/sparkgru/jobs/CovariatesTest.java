package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.io.Json;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.forecast.EvaluateJob;
import sparkgru.jobs.forecast.TrainedModel;
import sparkgru.jobs.train.TrainJob;

/**
 * Known-future, static and calendar covariates and quantile forecasts end to end, on daily store
 * sales that jump on promotion days: the promotions of the horizon cannot be told from the past,
 * so a model that is given them as known-future values forecasts far better than the same model
 * without; a model with every covariate and three quantiles trains, forecasts with {@code --future}
 * (quantiles that never cross, higher on promotion days) and evaluates with folds; and the bad
 * inputs of covariates are refused by name, leaving nothing behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CovariatesTest {
  private static final LocalDate START = PromotionSales.START;
  private static final int DAYS = 240;
  private static final int STORES = 8;
  private static final int HORIZON = 7;

  @TempDir
  static Path dir;
  private PromotionSales sales;
  private Path data;
  private Path future;
  private boolean[][] promo;

  @BeforeAll
  void writeData() throws Exception {
    sales = PromotionSales.write(dir, STORES, DAYS, HORIZON);
    data = sales.data();
    future = sales.future();
    promo = sales.promo();
  }

  private List<String> config(String out, String... more) {
    return sales.config(dir.resolve(out), HORIZON, more);
  }

  private static void train(List<String> config) {
    TrainJob.run(SparkTestSession.get(), JobConfig.of(config.toArray(new String[0])),
        new PrintWriter(new StringWriter()));
  }

  private static TrainedModel model(String out) {
    return TrainedModel.read(dir.resolve(out + "/model.sgru").toUri().toString(), List.of(),
        SparkTestSession.get().sparkContext().hadoopConfiguration());
  }

  private static double testMae(String out) {
    return EvaluateJob.run(SparkTestSession.get(), model(out), null, null, null, null,
        new PrintWriter(new StringWriter())).evaluation().results().get("model").get("mae_raw");
  }

  @Test
  void aModelGivenTheKnownFuturePromotionsForecastsFarBetter() {
    train(config("plain"));
    train(config("promo", "data.future_columns=promo"));
    double without = testMae("plain");
    double with = testMae("promo");
    // Unknown promotions (+25 on a quarter of the days) cost about 25 * 2 * 0.25 * 0.75 = 9.4 in MAE.
    assertTrue(with < 0.5 * without, "MAE with the promotions " + with + ", without " + without);
  }

  @Test
  void everyCovariateAndThreeQuantilesTrainForecastWithTheFutureAndEvaluateWithFolds() throws Exception {
    train(config("all", "data.future_columns=promo", "data.static_columns=size,area",
        "features.calendar=day_of_week,month_of_year", "train.quantiles=0.1,0.5,0.9"));
    Path out = dir.resolve("all-forecast.csv");
    String[] r = BadCommandLinesTest.run("forecast", "--model", dir.resolve("all/model.sgru").toString(), "--future",
        future.toString(), "--output", out.toString());
    assertEquals("0", r[0], r[2]);
    List<String> lines = Files.readAllLines(out);
    assertEquals("store,date,sales,sales_q0.1,sales_q0.5,sales_q0.9", lines.get(0));
    assertEquals(1 + STORES * HORIZON, lines.size());
    double promoted = 0;
    double plain = 0;
    int promotedDays = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      double q1 = Double.parseDouble(f[3]);
      double q5 = Double.parseDouble(f[4]);
      double q9 = Double.parseDouble(f[5]);
      assertTrue(q1 <= q5 && q5 <= q9, "quantiles in order: " + line);
      assertEquals(q5, Double.parseDouble(f[2]), 0, "the point forecast is the median");
      int store = Integer.parseInt(f[0].substring(1));
      int day = (int) (LocalDate.parse(f[1].substring(0, 10)).toEpochDay() - START.toEpochDay());
      assertTrue(day >= DAYS && day < DAYS + HORIZON, "forecast dates follow the history: " + line);
      if (promo[store][day]) {
        promoted += q5 - PromotionSales.base(store);
        promotedDays++;
      } else {
        plain += q5 - PromotionSales.base(store);
      }
    }
    double lift = promoted / promotedDays - plain / (STORES * HORIZON - promotedDays);
    assertTrue(lift > 12, "promotion days are forecast higher by " + lift + " (truth: 25)");

    Path report = dir.resolve("all-folds.json");
    r = BadCommandLinesTest.run("evaluate", "--model", dir.resolve("all/model.sgru").toString(), "--folds", "3",
        "--report", report.toString());
    assertEquals("0", r[0], r[2]);
    Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(report));
    assertEquals(3, ((List<?>) json.get("folds")).size());
  }

  @Test
  void badCovariateInputsAreRefusedByNameAndLeaveNothing() throws Exception {
    train(config("known", "data.future_columns=promo", "data.static_columns=size"));
    String model = dir.resolve("known/model.sgru").toString();
    Path out = dir.resolve("refused/forecast.csv");
    List<String> gap = new ArrayList<>(Files.readAllLines(future));
    gap.set(10, gap.get(10).substring(0, gap.get(10).lastIndexOf(',') + 1));
    Path holed = Files.write(dir.resolve("holed.csv"), gap);
    Map<String, String> before = NoPartialOutput.snapshot(dir);

    String[] r = BadCommandLinesTest.run("forecast", "--model", model, "--output", out.toString());
    assertEquals("2", r[0], r[2]);
    assertEquals("spark-gru: error: the model reads the known-future columns [promo] over the horizon; give their "
        + "values for the 7 periods after each series' history with --future PATH (laid out as the data: series, "
        + "time and promo)" + System.lineSeparator(), r[2]);

    r = BadCommandLinesTest.run("forecast", "--model", model, "--future", holed.toString(), "--output",
        out.toString());
    assertEquals("2", r[0], r[2]);
    String[] cell = gap.get(10).split(",");
    assertEquals("spark-gru: error: series " + cell[0] + " has no value of the future column 'promo' at time "
        + cell[1] + " 00:00:00 in the --future data; forecasting needs every future column at each of the 7 "
        + "periods after the history" + System.lineSeparator(), r[2]);
    NoPartialOutput.assertUnchanged(dir, before, "forecasts refused for their future values");

    List<String> changing = new ArrayList<>(Files.readAllLines(data));
    int row = 1 + 2 * DAYS + 100; // store s2, day 100
    changing.set(row, changing.get(row).replace(",small,", ",large,"));
    Path moved = Files.write(dir.resolve("changing.csv"), changing);
    List<String> c = config("changing", "data.static_columns=size");
    c.add("data.path=" + moved.toUri());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train(c));
    assertEquals("series s2 has two values in static column 'size': 'small' at time 2023-01-02 00:00:00 and "
        + "'large' at time " + START.plusDays(100) + " 00:00:00; a static column holds one value per series (a "
        + "value that changes over time belongs in data.feature_columns or data.future_columns)", e.getMessage());
    assertEquals(java.util.Set.of(), NoPartialOutput.files(dir.resolve("changing")), "no model, no metrics");
  }
}
