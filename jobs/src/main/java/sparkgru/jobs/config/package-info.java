/**
 * Job configuration: every fixed key declared once in {@link sparkgru.jobs.config.Settings}
 * with its type, default, range and meaning; a properties file with command-line overrides read
 * through them ({@link sparkgru.jobs.config.JobConfig}); validation that names the key, the
 * value and what is allowed. No Spark calls here.
 */
package sparkgru.jobs.config;
