package sparkgru.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The layer types a spec takes, as listed for the job configuration's documentation. */
class LayerSpecTest {

  @Test
  void everyListedTypeTakesArgumentsAndBuilds() {
    assertEquals(List.of("gru", "dense", "masking", "dropout"), LayerSpec.TYPES);
    for (String type : LayerSpec.TYPES) {
      assertFalse(LayerSpec.arguments(type).isEmpty(), type);
    }
    LayerSpec.of("gru", "units", "2").build();
    LayerSpec.of("dense", "units", "2").build();
    LayerSpec.of("masking").build();
    LayerSpec.of("dropout", "rate", "0.1").build();
  }
}
