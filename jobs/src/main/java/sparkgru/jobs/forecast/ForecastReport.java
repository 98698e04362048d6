package sparkgru.jobs.forecast;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import sparkgru.jobs.io.RunFailedException;

/**
 * One PNG image of a forecasting run: the run's title across the top, then a grid of XChart
 * charts in two columns: the training loss curves first, then any line charts of metrics (e.g.
 * by fold), then one chart per series, optionally with a shaded band (e.g. a forecast interval).
 * Everything is
 * drawn into an in-memory image, so it needs no display ({@code java.awt.headless=true} is fine)
 * and writes no files, not even ImageIO's disk cache.
 */
public final class ForecastReport {
  /** Largest accepted width or height, in pixels. */
  static final int MAX_SIDE = 8000;
  /** Title of the loss chart when no epoch has a {@code loss} or {@code val_loss}. */
  static final String NO_HISTORY = "no training history";
  /** The legend name of the shaded band around a forecast. */
  static final String BAND = "interval";
  private static final int COLUMNS = 2;
  private static final List<String> LOSS_KEYS = List.of("loss", "val_loss");
  private static final Color HISTORY = new Color(31, 119, 180);
  private static final Color FORECAST = new Color(255, 127, 14);
  private static final Color ACTUAL = new Color(44, 160, 44);
  private static final Color VALIDATION = new Color(214, 39, 40);
  /** The colours of a line chart's lines, in order, then again from the first. */
  private static final List<Color> LINES = List.of(FORECAST, HISTORY, ACTUAL, VALIDATION);

  private ForecastReport() {}

  /**
   * One series' chart: its recent history, the forecast that follows it and, when known, the
   * actual values at the forecast's x positions. The x values are plain numbers on the axis (step
   * indices or epoch milliseconds alike). Non-finite values are drawn as gaps. The arrays are kept,
   * not copied.
   *
   * @param id        the series name, the chart's title
   * @param historyX  x of each history value, {@code [history.length]}
   * @param history   observed values before the forecast; may be empty
   * @param forecastX x of each forecast value, {@code [forecast.length]}
   * @param forecast  predicted values
   * @param actual    observed values at {@code forecastX}, {@code [forecast.length]}; null when
   *                  not yet known
   * @param lower     the lower edge of a band around the forecast (e.g. its lowest quantile),
   *                  {@code [forecast.length]}; null for no band
   * @param upper     the band's upper edge, {@code [forecast.length]}; null exactly when
   *                  {@code lower} is
   */
  public record SeriesPlot(String id, double[] historyX, double[] history, double[] forecastX, double[] forecast,
      double[] actual, double[] lower, double[] upper) {

    /**
     * Checks that every x array matches its values, and {@code actual} and the band's edges, when
     * given, the forecast.
     */
    public SeriesPlot {
      Objects.requireNonNull(id, "id");
      String what = "series '" + id + "'";
      sameLength(what, "historyX", historyX, "history", history);
      sameLength(what, "forecastX", forecastX, "forecast", forecast);
      if (actual != null) {
        sameLength(what, "actual", actual, "forecast", forecast);
      }
      if ((lower == null) != (upper == null)) {
        throw new IllegalArgumentException(what + ": a band needs both lower and upper, got only "
            + (lower == null ? "upper" : "lower"));
      }
      if (lower != null) {
        sameLength(what, "lower", lower, "forecast", forecast);
        sameLength(what, "upper", upper, "forecast", forecast);
      }
    }
  }

  /** Checks that two arrays of the chart {@code what} are there and have one length. */
  private static void sameLength(String what, String aName, double[] a, String bName, double[] b) {
    Objects.requireNonNull(a, aName);
    Objects.requireNonNull(b, bName);
    if (a.length != b.length) {
      throw new IllegalArgumentException(what + ": " + aName + " and " + bName + " must have the same length, got "
          + a.length + " and " + b.length);
    }
  }

  /**
   * A chart of named lines over shared x values, e.g. a metric of several forecasters by fold,
   * drawn with a marker at every point; non-finite values are gaps. The arrays are kept, not
   * copied.
   *
   * @param title  the chart's title
   * @param xTitle the x axis' title
   * @param x      the x values
   * @param lines  each line's name and values, {@code [x.length]}, in legend order
   */
  public record LinePlot(String title, String xTitle, double[] x, Map<String, double[]> lines) {

