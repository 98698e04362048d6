/**
 * The byte and text forms the engine reads and writes below any model: a small JSON reader and
 * writer (model headers, Keras configs) and bulk serialization of float and double arrays (the
 * weights that cross Spark); a malformed JSON text is the user's error
 * ({@code errors}). No numerics, no layers.
 */
package sparkgru.engine.io;
