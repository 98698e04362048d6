/**
 * Two packages with an edge back up the layers, for the test that the layering rules fail on
 * one. Not part of the engine.
 */
package sparkgru.engine.archfixture;
