package dev.switchboard.media;

/**
 * The two kinds of resumable upload ({@link ResumableUploads}): recordings (a WebM or MP4 container,
 * a gallery item) and files for a peer without a direct path (any bytes, not a gallery item). Each kind
 * keeps its sessions in its own folder of the store, named by {@link #folder}.
 */
public enum UploadKind {
    RECORDING("recordings", "recording"),
    FILE("files", "file");

    private final String folder;
    private final String noun;

    UploadKind(String folder, String noun) {
        this.folder = folder;
        this.noun = noun;
    }

    /** The store's session folder of this kind (kept on disk across restarts: do not rename). */
    public String folder() {
        return folder;
    }

    /** How messages name one upload of this kind: "recording" or "file". */
    public String noun() {
        return noun;
    }
}
