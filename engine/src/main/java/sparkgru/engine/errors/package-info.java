/**
 * What the engine reports as the user's error (a bad configuration, data or model file) and the
 * help such a message gives, such as the nearest key to a typo. Depends on nothing else.
 */
package sparkgru.engine.errors;
