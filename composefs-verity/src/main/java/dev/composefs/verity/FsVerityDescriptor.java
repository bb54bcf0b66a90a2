package dev.composefs.verity;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 256-byte {@code struct fsverity_descriptor} whose hash is a file's fs-verity digest:
 * version, algorithm, log2 block size, salt size, data size, root hash and salt, little-endian.
 */
final class FsVerityDescriptor {
    static final int SIZE = 256;
    private static final int VERSION = 1;
    private static final int ROOT_HASH_OFFSET = 16;
    private static final int SALT_OFFSET = 80;

    private FsVerityDescriptor() {
    }

    static byte[] encode(FsVerityParameters params, long dataSize, byte[] rootHash) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) VERSION)
                .put((byte) params.algorithm().id())
                .put((byte) params.logBlockSize())
                .put((byte) params.saltSize())
                .putInt(0) // sig_size: must be zero in the hashed descriptor
                .putLong(dataSize);
        b.position(ROOT_HASH_OFFSET);
        b.put(rootHash);
        b.position(SALT_OFFSET);
        b.put(params.salt());
        return b.array();
    }

    static FsVerityDigest digest(FsVerityParameters params, long dataSize, byte[] rootHash) {
        byte[] hash = params.algorithm().newMessageDigest().digest(encode(params, dataSize, rootHash));
        return FsVerityDigest.of(params.algorithm(), hash);
    }
}
