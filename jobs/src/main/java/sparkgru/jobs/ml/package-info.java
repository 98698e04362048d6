/**
 * Spark MLlib stages: {@link sparkgru.jobs.ml.GruEstimator} and {@link sparkgru.jobs.ml.GruModel}
 * (training by the train job's parameter averaging, prediction, MLlib persistence over the
 * project's own model file) and {@link sparkgru.jobs.ml.SequenceWindows}, which cuts series
 * into windows for them. No training or prediction code of its own lives here.
 */
package sparkgru.jobs.ml;
