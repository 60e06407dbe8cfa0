package dev.switchboard;

import dev.switchboard.config.SwitchboardConfig;
import dev.switchboard.media.MediaStore;
import dev.switchboard.media.ResumableUploads;
import dev.switchboard.media.UploadKind;
import dev.switchboard.media.http.MediaApi;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * The resumable uploads in progress, recordings and files: built from the config once at start-up, and
 * {@linkplain #restore() restored} from disk by {@link Switchboard#start} before any listener opens.
 */
record UploadSessions(ResumableUploads recordings, ResumableUploads files) {

    static UploadSessions open(SwitchboardConfig.MediaConfig media, MediaStore store) {
        return new UploadSessions(
                new ResumableUploads(store, UploadKind.RECORDING, media.maxRecordingBytes(), media.recordingIdleTimeout(),
                        media.maxRecordingDuration(), media.maxUploads(), media.maxUploadsPerRoom(),
                        media.maxUploadsPerClient(), System::nanoTime, Clock.systemUTC()),
                new ResumableUploads(store, UploadKind.FILE, media.maxFileBytes(), Duration.ofHours(1),
                        Duration.ZERO, media.maxUploads(), media.maxUploadsPerRoom(), media.maxUploadsPerClient(),
                        System::nanoTime, Clock.systemUTC()));
    }

    /** Loads the sessions a restart interrupted (blocking: file reads). */
    void restore() throws IOException {
        recordings.restore();
        files.restore();
    }
}
