package sparkgru.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import sparkgru.engine.errors.InvalidInputException;

/**
 * The table of settings: complete, each default allowed, each kind of value refused with the key
 * and what is allowed; {@code conf/demo.conf} documents exactly its keys with their defaults; the
 * shipped configurations use only its keys.
 */
class SettingsTest {
  private static final Path CONF = Path.of("..", "conf");
  /** A key line of a configuration file, set or commented out: {@code key = value} or {@code #key = value}. */
  private static final Pattern KEY_LINE = Pattern.compile("^#?\\s*([a-z_]+(?:\\.[a-z0-9_]+)+)\\s*=.*");
  /** Keys open-ended by design: layer and optimiser arguments. */
  private static final Pattern OPEN_ENDED = Pattern.compile("model\\.layer\\.\\d+\\.[a-z_0-9]+|optimizer\\.[a-z_0-9]+");

  @Test
  void everySettingConstantIsListedOnceAndItsDefaultIsAllowed() throws IllegalAccessException {
    List<Setting<?>> constants = new ArrayList<>();
    for (Field f : Settings.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && Setting.class.isAssignableFrom(f.getType())) {
        constants.add((Setting<?>) f.get(null));
      }
    }
    assertEquals(new HashSet<>(constants), new HashSet<>(Settings.ALL), "Settings.ALL lists every constant");
    assertEquals(constants.size(), Settings.ALL.size());
    Set<String> names = new HashSet<>();
    for (Setting<?> s : Settings.ALL) {
      assertTrue(names.add(s.name()), "one setting per key: " + s.name());
      assertEquals(s, Settings.named(s.name()));
      if (s.defaultText() != null) {
        s.defaultValue();
      }
    }
    JobConfig defaults = JobConfig.of();
    for (Setting<?> s : Settings.ALL) {
      assertEquals(s.parse(s.defaultText()), defaults.get(s), s.name());
    }
  }

  @Test
  void eachKindOfValueIsRefusedNamingTheKeyAndWhatIsAllowed() {
    assertEquals("train.epochs must be an integer in [1, 1000000], got 'ten'", refused("train.epochs=ten"));
    assertEquals("train.seed must be an integer, got '4.2'", refused("train.seed=4.2"));
    assertEquals("reduce_lr.factor must be in (0.0, 1.0), got 1.0", refused("reduce_lr.monitor=loss", "reduce_lr.factor=1"));
    assertEquals("reduce_lr.factor must be a number in (0.0, 1.0), got 'half'", refused("reduce_lr.monitor=loss",
        "reduce_lr.factor=half"));
    assertEquals("early_stopping.min_delta must be in [0.0, 1.7976931348623157E308], got -1.0",
        refused("early_stopping.monitor=loss", "early_stopping.min_delta=-1"));
    assertEquals("output.progress must be true or false, got 'yes'", refused("output.progress=yes"));
    assertEquals("data.source must be one of [demo, csv, parquet, table, format], got 'jdbc'", refused("data.source=jdbc"));
    assertEquals("optimizer must be one of [adam, adamw, rmsprop, sgd], got 'adagrad'",
        refused("optimizer.name=adagrad"));
    assertEquals("data.missing must be one of [error, forward_fill, drop], got 'zero'", refused("data.format=long",
        "data.missing=zero"));
    assertEquals("csv", JobConfig.of("data.source= CSV ", "data.path=x.csv", "data.feature_columns=a",
        "data.target_columns=b").get(Settings.DATA_SOURCE), "names in any case, blanks around them ignored");
  }

  @Test
  void aSettingNothingReadsIsNotRefused() {
    // Training sequences read no window, split or scaling; callbacks without a monitor read none of their numbers.
    JobConfig sequences = JobConfig.of("window.lookback=0", "scaling.method=foo", "data.missing=zero",
        "reduce_lr.factor=5", "early_stopping.patience=-1");
    assertEquals("sequences", sequences.get(Settings.DATA_FORMAT));
    assertEquals("window.lookback must be in [1, 100000], got 0", refused("data.format=long", "window.lookback=0"));
    assertEquals("early_stopping.patience must be in [0, 1000000], got -1", refused("early_stopping.monitor=loss",
        "early_stopping.patience=-1"));
  }

  private static String refused(String... overrides) {
    return assertInstanceOf(InvalidInputException.class, assertThrows(IllegalArgumentException.class,
        () -> JobConfig.of(overrides))).getMessage();
  }

  /**
   * Every key of the table appears once in {@code conf/demo.conf}, set or commented out, in the
   * table's order, after a comment that ends with its default and states its range or names its
   * allowed values; no other key appears but layer and optimiser arguments.
   */
  @Test
  void demoConfDocumentsExactlyTheTablesKeysWithTheirDefaults() throws Exception {
    List<String> lines = Files.readAllLines(CONF.resolve("demo.conf"));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = KEY_LINE.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      String key = m.group(1);
      if (OPEN_ENDED.matcher(key).matches() && Settings.named(key) == null) {
        continue;
      }
      Setting<?> setting = Settings.named(key);
      assertTrue(setting != null, "demo.conf line " + (i + 1) + " sets '" + key + "', which is no key of Settings");
      String comment = i == 0 ? "" : lines.get(i - 1);
      String expected = "Default: " + setting.defaultLabel() + ".";
      assertTrue(comment.startsWith("#") && comment.endsWith(expected), "demo.conf line " + i + " should end with '"
          + expected + "' (the default of " + key + " in Settings), but is '" + comment + "'");
      StringBuilder block = new StringBuilder();
      for (int j = i - 1; j >= 0 && lines.get(j).startsWith("#") && !KEY_LINE.matcher(lines.get(j)).matches(); j--) {
        block.insert(0, lines.get(j) + "\n");
      }
      for (String stated : stated(setting)) {
        assertTrue(Pattern.compile("(?<![a-z_])" + Pattern.quote(stated) + "(?![a-z_])").matcher(block).find(),
            "demo.conf's comment on " + key + " should state '" + stated + "' (Settings)");
      }
      keys.add(key);
    }
    assertEquals(Settings.ALL.stream().map(Setting::name).toList(), keys,
        "demo.conf documents every key of Settings once, in its order");
  }

  /** What a comment on the setting states: its range, or each name it allows. */
  private static List<String> stated(Setting<?> setting) {
    if (setting instanceof Setting.IntRange || setting instanceof Setting.NumberRange) {
      return List.of(setting.allowed());
    }
    if (setting instanceof Setting.OneOf || setting instanceof Setting.Items || setting instanceof Setting.Choice) {
      return setting.allowed().isEmpty() ? List.of() : List.of(setting.allowed().split(", "));
    }
    return List.of();
  }

  @Test
  void theShippedConfigurationsLoadAndSetOnlyTheTablesKeys() throws Exception {
    for (String name : List.of("demo.conf", "etth1.conf", "m4-hourly.conf", "m4-weekly.conf", "exchange-rate.conf")) {
      try (Reader reader = Files.newBufferedReader(CONF.resolve(name))) {
        JobConfig config = JobConfig.load(reader, name, List.of());
        for (String key : config.effectiveValues().keySet()) {
          assertTrue(Settings.named(key) != null || OPEN_ENDED.matcher(key).matches(), name + " sets " + key);
        }
      }
    }
  }
}
