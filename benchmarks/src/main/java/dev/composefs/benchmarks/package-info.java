/**
 * JMH benchmarks and comparison harnesses measuring composefs-java against its peers.
 */
package dev.composefs.benchmarks;
