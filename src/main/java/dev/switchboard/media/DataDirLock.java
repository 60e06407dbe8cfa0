package dev.switchboard.media;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One store per data dir: an exclusive lock (fcntl, released by the kernel when the process dies, kill -9
 * included) on {@code <data-dir>/store.lock}, held while the store is open. A second server started on
 * the same data dir stops at start instead of sweeping the first one's uploads in progress or reconciling
 * files it is about to commit. SQLite itself lets several processes open one database, so this is what
 * H2's exclusive file lock used to give.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE = "store.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw new IllegalStateException("another Switchboard server is using the data dir " + dataDir
                    + " (" + file + " is locked); stop it, or give this one its own --data-dir");
        }
        return new DataDirLock(ch, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the kernel drops the lock with the descriptor anyway
        }
    }
}
