package sparkgru.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sparkgru.engine.io.Json;

/** The time steps a model file records: seconds in the file, the series' unit in memory, and as the console shows them. */
class TimeStepsTest {
  private static final long SECOND = Series.MICROS_PER_SECOND;

  @Test
  void dateTimeStepsAreSecondsInTheFileAndMicrosecondsInMemory() {
    TimeSteps hourly = new TimeSteps(SECOND / 4, 3600 * SECOND, true);
    String json = Json.write(hourly.toJson());
    assertEquals(Map.of("smallest", 0.25, "largest", 3600.0, "unit", "seconds"), Json.parse(json));
    assertEquals(hourly, TimeSteps.fromJson(Json.parse(json)));
    TimeSteps numbers = new TimeSteps(1, 7, false);
    assertEquals(numbers, TimeSteps.fromJson(Json.parse(Json.write(numbers.toJson()))));
    assertEquals(null, TimeSteps.fromJson(Map.of("smallest", 2.0, "largest", 1.0, "unit", "seconds")),
        "not steps a model could record");
    assertEquals(null, TimeSteps.fromJson(List.of(1, 2)));
  }

  @Test
  void stepsAreShownInTheLargestUnitThatDividesThem() {
    assertEquals(List.of("7 d", "1 h", "15 min", "90 s", "250 ms", "1500 µs", "12"), List.of(
        TimeSteps.describe(7 * 86_400 * SECOND, true), TimeSteps.describe(3600 * SECOND, true),
        TimeSteps.describe(900 * SECOND, true), TimeSteps.describe(90 * SECOND, true),
        TimeSteps.describe(SECOND / 4, true), TimeSteps.describe(1500, true), TimeSteps.describe(12, false)));
    assertEquals("1 h to 1 d", new TimeSteps(3600 * SECOND, 86_400 * SECOND, true).describe());
    assertEquals("1 h", new TimeSteps(3600 * SECOND, 3600 * SECOND, true).describe());
    assertEquals(true, new TimeSteps(3600 * SECOND, 3600 * SECOND, true).seen(5, false), "another kind of time");
    assertEquals(false, new TimeSteps(3600 * SECOND, 3600 * SECOND, true).seen(7200 * SECOND, true));
  }
}
