package dev.switchboard.cluster;

import java.util.concurrent.CompletableFuture;

/** Shared, already-complete outcomes, so the local relay path allocates none. */
final class Delivery {
    static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    static final CompletableFuture<Boolean> SENT = CompletableFuture.completedFuture(Boolean.TRUE);
    static final CompletableFuture<Boolean> NO_SUCH_MEMBER = CompletableFuture.completedFuture(Boolean.FALSE);

    private Delivery() {}

    static <T> CompletableFuture<T> unavailable(String what, Throwable cause) {
        return CompletableFuture.failedFuture(new ClusterUnavailableException(what, cause));
    }
}
