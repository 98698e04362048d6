/**
 * Files and tables on any Hadoop file system: atomic writes, staged table output, JSON lines,
 * Parquet input checks, outputs that overlap one another or an input, the lock files that keep a
 * second run off a run's outputs, finding the user's error behind a failed Spark job, and the
 * failure of a run that is neither the user's error nor a bug. Knows nothing of series, windows,
 * models or training.
 */
package sparkgru.jobs.io;
