package dev.switchboard.signaling.socketio;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where Socket.IO sessions whose connection dropped wait for their client (connection state recovery):
 * this process's memory ({@link LocalRecoveryStore}), or later a store shared by several nodes, chosen
 * by configuration like the rooms. The session itself keeps what it was sent ({@link SessionLog}); the
 * store keeps who may come back and for how long.
 */
public interface RecoveryStore {

    /** A session that may be resumed by the client holding its private id. */
    interface Parked {
        /** The private session id, sent to the client in the CONNECT answer and only to it. */
        String pid();

        /** Its window is over unclaimed: it ends now (the store has already forgotten it). */
        void expired();
    }

    /** How long a parked session waits. */
    Duration window();

    /** Keeps {@code session} from now until it is claimed, dropped, or its window ends. */
    void park(Parked session);

    /**
     * Takes the session parked under {@code pid} for its client, which is back: completes with it, or
     * with null when there is none (unknown, claimed already, or its window is over: that one expires).
     */
    CompletableFuture<Parked> claim(String pid);

    /** Forgets {@code session} (it cannot be recovered any more); false when it was not parked. */
    boolean drop(Parked session);

    /**
     * Expires the session parked under {@code pid} if its window is over; true when one is still parked
     * under it (its window not over yet: ask again later).
     */
    boolean expire(String pid);

    /** Expires every session whose window is over. */
    void sweep();

    /** Sessions parked now. */
    int size();
}
