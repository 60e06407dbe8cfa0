package dev.switchboard.media;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;

/**
 * Why the store cannot write, as the API reports it: the disk (or the database's disk) is full, the
 * free-space reserve {@code storage.min-free-bytes} is reached, another I/O error, or the database
 * cannot be reached. The first three answer 507 Insufficient Storage, the last 503 with Retry-After.
 */
public enum StorageFailure {
    DISK_FULL(507, "the disk is full"),
    RESERVE_REACHED(507, "free space is below storage.min-free-bytes"),
    IO_ERROR(507, "the disk reported an I/O error"),
    DATABASE_UNAVAILABLE(503, "the metadata database cannot be reached");

    private final int status;
    private final String reason;

    StorageFailure(int status, String reason) {
        this.status = status;
        this.reason = reason;
    }

    /** The HTTP status an upload gets: 507, or 503 for a database outage. */
    public int status() {
        return status;
    }

    /** A sentence for the error body and the log. */
    public String reason() {
        return reason;
    }

    /** The error code of the JSON body, e.g. {@code disk_full}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads the kind of failure off an exception and its causes; IO_ERROR when nothing says more. */
    public static StorageFailure of(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StorageException s && s.failure() != null) {
                return s.failure();
            }
            String m = String.valueOf(c.getMessage());
            if (m.contains("No space left on device") || m.contains("SQLITE_FULL") || m.contains("Disk quota exceeded")) {
                return DISK_FULL;
            }
            if (c instanceof SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                if (state.equals("53100")) {
                    return DISK_FULL; // PostgreSQL disk_full
                }
                if (c instanceof SQLTransientConnectionException || state.startsWith("08")
                        || state.startsWith("57P")) {
                    return DATABASE_UNAVAILABLE; // connection failures, admin/crash shutdown
                }
            }
        }
        return IO_ERROR;
    }

    /** Whether {@code t} is a storage failure at all (disk or database), rather than a bug. */
    public static boolean isStorage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException || c instanceof SQLException || c instanceof StorageException
                    || c instanceof java.io.UncheckedIOException) {
                return true;
            }
        }
        return false;
    }
}
