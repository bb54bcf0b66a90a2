package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.image.DirectoryCursor;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageView;
import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.FileType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dump.erofs} (erofs-utils), an independent EROFS reader, agrees with the raw view: each
 * directory's entries with their nids and file types (including {@code .} and {@code ..}), and each
 * inode's size, link count, data layout, inode and xattr sizes, owner and permissions.
 */
class ErofsReaderDumpErofsTest {
    private static final Pattern ENTRY = Pattern.compile("^\\s*(\\d+)\\s+(\\d+)\\s+(\\S.*)$");

    @TempDir
    Path tmp;

    @BeforeEach
    void needsTools() {
        ErofsTools.assumeInstalled();
    }

    private record Listed(long nid, int type, String name) {
    }

    @Test
    void composefsImageAgrees() throws Exception {
        Path image = tmp.resolve("sample.img");
        Files.write(image, ErofsReaderTest.sampleImage(ErofsWriterOptions.DEFAULT));
        compareAll(image, 20);
    }

    @Test
    void mkfsImageAgrees() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ErofsReaderMkfsTest.onPath("mkfs.erofs"), "mkfs.erofs not installed");
        Path src = Files.createDirectories(tmp.resolve("src/a/b"));
        for (int i = 0; i < 300; i++) {
            Files.writeString(src.resolve("file-number-" + i), "x".repeat(i * 37));
        }
        Files.createSymbolicLink(src.resolve("link"), Path.of("file-number-1"));
        Path image = tmp.resolve("mkfs.img");
        ErofsReaderMkfsTest.run(List.of("mkfs.erofs", "--quiet", image.toString(), tmp.resolve("src").toString()));
        compareAll(image, 400);
    }

    private void compareAll(Path image, int maxInodes) throws IOException, InterruptedException {
        byte[] bytes = Files.readAllBytes(image);
        ImageData data = ImageData.wrap(bytes, image);
        ErofsVolume volume = ErofsVolume.read(data);
        try (ErofsReader reader = ErofsReader.open(ImageData.wrap(bytes, image), ImageView.RAW)) {
            Deque<long[]> pending = new ArrayDeque<>();
            pending.add(new long[] {reader.rootInode(), reader.rootInode()});
            int inodes = 0;
            while (!pending.isEmpty() && inodes < maxInodes) {
                long[] dir = pending.poll();
                List<Listed> listed = listing(image, dir[0]);
                List<Listed> ours = new ArrayList<>();
                ours.add(new Listed(dir[0], Dirent.EROFS_FT_DIR, "."));
                ours.add(new Listed(dir[1], Dirent.EROFS_FT_DIR, ".."));
                DirectoryCursor c = reader.openDirectory(dir[0]);
                while (c.next()) {
                    ours.add(new Listed(c.inode(), Dirent.fileTypeOfMode(c.fileType().modeBits()),
                            new String(c.name().bytes(), java.nio.charset.StandardCharsets.UTF_8)));
                    if (c.fileType() == FileType.DIRECTORY) {
                        pending.add(new long[] {c.inode(), dir[0]});
                    } else if (inodes++ < maxInodes) {
                        compareInode(image, reader, data, volume, c.inode());
                    }
                }
                ours.sort((x, y) -> x.name.compareTo(y.name));
                listed.sort((x, y) -> x.name.compareTo(y.name));
                assertEquals(ours, listed, "directory " + dir[0]);
                compareInode(image, reader, data, volume, dir[0]);
                inodes++;
            }
            assertTrue(inodes > 0);
        }
    }

    private static String field(String output, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + ":\\s*(\\S+)").matcher(output);
        assertTrue(m.find(), name + " in " + output);
        return m.group(1);
    }

    private static void compareInode(Path image, ErofsReader reader, ImageData data, ErofsVolume volume, long nid)
            throws IOException, InterruptedException {
        ErofsTools.Result r = ErofsTools.dump(image, "--nid=" + nid);
        assertEquals(0, r.exitCode(), r.output());
        String out = r.output();
        Stat st = reader.stat(nid);
        ErofsInode inode = ErofsInode.read(data, volume, nid);
        String what = "nid " + nid + ":\n" + out;
        assertEquals(Long.toString(nid), field(out, "NID"), what);
        assertEquals(Long.toString(st.size()), field(out, "Size"), what);
        assertEquals(Long.toString(st.nlink()), field(out, "Links"), what);
        assertEquals(Integer.toString(inode.dataLayout()), field(out, "Layout"), what);
        assertEquals(Integer.toString(inode.headerSize()), field(out, "Inode size"), what);
        assertEquals(Integer.toString(inode.xattrSize()), field(out, "Xattr size"), what);
        assertEquals(Long.toString(st.uid()), field(out, "Uid"), what);
        assertEquals(Long.toString(st.gid()), field(out, "Gid"), what);
        assertEquals(String.format("%04o", st.permissions()), field(out, "Access").substring(0, 4), what);
    }

    private static List<Listed> listing(Path image, long nid) throws IOException, InterruptedException {
        ErofsTools.Result r = ErofsTools.dump(image, "--ls", "--nid=" + nid);
        assertEquals(0, r.exitCode(), r.output());
        List<Listed> result = new ArrayList<>();
        boolean table = false;
        for (String line : r.output().split("\n")) {
            if (line.contains("NID TYPE")) {
                table = true;
                continue;
            }
            Matcher m = ENTRY.matcher(line);
            if (table && m.matches()) {
                result.add(new Listed(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), m.group(3)));
            }
        }
        return result;
    }
}
