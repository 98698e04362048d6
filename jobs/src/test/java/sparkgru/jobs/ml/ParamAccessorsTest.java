package sparkgru.jobs.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.junit.jupiter.api.Test;

/** Every param of every MLlib stage has a public getter and setter, Spark ML style. */
class ParamAccessorsTest {

  private static List<Params> stages() {
    return List.of(new SequenceWindows(), new GruEstimator(), new GruModel("m"));
  }

  private static String capitalized(String name) {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  private static boolean hasPublic(Class<?> type, String name, int arguments) {
    for (Method m : type.getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == arguments && Modifier.isPublic(m.getModifiers())
          && m.getDeclaringClass() == type) {
        return true;
      }
    }
    return false;
  }

  @Test
  void everyParamOfEveryStageHasAPublicGetterAndSetter() {
    List<String> lacking = new ArrayList<>();
    for (Params stage : stages()) {
      Class<?> type = stage.getClass();
      assertFalse(stage.params().length == 0, type.getSimpleName() + " has params");
      for (Param<?> p : stage.params()) {
        for (String accessor : List.of("get" + capitalized(p.name()), "set" + capitalized(p.name()))) {
          if (!hasPublic(type, accessor, accessor.startsWith("get") ? 0 : 1)) {
            lacking.add(type.getSimpleName() + "." + accessor);
          }
        }
      }
    }
    assertEquals(List.of(), lacking);
  }

  @Test
  void gettersReturnWhatWasSetOrTheDefault() {
    SequenceWindows windows = new SequenceWindows();
    assertEquals(1, windows.getHorizon(), "the default");
    windows.setSeriesCol("store").setTimeCol("day").setLookback(24).setHorizon(3).setStride(2);
    assertEquals("store", windows.getSeriesCol());
    assertEquals("day", windows.getTimeCol());
    assertEquals(24, windows.getLookback());
    assertEquals(3, windows.getHorizon());
    assertEquals(2, windows.getStride());

    GruEstimator gru = new GruEstimator().setAggregationDepth(3).setAverageOptimizerState(true)
        .setEarlyStoppingMonitor("loss").setEarlyStoppingPatience(4).setEarlyStoppingMinDelta(0.01)
        .setRestoreBestWeights(true).setReduceLrFactor(0.5).setReduceLrMinLr(1e-5).setCheckpointPath("/tmp/c")
        .setCheckpointInterval(2).setResume(true).setMetricsPath("/tmp/m.jsonl").setLayerArgs("0.dropout=0.1");
    assertEquals(3, gru.getAggregationDepth());
    assertTrue(gru.getAverageOptimizerState());
    assertEquals("loss", gru.getEarlyStoppingMonitor());
    assertEquals(4, gru.getEarlyStoppingPatience());
    assertEquals(0.01, gru.getEarlyStoppingMinDelta());
    assertTrue(gru.getRestoreBestWeights());
    assertEquals(0.5, gru.getReduceLrFactor());
    assertEquals(1e-5, gru.getReduceLrMinLr());
    assertEquals("/tmp/c", gru.getCheckpointPath());
    assertEquals(2, gru.getCheckpointInterval());
    assertTrue(gru.getResume());
    assertEquals("/tmp/m.jsonl", gru.getMetricsPath());
    assertArrayEquals(new String[] {"0.dropout=0.1"}, gru.getLayerArgs());
    assertFalse(new GruEstimator().getResume(), "the default");
    assertArrayEquals(new double[] {0.05, 0.95}, new GruEstimator().setQuantiles(0.05, 0.95).getQuantiles());
    assertArrayEquals(new double[0], new GruEstimator().getQuantiles(), "the default");

    assertEquals(7, new GruModel("m").setPredictionBatchSize(7).getPredictionBatchSize());
  }
}
