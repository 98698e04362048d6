package sparkgru.engine.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sparkgru.engine.layers.Layer;
import sparkgru.engine.optim.Optimizer;
import sparkgru.engine.optim.OptimizerSpec;

/**
 * Engine layers and optimisers from the Keras arguments of a golden file, through the same
 * {@link LayerSpec} and {@link OptimizerSpec} that configuration files use.
 */
final class GoldenModels {
  private static final Set<String> NOT_OPTIMIZER = Set.of("loss", "optimizer", "batch_size", "epochs", "metrics");

  private GoldenModels() {}

  static List<Layer> layers(GoldenFile file) {
    return LayerSpec.buildAll(specs(file));
  }

  static List<LayerSpec> specs(GoldenFile file) {
    return file.layers.stream().map(l -> new LayerSpec(l.type(), l.args())).toList();
  }

  static Optimizer optimizer(GoldenFile file) {
    Map<String, String> args = new LinkedHashMap<>();
    file.train.forEach((k, v) -> {
      if (!NOT_OPTIMIZER.contains(k) && !(k.equals("learning_rate") && v.equals("schedule"))) {
        args.put(k, v);
      }
    });
    return new OptimizerSpec(file.train.get("optimizer"), args).build();
  }
}
