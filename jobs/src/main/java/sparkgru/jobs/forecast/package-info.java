/**
 * The forecast and evaluate jobs: forecasting windows with a trained model, forecasting metrics,
 * baselines and report plots. The per-series work runs on the executors; Spark and files stay at
 * the edges (the job classes).
 */
package sparkgru.jobs.forecast;
