/**
 * Series and samples: the series readers (CSV, Parquet, the demo generator), windowing (cut by
 * {@link sparkgru.jobs.data.WindowCutter} without Spark), scaling, chronological splits, the
 * packed samples one Spark partition trains on and their {@link sparkgru.jobs.data.PartitionBalance}
 * over partitions. Nothing here knows about models, configuration files or training.
 */
package sparkgru.jobs.data;
