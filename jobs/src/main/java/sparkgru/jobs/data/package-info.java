/**
 * Series and samples: the series readers (CSV, Parquet, the demo generator), windowing,
 * scaling, chronological splits, and the packed samples one Spark partition trains on. Nothing
 * here knows about models, configuration files or training.
 */
package sparkgru.jobs.data;
