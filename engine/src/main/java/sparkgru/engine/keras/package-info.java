/**
 * Keras interoperability: reading Keras 3 {@code .keras} archives, legacy tf.keras {@code .h5}
 * files and bare {@code .weights.h5} files with their config into engine models. Files are
 * untrusted input: sizes are bounded and every shape is checked before data are read. No Spark,
 * no Hadoop.
 */
package sparkgru.engine.keras;
