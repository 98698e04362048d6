/**
 * Float32 linear algebra: {@link sparkgru.engine.linalg.Blas}, the one class that talks to
 * {@code dev.ludovic.netlib}, and the element-wise {@link sparkgru.engine.linalg.Activation}s.
 * Nothing here knows about layers, losses or Spark.
 */
package sparkgru.engine.linalg;
