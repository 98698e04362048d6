/**
 * Data in: the long-format reader (CSV or Parquet on any Hadoop path) that packs sequences into
 * one {@link sparkgru.jobs.train.PackedPartition} per Spark partition, and the demo generator.
 */
package sparkgru.jobs.data;
