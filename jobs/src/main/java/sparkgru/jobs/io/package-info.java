/**
 * Files and tables on any Hadoop file system: atomic writes, staged table output, JSON lines,
 * Parquet input checks, and finding the user's error behind a failed Spark job. Knows nothing of
 * series, windows, models or training.
 */
package sparkgru.jobs.io;
