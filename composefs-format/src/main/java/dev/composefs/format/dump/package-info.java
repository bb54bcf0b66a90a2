/**
 * The composefs dump format (composefs-dump(5)): a line of text per file, the interchange format of
 * the composefs tools. {@link dev.composefs.format.dump.DumpReader} parses it into a
 * {@link dev.composefs.format.tree.Tree}, {@link dev.composefs.format.dump.DumpWriter} prints a tree
 * (or a stream of entries) byte for byte as {@code composefs-info dump} does, and
 * {@link dev.composefs.format.dump.DumpEscaping} holds the escaping rules both share.
 */
package dev.composefs.format.dump;
