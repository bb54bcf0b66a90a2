package dev.composefs.format.descriptor;

import static dev.composefs.format.descriptor.DescriptorLayout.*;

import dev.composefs.format.image.DirectoryCursor;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.tree.FileType;
import java.io.IOException;

/** A cursor over one validated dirent blob of a descriptor. */
final class DescriptorDirectoryCursor implements DirectoryCursor {
    private final ImageData data;
    private final long table;
    private final long names;
    private final long count;
    private long index = -1;
    private long inode;
    private long nameOffset;
    private int nameLength;
    private FileType fileType;

    DescriptorDirectoryCursor(ImageData data, Vdata blob, long count) {
        this.data = data;
        this.table = blob.offset() + DIRENTS_HEADER_SIZE;
        this.count = count;
        this.names = table + count * DIRENT_SIZE;
    }

    @Override
    public boolean next() throws IOException {
        if (index + 1 >= count) {
            index = count;
            return false;
        }
        index++;
        long entry = table + index * DIRENT_SIZE;
        inode = data.u32(entry + DIRENT_INODE_NUM);
        nameOffset = names + data.u32(entry + DIRENT_NAME_OFFSET);
        nameLength = data.u8(entry + DIRENT_NAME_LEN);
        fileType = FileType.ofDirentType(data.u8(entry + DIRENT_D_TYPE));
        return true;
    }

    private void checkPositioned() {
        if (index < 0 || index >= count) {
            throw new IllegalStateException("the cursor is not on an entry");
        }
    }

    @Override
    public int nameLength() {
        checkPositioned();
        return nameLength;
    }

    @Override
    public void copyName(byte[] dst, int offset) throws IOException {
        checkPositioned();
        data.copy(nameOffset, dst, offset, nameLength);
    }

    @Override
    public long inode() {
        checkPositioned();
        return inode;
    }

    @Override
    public FileType fileType() {
        checkPositioned();
        return fileType;
    }
}
