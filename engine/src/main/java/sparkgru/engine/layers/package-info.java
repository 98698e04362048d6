/**
 * Layers and what configures their weights: {@link sparkgru.engine.layers.GruLayer} (the sequence
 * loop and back-propagation through time) with {@link sparkgru.engine.layers.GruCell} (one step:
 * its equations and kernels) and {@link sparkgru.engine.layers.GruWorkspace} (its time-major
 * buffers), {@link sparkgru.engine.layers.Dense}, {@link sparkgru.engine.layers.Masking},
 * {@link sparkgru.engine.layers.Dropout}, initializers, regularizers and constraints. Layers know
 * nothing of optimisers, losses or the training loop.
 */
package sparkgru.engine.layers;