    /** Checks that every line has a value at every x. */
    public LinePlot {
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(xTitle, "xTitle");
      Objects.requireNonNull(x, "x");
      lines.forEach((name, y) -> sameLength("line chart '" + title + "'", "x", x, name, y));
    }
  }

  /**
   * Draws the report and encodes it as PNG. The loss chart plots {@code loss} and {@code val_loss}
   * against the epoch, numbered from 1; an epoch without a key, or with a non-finite value, is a
   * gap; other keys are ignored. Without any loss value the chart is titled "no training history".
   * Each {@link LinePlot}, then each {@link SeriesPlot} follows in its own chart, in list order.
   *
   * @param title   the run's title, drawn across the top; empty for none
   * @param history per-epoch logs, as {@link sparkgru.engine.model.History#epochs()}; may be empty
   * @param lines   the line charts to show; may be empty
   * @param series  the series to show; may be empty (then the image holds only the loss chart and the line charts)
   * @param width   width of the whole image, in [1, 8000] pixels
   * @param height  height of the whole image, in [1, 8000] pixels, title included
   * @return the bytes of one PNG file
   */
  public static byte[] png(String title, List<Map<String, Double>> history, List<LinePlot> lines,
      List<SeriesPlot> series, int width, int height) {
    checkSide("width", width);
    checkSide("height", height);
    Objects.requireNonNull(title, "title");
    List<XYChart> charts = charts(history, lines, series);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      int top = drawTitle(g, title, width, height);
      int columns = Math.min(COLUMNS, charts.size());
      int rows = (charts.size() + columns - 1) / columns;
      for (int i = 0; i < charts.size(); i++) {
        int x0 = edge(i % columns, columns, width);
        int x1 = edge(i % columns + 1, columns, width);
        int y0 = top + edge(i / columns, rows, height - top);
        int y1 = top + edge(i / columns + 1, rows, height - top);
        if (x1 > x0 && y1 > y0) {
          g.drawImage(render(charts.get(i), x1 - x0, y1 - y0), x0, y0, null);
        }
      }
    } finally {
      g.dispose();
    }
    return encode(image);
  }

  /** The charts in grid order: the loss chart, the line charts, then one per series. */
  static List<XYChart> charts(List<Map<String, Double>> history, List<LinePlot> lines, List<SeriesPlot> series) {
    List<XYChart> charts = new ArrayList<>(1 + lines.size() + series.size());
    charts.add(lossChart(history));
    for (LinePlot l : lines) {
      charts.add(lineChart(l));
    }
    for (SeriesPlot s : series) {
      charts.add(seriesChart(s));
    }
    return charts;
  }

  private static XYChart lossChart(List<Map<String, Double>> history) {
    XYChart chart = chart("training loss");
    chart.setXAxisTitle("epoch");
    double[] epochs = new double[history.size()];
    for (int e = 0; e < epochs.length; e++) {
      epochs[e] = e + 1;
    }
    for (String key : LOSS_KEYS) {
      double[] values = new double[history.size()];
      boolean any = false;
      for (int e = 0; e < values.length; e++) {
        Double v = history.get(e).get(key);
        values[e] = v == null ? Double.NaN : v;
        any |= v != null;
      }
      if (any) {
        add(chart, key, epochs, values, key.equals("loss") ? HISTORY : VALIDATION, SeriesMarkers.NONE);
      }
    }
    if (chart.getSeriesCollection().isEmpty()) {
      chart.setTitle(NO_HISTORY);
    }
    return chart;
  }

  private static XYChart lineChart(LinePlot l) {
    XYChart chart = chart(l.title());
    chart.setXAxisTitle(l.xTitle());
    int i = 0;
    for (Map.Entry<String, double[]> line : l.lines().entrySet()) {
      add(chart, line.getKey(), l.x(), line.getValue(), LINES.get(i++ % LINES.size()), SeriesMarkers.CIRCLE);
    }
    return chart;
  }

  private static XYChart seriesChart(SeriesPlot s) {
    XYChart chart = chart(s.id());
    if (s.lower() != null) {
      band(chart, s.forecastX(), s.lower(), s.upper());
    }
    add(chart, "history", s.historyX(), s.history(), HISTORY, SeriesMarkers.NONE);
    add(chart, "forecast", s.forecastX(), s.forecast(), FORECAST, SeriesMarkers.NONE);
    if (s.actual() != null) {
      add(chart, "actual", s.forecastX(), s.actual(), ACTUAL, SeriesMarkers.CIRCLE);
    }
    return chart;
  }

  private static XYChart chart(String title) {
    XYChart chart = new XYChartBuilder().title(title).build();
    XYStyler styler = chart.getStyler();
    // Below the plot, where it cannot hide the forecast at the right-hand end.
    styler.setLegendPosition(Styler.LegendPosition.OutsideS);
    styler.setLegendLayout(Styler.LegendLayout.Horizontal);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setPlotGridLinesColor(new Color(230, 230, 230));
    styler.setMarkerSize(5);
    return chart;
  }

  /** Adds a line unless it is empty (XChart rejects empty series); non-finite values become gaps. */
  private static void add(XYChart chart, String name, double[] x, double[] y, Color color, Marker marker) {
    if (x.length == 0) {
      return;
    }
    XYSeries series = chart.addSeries(name, finiteOrNaN(x), finiteOrNaN(y));
    series.setLineColor(color);
    series.setMarker(marker);
    series.setMarkerColor(color);
  }

  /**
   * Shades the band between {@code lower} and {@code upper} over {@code x}, in the forecast's
   * colour, as one closed polygon (out along the upper edge, back along the lower one); a band with
   * a non-finite edge, which a polygon cannot draw, is left out.
   */
  private static void band(XYChart chart, double[] x, double[] lower, double[] upper) {
    int n = x.length;
    double[] px = new double[2 * n];
    double[] py = new double[2 * n];
    for (int i = 0; i < n; i++) {
      px[i] = x[i];
      py[i] = upper[i];
      px[2 * n - 1 - i] = x[i];
      py[2 * n - 1 - i] = lower[i];
    }
    if (n == 0 || Arrays.stream(px).anyMatch(v -> !Double.isFinite(v))
        || Arrays.stream(py).anyMatch(v -> !Double.isFinite(v))) {
      return;
    }
    XYSeries series = chart.addSeries(BAND, px, py);
    series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
    series.setFillColor(new Color(FORECAST.getRed(), FORECAST.getGreen(), FORECAST.getBlue(), 60));
    series.setLineColor(new Color(0, 0, 0, 0));
    series.setMarker(SeriesMarkers.NONE);
  }

  /** A copy with every infinity replaced by NaN: XChart draws NaN as a gap but throws on infinities. */
  private static double[] finiteOrNaN(double[] values) {
    double[] out = values.clone();
    for (int i = 0; i < out.length; i++) {
      if (Double.isInfinite(out[i])) {
        out[i] = Double.NaN;
      }
    }
    return out;
  }

  /** Draws the title centred in a band across the top; returns the band's height (0 for an empty title). */
  private static int drawTitle(Graphics2D g, String title, int width, int height) {
    if (title.isEmpty()) {
      return 0;
    }
    int size = Math.max(10, Math.min(24, height / 40));
    int band = Math.min(height / 4, 2 * size);
    if (band == 0) {
      return 0;
    }
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
    g.setColor(Color.BLACK);
    FontMetrics metrics = g.getFontMetrics();
    int x = Math.max(0, (width - metrics.stringWidth(title)) / 2);
    int y = (band - metrics.getHeight()) / 2 + metrics.getAscent();
    g.drawString(title, x, y);
    return band;
  }

  /** The k-th of n edges splitting [0, total] into near-equal parts, without int overflow. */
  private static int edge(int k, int n, int total) {
    return (int) ((long) k * total / n);
  }

  private static BufferedImage render(XYChart chart, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      chart.paint(g, width, height);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** PNG through an in-memory stream: {@code ImageIO.write} to a stream would use a temporary file. */
  private static byte[] encode(BufferedImage image) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
    if (!writers.hasNext()) {
      throw new RunFailedException("this JVM has no PNG writer (javax.imageio); the report cannot be encoded");
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(image);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the report as PNG: " + e.getMessage(), e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static void checkSide(String name, int pixels) {
    if (pixels < 1 || pixels > MAX_SIDE) {
      throw new IllegalArgumentException("report " + name + " must be in [1, " + MAX_SIDE + "] pixels, got " + pixels);
    }
  }
}
