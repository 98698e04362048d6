/**
 * Job configuration: a properties file whose every key is declared once in {@link
 * sparkgru.jobs.config.JobConfig} with its default, range and meaning; command-line overrides;
 * validation that names the key, the value and what is allowed. No Spark calls here.
 */
package sparkgru.jobs.config;
