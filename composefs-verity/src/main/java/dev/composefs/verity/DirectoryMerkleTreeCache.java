package dev.composefs.verity;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Merkle trees in a directory, one file per digest ({@code <alg>/<xx>/<rest>.merkle}): a small header
 * (magic, algorithm, block size, salt, data size) and the data-block hashes. Entries are written to a
 * temporary file and renamed into place; every entry read is rebuilt and must reproduce the digest it
 * is filed under, else it counts as absent.
 */
final class DirectoryMerkleTreeCache implements MerkleTreeCache {
    private static final long MAGIC = 0x314c4b524d534643L; // "CFSMRKL1", little-endian
    private static final int HEADER = 8 + 1 + 1 + 1 + 32 + 8;

    private final Path dir;

    DirectoryMerkleTreeCache(Path dir) {
        this.dir = dir;
    }

    private Path file(FsVerityDigest digest) {
        return dir.resolve(digest.algorithm().label()).resolve(digest.objectPath() + ".merkle");
    }

    @Override
    public MerkleTree get(FsVerityDigest digest) {
        Path f = file(digest);
        try (InputStream in = Files.newInputStream(f)) {
            ByteBuffer h = ByteBuffer.wrap(in.readNBytes(HEADER)).order(ByteOrder.LITTLE_ENDIAN);
            if (h.remaining() != HEADER || h.getLong() != MAGIC) {
                return null;
            }
            FsVerityAlgorithm alg = FsVerityAlgorithm.byId(h.get());
            int logBlockSize = h.get();
            int saltSize = h.get();
            if (alg != digest.algorithm() || logBlockSize < 0 || logBlockSize > 24 || saltSize < 0
                    || saltSize > FsVerityParameters.MAX_SALT_SIZE) {
                return null;
            }
            byte[] salt = new byte[saltSize];
            h.get(salt);
            h.position(h.position() + 32 - saltSize);
            long dataSize = h.getLong();
            FsVerityParameters params = FsVerityParameters.of(alg, 1 << logBlockSize, salt);
            long expected = MerkleTree.blockCount(dataSize, params.blockSize()) * alg.digestLength();
            if (dataSize < 0 || expected > Integer.MAX_VALUE - 8) {
                return null;
            }
            byte[] leaves = in.readNBytes((int) expected);
            if (leaves.length != expected || in.read() != -1) {
                return null;
            }
            MerkleTree tree = MerkleTree.fromLeafHashes(params, dataSize, leaves);
            return tree.digest().equals(digest) ? tree : null;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void put(MerkleTree tree) {
        Path f = file(tree.digest());
        if (Files.exists(f)) {
            return;
        }
        Path tmp = null;
        try {
            Files.createDirectories(f.getParent());
            tmp = Files.createTempFile(f.getParent(), ".tmp-", ".merkle");
            FsVerityParameters p = tree.parameters();
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            h.putLong(MAGIC).put((byte) p.algorithm().id()).put((byte) p.logBlockSize()).put((byte) p.saltSize());
            h.put(p.salt());
            h.position(h.position() + 32 - p.saltSize());
            h.putLong(tree.dataSize());
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(h.array());
                tree.writeLeafHashes(out);
            }
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            // A cache that cannot store only costs time later.
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort cleanup of our own temporary file
                }
            }
        }
    }
}
