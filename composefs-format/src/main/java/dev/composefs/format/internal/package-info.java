/**
 * Helpers shared by the format module's packages; not exported.
 */
package dev.composefs.format.internal;
