package dev.switchboard.signaling.socketio;

import dev.switchboard.signaling.engineio.EnginePacket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where Socket.IO sessions whose connection dropped wait for their client (connection state recovery):
 * this process's memory ({@link LocalRecoveryStore}), or, when several nodes share rooms through Redis,
 * also a record and a box of what it was sent per session in Redis, so that a node can take over the
 * sessions of a node that died. The session itself keeps what it was sent ({@link SessionLog}); the
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

    /** Sessions parked now. */
    int size();

    /** A session another node held and that this one may take over (that node is gone). */
    interface Elsewhere {
        /** Its socket id. */
        String sid();
    }

    /**
     * The session of {@code pid} when it is not parked here but was held by a node that is gone: a shared
     * store completes with it, to be taken over ({@link Namespace#onTakeover}); else with null.
     */
    default CompletableFuture<Elsewhere> elsewhere(String pid) {
        return CompletableFuture.completedFuture(null);
    }

    /** A recoverable socket is connected here (new, or taken over from another node). */
    default void opened(SioSocket socket) {}

    /** A recoverable socket ended: it cannot be recovered any more, here or elsewhere. */
    default void ended(SioSocket socket) {}

    /**
     * Sends the server's own event to a recoverable socket. A shared store writes it into the session's
     * box first, in one order with everything else the socket is sent; this one sends it at once.
     */
    default void emit(SioSocket socket, List<EnginePacket> encoded) {
        socket.send(encoded);
    }
}
