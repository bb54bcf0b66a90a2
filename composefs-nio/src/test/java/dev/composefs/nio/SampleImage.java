package dev.composefs.nio;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityDigest;
import dev.composefs.verity.FsVerityHasher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small image with every kind of entry, and an object store holding its files' content.
 *
 * <pre>
 * /                    dir
 * /etc                 dir, xattr user.origin=test
 * /etc/os-release      regular, backed by an object, with digest; hard link /hardlink
 * /etc/empty           regular, empty
 * /etc/passwd          regular, backed, no digest
 * /usr/bin/sh          regular, backed, mode 0755
 * /bin                 symlink to usr/bin
 * /abs                 symlink to /etc
 * /up                  symlink to ../../etc (clamped at the root)
 * /loop1, /loop2       symlinks to each other
 * /dangling            symlink to nowhere
 * /dev/null            char device 1:3
 * /dev/sda             block device 8:0
 * /fifo, /sock         fifo, socket
 * /odd\xff name        regular, a name that is not UTF-8
 * </pre>
 */
final class SampleImage {
    static final byte[] OS_RELEASE = "NAME=composefs-java\nID=test\n".getBytes(StandardCharsets.UTF_8);
    static final byte[] PASSWD = "root:x:0:0:root:/root:/bin/sh\n".getBytes(StandardCharsets.UTF_8);
    static final byte[] SH = new byte[20_000];
    static final byte[] ODD_NAME = {'o', 'd', 'd', (byte) 0xff, ' ', 'n', 'a', 'm', 'e'};

    static {
        for (int i = 0; i < SH.length; i++) {
            SH[i] = (byte) (i * 31 + 7);
        }
    }

    final Path image;
    final Path objects;
    final FsVerityDigest osReleaseDigest;

    private SampleImage(Path image, Path objects, FsVerityDigest osReleaseDigest) {
        this.image = image;
        this.objects = objects;
        this.osReleaseDigest = osReleaseDigest;
    }

    static Inode dir() {
        return new Inode(0040755).mtime(new Timespec(1_700_000_000L, 5));
    }

    static Inode backed(Path objects, byte[] content, boolean withDigest) throws IOException {
        FsVerityDigest d = FsVerityHasher.digest(content);
        Path obj = objects.resolve(d.objectPath());
        Files.createDirectories(obj.getParent());
        Files.write(obj, content);
        Inode f = new Inode(0100644).size(content.length).payload(d.objectPath().getBytes(StandardCharsets.US_ASCII))
                .mtime(new Timespec(1_600_000_000L, 123_456_789)).uid(1000).gid(100);
        return withDigest ? f.digest(d) : f;
    }

    static Inode link(String target) {
        byte[] t = target.getBytes(StandardCharsets.UTF_8);
        return new Inode(0120777).payload(t).size(t.length);
    }

    /** Writes the image (descriptor format) and its objects under {@code dir}. */
    static SampleImage create(Path dir) throws IOException {
        Path objects = dir.resolve("objects");
        Files.createDirectories(objects);
        Inode root = dir();
        Inode etc = dir();
        etc.xattrs().add(Xattr.of("user.origin", "test".getBytes(StandardCharsets.UTF_8)));
        etc.xattrs().add(Xattr.of("security.selinux", "system_u:object_r:etc_t:s0\0".getBytes(StandardCharsets.UTF_8)));
        Inode osRelease = backed(objects, OS_RELEASE, true).nlink(2);
        etc.addChild(Name.of("os-release"), osRelease);
        etc.addChild(Name.of("empty"), new Inode(0100600));
        etc.addChild(Name.of("passwd"), backed(objects, PASSWD, false));
        root.addChild(Name.of("etc"), etc);
        Inode usr = dir();
        Inode bin = dir();
        bin.addChild(Name.of("sh"), backed(objects, SH, true).mode(0100755));
        usr.addChild(Name.of("bin"), bin);
        root.addChild(Name.of("usr"), usr);
        root.addChild(Name.of("bin"), link("usr/bin"));
        root.addChild(Name.of("abs"), link("/etc"));
        root.addChild(Name.of("up"), link("../../etc"));
        root.addChild(Name.of("loop1"), link("loop2"));
        root.addChild(Name.of("loop2"), link("loop1"));
        root.addChild(Name.of("dangling"), link("nowhere/at/all"));
        root.addChild(Name.of("hardlink"), osRelease);
        Inode dev = dir();
        dev.addChild(Name.of("null"), new Inode(0020666).rdev((1 << 8) | 3));
        dev.addChild(Name.of("sda"), new Inode(0060660).rdev(8 << 8));
        root.addChild(Name.of("dev"), dev);
        root.addChild(Name.of("fifo"), new Inode(0010644));
        root.addChild(Name.of("sock"), new Inode(0140755));
        root.addChild(Name.of(ODD_NAME), backed(objects, PASSWD, true));
        Path image = dir.resolve("sample.cfs");
        DescriptorWriter.write(new Tree(root), image);
        return new SampleImage(image, objects, osRelease.digest());
    }
}
