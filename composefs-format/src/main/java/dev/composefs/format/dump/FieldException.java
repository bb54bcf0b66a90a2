package dev.composefs.format.dump;

/**
 * A malformed field of the line being parsed; {@link DumpLineParser} adds the source and line
 * number and throws a {@link DumpFormatException}. Carries no stack trace: it is an expected outcome.
 */
final class FieldException extends Exception {
    private static final long serialVersionUID = 1L;

    FieldException(String reason) {
        super(reason, null, false, false);
    }
}
