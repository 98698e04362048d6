package sparkgru.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sparkgru.engine.io.Json;

/** The frequencies a model file records, and time differences as the console shows them. */
class TimeStepsTest {
  private static final long SECOND = Series.MICROS_PER_SECOND;

  @Test
  void frequenciesAreNamedInTheFileAndAnOlderFilesOneStepReadsAsItsFrequency() {
    TimeSteps hourly = new TimeSteps(List.of("D", "h"), true);
    String json = Json.write(hourly.toJson());
    assertEquals(Map.of("frequencies", List.of("D", "h"), "unit", "seconds"), Json.parse(json));
    assertEquals(hourly, TimeSteps.fromJson(Json.parse(json)));
    TimeSteps numbers = new TimeSteps(List.of("1"), false);
    assertEquals(numbers, TimeSteps.fromJson(Json.parse(Json.write(numbers.toJson()))));
    assertEquals(new TimeSteps(List.of("h"), true), TimeSteps.fromJson(Map.of("smallest", 3600.0, "largest", 3600.0,
        "unit", "seconds")), "an older file's one step");
    assertEquals(new TimeSteps(List.of("7"), false), TimeSteps.fromJson(Map.of("smallest", 7, "largest", 7,
        "unit", "time column")));
    assertEquals(null, TimeSteps.fromJson(Map.of("smallest", 1.0, "largest", 2.0, "unit", "seconds")),
        "an older file's range of steps is not checked");
    assertEquals(null, TimeSteps.fromJson(List.of(1, 2)));
  }

  @Test
  void stepsAreShownInTheLargestUnitThatDividesThem() {
    assertEquals(List.of("7 d", "1 h", "15 min", "90 s", "250 ms", "1500 µs", "12"), List.of(
        TimeSteps.describe(7 * 86_400 * SECOND, true), TimeSteps.describe(3600 * SECOND, true),
        TimeSteps.describe(900 * SECOND, true), TimeSteps.describe(90 * SECOND, true),
        TimeSteps.describe(SECOND / 4, true), TimeSteps.describe(1500, true), TimeSteps.describe(12, false)));
    TimeSteps hourly = new TimeSteps(List.of("h"), true);
    assertEquals("h", hourly.describe());
    assertEquals("D, h", new TimeSteps(List.of("D", "h"), true).describe());
    assertEquals(true, hourly.seen(new Frequency.Step(5, 0, false), false), "another kind of time");
    assertEquals(true, hourly.seen(new Frequency.Step(3600 * SECOND, 17, true), true));
    assertEquals(false, hourly.seen(new Frequency.Step(7200 * SECOND, 0, true), true));
  }
}
