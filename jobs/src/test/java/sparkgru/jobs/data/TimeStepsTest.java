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
  void stepsAreNamedInTheLargestUnitThatDividesThem() {
    assertEquals(List.of("W-THU", "h", "15min", "90s", "250ms", "1500us", "12"), List.of(
        Frequency.stepName(7 * 86_400 * SECOND, 0), Frequency.stepName(3600 * SECOND, 0),
        Frequency.stepName(900 * SECOND, 0), Frequency.stepName(90 * SECOND, 0),
        Frequency.stepName(SECOND / 4, 0), Frequency.stepName(1500, 0), new Frequency.Step(12, 0, false).name()),
        "1970-01-01 is a Thursday");
    TimeSteps hourly = new TimeSteps(List.of("h"), true);
    assertEquals("h", hourly.describe());
    assertEquals("D, h", new TimeSteps(List.of("D", "h"), true).describe());
    assertEquals(true, hourly.seen(new Frequency.Step(5, 0, false), false), "another kind of time");
    assertEquals(true, hourly.seen(new Frequency.Step(3600 * SECOND, 17, true), true));
    assertEquals(false, hourly.seen(new Frequency.Step(7200 * SECOND, 0, true), true));
  }
}
