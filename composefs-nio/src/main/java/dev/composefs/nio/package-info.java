/**
 * The {@code cfs:} file system provider: composefs images opened through {@link java.nio.file.FileSystems}.
 */
package dev.composefs.nio;
