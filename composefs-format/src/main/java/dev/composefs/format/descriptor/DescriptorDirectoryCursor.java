package dev.composefs.format.descriptor;

import static dev.composefs.format.descriptor.DescriptorLayout.*;

import dev.composefs.format.image.AbstractDirectoryCursor;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.tree.FileType;
import java.io.IOException;

/** A cursor over one validated dirent blob of a descriptor. */
final class DescriptorDirectoryCursor extends AbstractDirectoryCursor {
    private final ImageData data;
    private final long table;
    private final long names;
    private final long count;
    private long index = -1;
    private long nameOffset;

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
            unposition();
            return false;
        }
        index++;
        long entry = table + index * DIRENT_SIZE;
        nameOffset = names + data.u32(entry + DIRENT_NAME_OFFSET);
        position(data.u32(entry + DIRENT_INODE_NUM), data.u8(entry + DIRENT_NAME_LEN),
                FileType.ofDirentType(data.u8(entry + DIRENT_D_TYPE)));
        return true;
    }

    @Override
    protected void copyCurrentName(byte[] dst, int offset) throws IOException {
        data.copy(nameOffset, dst, offset, nameLength());
    }
}
