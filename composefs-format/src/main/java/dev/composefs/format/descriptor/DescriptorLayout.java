package dev.composefs.format.descriptor;

/**
 * The on-disk layout of a composefs descriptor (CFS_VERSION 1), named after the fields of the
 * kernel's {@code cfs.h}: a 128-byte superblock, a table of 96-byte inodes (inode number = table
 * index, root = 0), then the variable data ("vdata") that inodes refer to by {@code {off u64, len u32}}
 * relative to the start of vdata. All integers are little-endian. See descriptor-v1.md.
 */
public final class DescriptorLayout {
    private DescriptorLayout() {
    }

    /** {@code CFS_VERSION}: the only version there is. */
    public static final int CFS_VERSION = 1;
    /** {@code CFS_MAGIC}, at byte offset 4 (after the version). */
    public static final int CFS_MAGIC = 0xc078629a;

    /** Size of {@code struct cfs_superblock}. */
    public static final int SUPERBLOCK_SIZE = 128;
    /** Offset of {@code version u32} in the superblock. */
    public static final int SB_VERSION = 0;
    /** Offset of {@code magic u32} in the superblock. */
    public static final int SB_MAGIC = 4;
    /** Offset of {@code vdata_offset u64} in the superblock: the absolute offset of the vdata section. */
    public static final int SB_VDATA_OFFSET = 8;
    /** Offset of {@code unused u32[28]} in the superblock. */
    public static final int SB_UNUSED = 16;

    /** Size of {@code struct cfs_inode_data}. */
    public static final int INODE_SIZE = 96;
    /** Offset of {@code st_mode u32} in an inode. */
    public static final int ST_MODE = 0;
    /** Offset of {@code st_nlink u32}. */
    public static final int ST_NLINK = 4;
    /** Offset of {@code st_uid u32}. */
    public static final int ST_UID = 8;
    /** Offset of {@code st_gid u32}. */
    public static final int ST_GID = 12;
    /** Offset of {@code st_rdev u32}. */
    public static final int ST_RDEV = 16;
    /** Offset of {@code st_size u64}. */
    public static final int ST_SIZE = 20;
    /** Offset of {@code st_mtim_sec u64}. */
    public static final int ST_MTIM_SEC = 28;
    /** Offset of {@code st_mtim_nsec u32}. */
    public static final int ST_MTIM_NSEC = 36;
    /** Offset of {@code st_ctim_sec u64}. */
    public static final int ST_CTIM_SEC = 40;
    /** Offset of {@code st_ctim_nsec u32}. */
    public static final int ST_CTIM_NSEC = 48;
    /** Offset of the {@code variable_data} vdata reference: dirents, backing path or symlink target. */
    public static final int VARIABLE_DATA = 52;
    /** Offset of the {@code xattrs} vdata reference. */
    public static final int XATTRS = 64;
    /** Offset of the {@code digest} vdata reference: the backing file's fs-verity SHA-256 digest. */
    public static final int DIGEST = 76;
    /** Offset of {@code unused u32[2]}; written as zeros. */
    public static final int INODE_UNUSED = 88;

    /** Size of a vdata reference {@code {off u64, len u32}}, packed. */
    public static final int VDATA_REF_SIZE = 12;
    /** Offset of {@code off u64} in a vdata reference. */
    public static final int VDATA_OFF = 0;
    /** Offset of {@code len u32} in a vdata reference. */
    public static final int VDATA_LEN = 8;

    /** Size of the dirent blob header {@code n_dirents u32}. */
    public static final int DIRENTS_HEADER_SIZE = 4;
    /** Size of one {@code struct cfs_dirent}. */
    public static final int DIRENT_SIZE = 12;
    /** Offset of {@code inode_num u32} in a dirent. */
    public static final int DIRENT_INODE_NUM = 0;
    /** Offset of {@code name_offset u32} in a dirent, relative to the end of the dirent table. */
    public static final int DIRENT_NAME_OFFSET = 4;
    /** Offset of {@code name_len u8} in a dirent. */
    public static final int DIRENT_NAME_LEN = 8;
    /** Offset of {@code d_type u8} in a dirent. */
    public static final int DIRENT_D_TYPE = 9;

    /** Size of the xattr blob header {@code n_attr u16}. */
    public static final int XATTRS_HEADER_SIZE = 2;
    /** Size of one {@code {key_length u16, value_length u16}} xattr element. */
    public static final int XATTR_ELEMENT_SIZE = 4;
    /** The longest xattr key the kernel accepts. */
    public static final int XATTR_NAME_MAX = 255;
    /** The most xattrs one blob can count ({@code n_attr} is a u16). */
    public static final int XATTR_COUNT_MAX = 0xffff;
    /** The longest xattr value a {@code value_length u16} can hold. */
    public static final int XATTR_VALUE_MAX = 0xffff;

    /** The length of the digest vdata: an fs-verity SHA-256 digest. */
    public static final int DIGEST_SIZE = 32;
    /** {@code PATH_MAX}: the longest backing path or symlink target the kernel accepts. */
    public static final int PATH_MAX = 4096;
    /** vdata blobs that are aligned (dirents, xattrs) start at a multiple of this. */
    public static final int VDATA_ALIGN = 4;

    /** The absolute offset of inode {@code ino} in the file. */
    public static long inodeOffset(long ino) {
        return SUPERBLOCK_SIZE + ino * INODE_SIZE;
    }
}
