package sparkgru.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import sparkgru.engine.errors.InvalidInputException;

/** Where each fold's window lies, counted back from a series' end, and the ranges of the options. */
class FoldsTest {
  @Test
  void theLastFoldEndsAtTheLastRowAndEachEarlierOneStepBefore() {
    // 20 rows, horizon 4, 3 folds 2 rows apart: forecasts of rows 12..15, 14..17, 16..19.
    Folds folds = new Folds(3, 2);
    assertEquals(12, folds.origin(20, 4, 1));
    assertEquals(14, folds.origin(20, 4, 2));
    assertEquals(16, folds.origin(20, 4, 3));
    for (int fold = 1; fold <= 3; fold++) {
      assertEquals(fold, folds.fold(20, 4, (int) folds.origin(20, 4, fold)));
    }
    assertEquals(4 + 4 + 2 * 2, folds.rowsNeeded(4, 4, 1), "lookback 4, horizon 4 and 4 rows after the fold");
    assertEquals(-3, new Folds(3, 4).origin(10, 5, 1), "a series too short for the fold");
    assertThrows(IllegalArgumentException.class, () -> folds.fold(20, 4, 13), "13 is between two folds' origins");
    assertThrows(IllegalArgumentException.class, () -> folds.fold(20, 4, 10), "10 is before the first fold");
    assertThrows(IllegalArgumentException.class, () -> folds.fold(20, 4, 17), "17 leaves too few rows for a horizon");
  }

  @Test
  void countsAndStepsOutOfRangeAreRefusedNamingTheOption() {
    assertEquals("--folds must be in [1, 1000], got 0",
        assertThrows(InvalidInputException.class, () -> new Folds(0, 1)).getMessage());
    assertEquals("--folds must be in [1, 1000], got 1001",
        assertThrows(InvalidInputException.class, () -> new Folds(1001, 1)).getMessage());
    assertEquals("--fold-step must be in [1, 100000], got 0",
        assertThrows(InvalidInputException.class, () -> new Folds(2, 0)).getMessage());
    assertEquals("--fold-step must be in [1, 100000], got 100001",
        assertThrows(InvalidInputException.class, () -> new Folds(2, 100_001)).getMessage());
    assertEquals(new Folds(1000, 100_000), new Folds(1000, 100_000), "the largest values are fine");
  }
}
