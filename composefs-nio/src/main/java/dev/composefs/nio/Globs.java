package dev.composefs.nio;

import java.util.regex.PatternSyntaxException;

/**
 * Translates the glob syntax of {@link java.nio.file.FileSystem#getPathMatcher} into a regular
 * expression, with the JDK's rules: {@code *} and {@code ?} stay within a name, {@code **} crosses
 * names, {@code [...]} and {@code [!...]} classes, {@code {a,b}} groups (not nested), {@code \}
 * escapes, and a leading dot is an ordinary character.
 */
final class Globs {
    private static final String REGEX_META = ".^$+{[]|()";
    private static final String GLOB_META = "\\^$.|?*+()[]{}";

    private Globs() {
    }

    static String toRegex(String glob) {
        StringBuilder re = new StringBuilder("^");
        boolean inGroup = false;
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i++);
            switch (c) {
                case '\\' -> {
                    if (i == glob.length()) {
                        throw new PatternSyntaxException("No character to escape", glob, i - 1);
                    }
                    char next = glob.charAt(i++);
                    if (GLOB_META.indexOf(next) >= 0 || REGEX_META.indexOf(next) >= 0) {
                        re.append('\\');
                    }
                    re.append(next);
                }
                case '/' -> re.append('/');
                case '[' -> i = bracket(glob, i, re);
                case '{' -> {
                    if (inGroup) {
                        throw new PatternSyntaxException("Cannot nest groups", glob, i - 1);
                    }
                    re.append("(?:(?:");
                    inGroup = true;
                }
                case '}' -> {
                    if (inGroup) {
                        re.append("))");
                        inGroup = false;
                    } else {
                        re.append('}');
                    }
                }
                case ',' -> re.append(inGroup ? ")|(?:" : ",");
                case '*' -> {
                    if (i < glob.length() && glob.charAt(i) == '*') {
                        re.append(".*");
                        i++;
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                default -> {
                    if (REGEX_META.indexOf(c) >= 0) {
                        re.append('\\');
                    }
                    re.append(c);
                }
            }
        }
        if (inGroup) {
            throw new PatternSyntaxException("Missing '}'", glob, i - 1);
        }
        return re.append('$').toString();
    }

    /** Translates a bracket expression starting after {@code [}; returns the index after {@code ]}. */
    private static int bracket(String glob, int i, StringBuilder re) {
        re.append("[[^/]&&[");
        if (i < glob.length() && glob.charAt(i) == '^') {
            re.append("\\^");
            i++;
        } else {
            if (i < glob.length() && glob.charAt(i) == '!') {
                re.append('^');
                i++;
            }
            if (i < glob.length() && glob.charAt(i) == '-') {
                re.append('-');
                i++;
            }
        }
        boolean hasRangeStart = false;
        char last = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i++);
            if (c == ']') {
                re.append("]]");
                return i;
            }
            if (c == '/') {
                throw new PatternSyntaxException("Explicit 'name separator' in class", glob, i - 1);
            }
            if (c == '\\' || c == '[' || (c == '&' && i < glob.length() && glob.charAt(i) == '&')) {
                re.append('\\');
            }
            re.append(c);
            if (c == '-') {
                if (!hasRangeStart) {
                    throw new PatternSyntaxException("Invalid range", glob, i - 1);
                }
                if (i >= glob.length()) {
                    break;
                }
                c = glob.charAt(i++);
                if (c == ']') {
                    // "[a-]": the JDK reads a '-' before the closing bracket as a literal.
                    re.append("]]");
                    return i;
                }
                if (c < last) {
                    throw new PatternSyntaxException("Invalid range", glob, i - 3);
                }
                re.append(c);
                hasRangeStart = false;
            } else {
                hasRangeStart = true;
                last = c;
            }
        }
        throw new PatternSyntaxException("Missing ']'", glob, i - 1);
    }
}
