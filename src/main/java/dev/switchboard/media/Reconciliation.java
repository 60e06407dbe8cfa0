package dev.switchboard.media;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up reconciliation of content files and rows (see docs/media-api.md, "Commit protocol"): a crash
 * between a file's rename into place and its row's commit leaves an orphan file, and a delete cut off
 * between its row and its file does too; both are removed here, with their thumbnails. A row whose file
 * is gone (the disk lost it, or someone removed it by hand) is deleted, since it could only answer 404.
 * <p>Two guards: with PostgreSQL, files younger than {@link #SHARED_GRACE} are kept (another server on
 * the same database and media folder may be between its rename and its commit); and when most rows have
 * no file (an unmounted or emptied media volume looks like that) no row is deleted and the start fails
 * loudly in the log instead. Runs once, before the listeners open; blocking.
 */
final class Reconciliation {
    private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);
    static final Duration SHARED_GRACE = Duration.ofMinutes(1);
    private static final Pattern SHARD = Pattern.compile("[0-9a-f]{2}");
    private static final Pattern REST = Pattern.compile("[0-9a-f]{62}");
    /** Missing files for at least this many rows, and for more than half of them: the volume looks unmounted. */
    private static final int SUSPICIOUS_MISSING = 10;

    /** What a run found and removed. */
    record Result(int orphanFiles, int rowsWithoutFile, boolean rowsKept) {}

    private Reconciliation() {}

    static Result run(Path root, ContentFiles files, MediaRepository rows, Duration grace) throws IOException, SQLException {
        Set<String> onDisk = contentDigests(root);
        Set<String> referenced = rows.digests();
        Instant youngest = Instant.now().minus(grace);
        int orphans = 0;
        for (String sha : onDisk) {
            if (!referenced.contains(sha)
                    && (grace.isZero() || Files.getLastModifiedTime(files.path(sha)).toInstant().isBefore(youngest))) {
                files.delete(sha);
                orphans++;
            }
        }
        Set<String> missing = new HashSet<>(referenced);
        missing.removeAll(onDisk);
        int removedRows = 0;
        boolean kept = missing.size() >= SUSPICIOUS_MISSING && missing.size() * 2 > referenced.size();
        if (kept) {
            log.error("{} of {} stored digests have no content file under {}: is the media volume mounted?"
                    + " No row was removed; fix the folder and restart", missing.size(), referenced.size(), root);
        } else {
            for (String sha : missing) {
                removedRows += rows.deleteByDigest(sha);
                files.delete(sha); // its thumbnail, if any
            }
        }
        log.info("start-up reconciliation: {} orphan file(s) removed, {} row(s) without a file removed", orphans,
                removedRows);
        return new Result(orphans, removedRows, kept);
    }

    /** The digests of the content files: {@code <root>/ab/<62 hex>}. */
    static Set<String> contentDigests(Path root) throws IOException {
        Set<String> out = new HashSet<>();
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(root)) {
            for (Path shard : shards) {
                String s = shard.getFileName().toString();
                if (!SHARD.matcher(s).matches() || !Files.isDirectory(shard)) {
                    continue;
                }
                try (DirectoryStream<Path> in = Files.newDirectoryStream(shard)) {
                    for (Path f : in) {
                        String n = f.getFileName().toString();
                        if (REST.matcher(n).matches() && Files.isRegularFile(f)) {
                            out.add(s + n);
                        }
                    }
                }
            }
        }
        return out;
    }
}
