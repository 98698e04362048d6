package sparkgru.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Generated daily store sales that jump on promotion days, for tests of covariates: stores
 * {@code s0..s<n-1>} from Monday 2023-01-02, sales = 30 (small stores, even numbers) or 60
 * (large) + a weekly swing of 5 + 25 on a promotion day (a quarter of the days, drawn at random)
 * + noise of standard deviation 1. Columns {@code store,date,promo,sales,size,area}; the
 * promotions of the {@code horizon} days after the data are written apart
 * ({@code store,date,promo}), as {@code forecast --future} reads them.
 *
 * @param data   the sales
 * @param future the promotions after the data
 * @param promo  whether store s has a promotion on day d (days from the first, data and after)
 */
public record PromotionSales(Path data, Path future, boolean[][] promo) {
  /** The first day. */
  public static final LocalDate START = LocalDate.of(2023, 1, 2);

  /** The base sales of store {@code store}: 30 for small stores, 60 for large ones. */
  public static double base(int store) {
    return store % 2 == 0 ? 30 : 60;
  }

  /** Writes {@code stores} stores of {@code days} days and the promotions of the {@code horizon} days after. */
  public static PromotionSales write(Path dir, int stores, int days, int horizon) throws IOException {
    Random r = new Random(7);
    boolean[][] promo = new boolean[stores][days + horizon];
    for (boolean[] p : promo) {
      for (int d = 0; d < p.length; d++) {
        p[d] = r.nextDouble() < 0.25;
      }
    }
    Random noise = new Random(11);
    List<String> rows = new ArrayList<>();
    List<String> known = new ArrayList<>();
    for (int s = 0; s < stores; s++) {
      for (int d = 0; d < days + horizon; d++) {
        String common = "s" + s + "," + START.plusDays(d) + "," + (promo[s][d] ? 1 : 0);
        if (d < days) {
          double weekly = 5 * Math.sin(2 * Math.PI * START.plusDays(d).getDayOfWeek().getValue() / 7.0);
          double sales = base(s) + weekly + (promo[s][d] ? 25 : 0) + noise.nextGaussian();
          rows.add(common + "," + String.format(Locale.ROOT, "%.3f", sales) + "," + (s % 2 == 0 ? "small" : "large")
              + "," + (100 * (s + 1)));
        } else {
          known.add(common);
        }
      }
    }
    Path data = Files.writeString(dir.resolve("sales.csv"), "store,date,promo,sales,size,area\n"
        + String.join("\n", rows) + "\n");
    Path future = Files.writeString(dir.resolve("promotions.csv"), "store,date,promo\n" + String.join("\n", known)
        + "\n");
    return new PromotionSales(data, future, promo);
  }

  /**
   * The settings of a sales forecaster on these data: lookback 14, the given horizon, scaling
   * per column, 70 % training and 30 % test, and {@code more}.
   */
  public List<String> config(Path out, int horizon, String... more) {
    List<String> c = new ArrayList<>(List.of("data.source=csv", "data.format=long", "data.path=" + data.toUri(),
        "data.series_column=store", "data.time_column=date", "data.feature_columns=sales",
        "data.target_columns=sales", "window.lookback=14", "window.horizon=" + horizon, "window.normalization=none",
        "scaling.method=standard", "scaling.scope=per_column", "split.train=0.7", "split.validation=0",
        "split.test=0.3", "model.layer.0.units=16", "optimizer.learning_rate=0.01", "train.epochs=12",
        "train.batch_size=32", "train.partitions=2", "evaluate.season=7", "output.progress=false",
        "output.model=" + out.resolve("model.sgru").toUri(), "output.metrics=" + out.resolve("metrics.jsonl").toUri()));
    c.addAll(List.of(more));
    return c;
  }
}
