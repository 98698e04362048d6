/**
 * Files and tables on any Hadoop file system and in the session catalog: the inputs of
 * {@code data.source} (CSV and Parquet checks, catalog tables, any Spark data source), atomic
 * writes, result tables written to a file, a directory or a catalog table, JSON lines, the Hadoop
 * configuration of the driver's own reads, outputs that overlap one another or an input, the lock
 * files that keep a second run off a run's outputs, finding the user's error behind a failed Spark
 * job, and the failure of a run that is neither the user's error nor a bug. Knows nothing of
 * series, windows, models or training.
 */
package sparkgru.jobs.io;
