package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import sparkgru.jobs.forecast.ForecastReport.LinePlot;
import sparkgru.jobs.forecast.ForecastReport.SeriesPlot;

/** The report is one decodable PNG of the requested size, drawn from its inputs, and rejects bad ones clearly. */
class ForecastReportTest {

  private static List<Map<String, Double>> history(int epochs) {
    List<Map<String, Double>> logs = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      logs.add(Map.of("loss", 1.0 / (e + 1), "val_loss", 1.2 / (e + 1) + 0.05, "mae", 0.5));
    }
    return logs;
  }

  /** A sine wave's history and a forecast of it {@code shift} away from the truth. */
  private static SeriesPlot sine(String id, double shift, boolean withActual) {
    double[] hx = new double[48];
    double[] h = new double[48];
    for (int t = 0; t < hx.length; t++) {
      hx[t] = t;
      h[t] = Math.sin(t / 4.0);
    }
    double[] fx = new double[12];
    double[] f = new double[12];
    double[] a = new double[12];
    for (int i = 0; i < fx.length; i++) {
      fx[i] = 48 + i;
      a[i] = Math.sin(fx[i] / 4.0);
      f[i] = a[i] + shift;
    }
    return new SeriesPlot(id, hx, h, fx, f, withActual ? a : null, null, null);
  }

  private static BufferedImage decode(byte[] png) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertTrue(image != null, "not a decodable image");
    return image;
  }

  private static int distinctColours(BufferedImage image) {
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }

  private static int[] pixels(BufferedImage image) {
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }

  @Test
  void pngHasTheRequestedSizeAndIsNotOneFlatColour() throws IOException {
    byte[] png = ForecastReport.png("run 7", history(20), List.of(),
        List.of(sine("a", 0.1, true), sine("b", -0.2, false), sine("c", 0.0, true)), 900, 700);
    BufferedImage image = decode(png);
    assertEquals(900, image.getWidth());
    assertEquals(700, image.getHeight());
    assertTrue(distinctColours(image) > 50, "distinct colours: " + distinctColours(image));
  }

  @Test
  void differentForecastsGiveDifferentImages() throws IOException {
    int[] near = pixels(decode(ForecastReport.png("run", history(5), List.of(),
        List.of(sine("a", 0.1, true)), 640, 360)));
    int[] far = pixels(decode(ForecastReport.png("run", history(5), List.of(),
        List.of(sine("a", 0.8, true)), 640, 360)));
    int[] again = pixels(decode(ForecastReport.png("run", history(5), List.of(),
        List.of(sine("a", 0.1, true)), 640, 360)));
    assertFalse(Arrays.equals(near, far));
    assertArrayEquals(near, again);
  }

  @Test
  void emptyHistoryAndNoSeriesLeaveOnlyALossChartThatSaysSo() throws IOException {
    List<XYChart> charts = ForecastReport.charts(List.of(), List.of(), List.of());
    assertEquals(1, charts.size());
    assertEquals(ForecastReport.NO_HISTORY, charts.get(0).getTitle());
    assertEquals(ForecastReport.NO_HISTORY,
        ForecastReport.charts(List.of(Map.of("mae", 0.3)), List.of(), List.of()).get(0).getTitle());
    assertEquals("training loss", ForecastReport.charts(history(3), List.of(), List.of(sine("a", 0, false))).get(0)
        .getTitle());
    BufferedImage image = decode(ForecastReport.png("empty run", List.of(), List.of(), List.of(), 400, 300));
    assertEquals(400, image.getWidth());
    assertTrue(distinctColours(image) > 5, "distinct colours: " + distinctColours(image));
  }

  @Test
  void nonFiniteValuesAndTinyImagesStillGiveAPng() throws IOException {
    List<Map<String, Double>> diverged = new ArrayList<>(history(3));
    Map<String, Double> bad = new HashMap<>();
    bad.put("loss", Double.POSITIVE_INFINITY);
    bad.put("val_loss", Double.NaN);
    diverged.add(bad);
    SeriesPlot blownUp = new SeriesPlot("x", new double[0], new double[0], new double[] {1, 2, 3},
        new double[] {1, Double.NEGATIVE_INFINITY, Double.NaN}, new double[] {Double.NaN, 2, 3}, null, null);
    assertEquals(500, decode(ForecastReport.png("diverged", diverged, List.of(), List.of(blownUp), 500, 400))
        .getWidth());
    BufferedImage dot = decode(ForecastReport.png("tiny", history(2), List.of(), List.of(blownUp, blownUp), 1, 1));
    assertEquals(1, dot.getWidth());
    assertEquals(1, dot.getHeight());
  }

  @Test
  void mismatchedLengthsAreRejectedNamingBothLengths() {
    double[] three = {1, 2, 3};
    double[] two = {1, 2};
    assertEquals("series 'a': historyX and history must have the same length, got 3 and 2", assertThrows(
        IllegalArgumentException.class, () -> new SeriesPlot("a", three, two, three, three, null, null, null))
        .getMessage());
    assertEquals("series 'a': forecastX and forecast must have the same length, got 2 and 3", assertThrows(
        IllegalArgumentException.class, () -> new SeriesPlot("a", three, three, two, three, null, null, null))
        .getMessage());
    assertEquals("series 'a': actual and forecast must have the same length, got 2 and 3", assertThrows(
        IllegalArgumentException.class, () -> new SeriesPlot("a", three, three, three, three, two, null, null))
        .getMessage());
    assertEquals("series 'a': lower and forecast must have the same length, got 2 and 3", assertThrows(
        IllegalArgumentException.class, () -> new SeriesPlot("a", three, three, three, three, null, two, three))
        .getMessage());
    assertEquals("series 'a': a band needs both lower and upper, got only lower", assertThrows(
        IllegalArgumentException.class, () -> new SeriesPlot("a", three, three, three, three, null, three, null))
        .getMessage());
    assertEquals("series 'a': a band needs both lower and upper, got only upper", assertThrows(
        IllegalArgumentException.class, () -> new SeriesPlot("a", three, three, three, three, null, null, three))
        .getMessage());
  }

  @Test
  void lineChartsFollowTheLossChartWithALineAndAMarkerPerValue() throws IOException {
    LinePlot folds = new LinePlot("mae_raw by fold", "fold", new double[] {1, 2, 3},
        new LinkedHashMap<>(Map.of("model", new double[] {0.5, Double.NaN, 0.7})));
    List<XYChart> charts = ForecastReport.charts(history(3), List.of(folds), List.of(sine("a", 0, false)));
    assertEquals(List.of("training loss", "mae_raw by fold", "a"), charts.stream().map(XYChart::getTitle).toList());
    assertEquals(List.of("model"), charts.get(1).getSeriesCollection().stream().map(s -> s.getName()).toList());
    assertEquals("fold", charts.get(1).getXAxisTitle());
    assertEquals(640, decode(ForecastReport.png("folds", history(3), List.of(folds), List.of(), 640, 360))
        .getWidth());
    assertEquals("line chart 'mae_raw by fold': x and model must have the same length, got 3 and 2", assertThrows(
        IllegalArgumentException.class, () -> new LinePlot("mae_raw by fold", "fold", new double[] {1, 2, 3},
            Map.of("model", new double[] {1, 2}))).getMessage());
  }

  @Test
  void aBandIsShadedBehindTheForecastUnlessAnEdgeIsNotFinite() throws IOException {
    SeriesPlot plain = sine("a", 0.1, true);
    double[] lower = plain.forecast().clone();
    double[] upper = plain.forecast().clone();
    for (int i = 0; i < lower.length; i++) {
      lower[i] -= 0.3;
      upper[i] += 0.3;
    }
    SeriesPlot banded = new SeriesPlot("a", plain.historyX(), plain.history(), plain.forecastX(), plain.forecast(),
        plain.actual(), lower, upper);
    XYChart chart = ForecastReport.charts(history(3), List.of(), List.of(banded)).get(1);
    assertEquals(List.of(ForecastReport.BAND, "history", "forecast", "actual"),
        chart.getSeriesCollection().stream().map(s -> s.getName()).toList(), "the band first, drawn underneath");
    int[] shaded = pixels(decode(ForecastReport.png("run", history(3), List.of(), List.of(banded), 640, 360)));
    int[] bare = pixels(decode(ForecastReport.png("run", history(3), List.of(), List.of(plain), 640, 360)));
    assertFalse(Arrays.equals(shaded, bare));
    upper[2] = Double.NaN;
    assertEquals(List.of("history", "forecast", "actual"), ForecastReport.charts(history(3), List.of(),
        List.of(banded)).get(1).getSeriesCollection().stream().map(s -> s.getName()).toList());
  }

  @Test
  void sidesOutsideOneTo8000PixelsAreRejected() {
    assertEquals("report width must be in [1, 8000] pixels, got 0", assertThrows(IllegalArgumentException.class,
        () -> ForecastReport.png("run", history(1), List.of(), List.of(), 0, 100)).getMessage());
    assertEquals("report height must be in [1, 8000] pixels, got 8001", assertThrows(IllegalArgumentException.class,
        () -> ForecastReport.png("run", history(1), List.of(), List.of(), 100, 8001)).getMessage());
  }
}
