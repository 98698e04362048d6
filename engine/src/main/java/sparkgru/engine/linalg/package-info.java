/**
 * Float32 linear algebra: {@link sparkgru.engine.linalg.Blas}, the one class that talks to
 * {@code dev.ludovic.netlib}, the element-wise {@link sparkgru.engine.linalg.Activation}s, the
 * {@link sparkgru.engine.linalg.Tensor} that carries data and masks between layers, and
 * reusable {@link sparkgru.engine.linalg.Buffers}.
 * Nothing here knows about layers, losses or Spark.
 */
package sparkgru.engine.linalg;
