/**
 * The batch predict job: a trained model (own format or Keras) over sequences in long format on
 * Spark. Streaming per partition; the driver holds nothing per sequence.
 */
package sparkgru.jobs.predict;
