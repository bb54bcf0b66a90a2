package dev.composefs.format.tree.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.composefs.format.testutil.NativeTestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawPathBytesTest {
    @TempDir
    Path tmp;

    private Path only(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findFirst().orElseThrow();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void asciiNamesAndPaths() throws IOException {
        Path f = Files.createFile(tmp.resolve("plain name"));
        assertArrayEquals(b("plain name"), RawPathBytes.fileName(f));
        byte[] target = b("a//b/./");
        NativeTestFiles.symlink(target, NativeTestFiles.child(tmp, b("l")));
        assertArrayEquals(target, RawPathBytes.path(Files.readSymbolicLink(tmp.resolve("l"))));
    }

    @Test
    void invalidUtf8FileNames() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("d"));
        byte[] name = {(byte) 0xff, 'x', (byte) 0xc3, '%', '2', '0', ' '};
        NativeTestFiles.createFile(NativeTestFiles.child(dir, name));
        assertArrayEquals(name, RawPathBytes.fileName(only(dir)));
    }

    @Test
    void invalidUtf8DirectoryNamesLoseTheSlashToUriAdds() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("d"));
        byte[] name = {'s', 'u', 'b', (byte) 0xfe};
        NativeTestFiles.mkdir(NativeTestFiles.child(dir, name));
        assertArrayEquals(name, RawPathBytes.fileName(only(dir)));
    }

    @Test
    void symlinkTargetsRelativeAbsoluteAndWithTrailingSlashes() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("d"));
        byte[][] targets = {
            {'.', '.', '/', (byte) 0xff, '/', '.', '/', 'x'},
            {'/', 't', 'm', 'p', (byte) 0x80},
            {'/', '/', 'x', (byte) 0x80, '/'},
            {(byte) 0xe9, '/', '/'},
            {'t', 'm', 'p', (byte) 0x80, '%'},
        };
        for (byte[] target : targets) {
            Path link = dir.resolve("link");
            NativeTestFiles.symlink(target, NativeTestFiles.child(dir, b("link")));
            assertArrayEquals(target, RawPathBytes.path(Files.readSymbolicLink(link)));
            Files.delete(link);
        }
    }

    @Test
    void aTargetNamingAnExistingDirectoryGetsNoExtraSlash() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("d"));
        byte[] target = ("/" + tmp.toString().substring(1) + "/d").getBytes(StandardCharsets.US_ASCII);
        byte[] withByte = java.util.Arrays.copyOf(target, target.length + 3);
        withByte[target.length] = '/';
        withByte[target.length + 1] = '.';
        withByte[target.length + 2] = (byte) 0xff;
        NativeTestFiles.mkdir(withByte);
        NativeTestFiles.symlink(withByte, NativeTestFiles.child(dir, b("link")));
        assertArrayEquals(withByte, RawPathBytes.path(Files.readSymbolicLink(dir.resolve("link"))));
    }

    @Test
    void malformedEscapesAreRejected() {
        Path p = Path.of("/x");
        assertThrows(IOException.class, () -> RawPathBytes.percentDecode("/a%f", p));
        assertThrows(IOException.class, () -> RawPathBytes.percentDecode("/a%zz", p));
        assertThrows(IOException.class, () -> RawPathBytes.percentDecode("/\u00e9", p));
        assertArrayEquals(new byte[] {'/', (byte) 0xff, ' '}, assertDoesNotThrow("/%FF%20"));
    }

    private static byte[] assertDoesNotThrow(String raw) {
        try {
            return RawPathBytes.percentDecode(raw, Path.of("/x"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
