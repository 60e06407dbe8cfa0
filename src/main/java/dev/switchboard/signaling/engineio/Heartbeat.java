package dev.switchboard.signaling.engineio;

import java.util.concurrent.TimeUnit;

/**
 * The liveness check of one session, in the direction its protocol wants. Runs on the session's loop.
 * <ul>
 *   <li>v4: the server sends PING every {@code pingInterval}; no PONG within {@code pingTimeout} ends
 *       the session.</li>
 *   <li>v3: the client sends PING (the session answers PONG); a session that hears nothing from the
 *       client for {@code pingInterval + pingTimeout} ends. Hearing is a field write, not a timer
 *       reset: one timer re-arms itself for the rest of the window. Time is the loop's ticker (a test
 *       channel can advance it).</li>
 * </ul>
 */
final class Heartbeat {
    private final SessionLoop loop;
    private final EngineProtocol protocol;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final Runnable sendPing;
    private final Runnable timedOut;
    private SessionLoop.Timer pingTask;
    private SessionLoop.Timer timeoutTask;
    private long lastHeard;
    private boolean stopped;

    Heartbeat(SessionLoop loop, EngineProtocol protocol, long intervalMillis, long timeoutMillis, Runnable sendPing,
              Runnable timedOut) {
        this.loop = loop;
        this.protocol = protocol;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.sendPing = sendPing;
        this.timedOut = timedOut;
    }

    void start() {
        if (protocol.serverPings()) {
            schedulePing();
        } else {
            lastHeard = loop.ticker().nanoTime();
            timeoutTask = loop.schedule(this::checkSilence, intervalNanos + timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Any packet from the client (v3: proof of life). */
    void heard() {
        lastHeard = loop.ticker().nanoTime();
    }

    /** A PONG from the client (v4). */
    void onPong() {
        if (protocol.serverPings() && timeoutTask != null) {
            timeoutTask.cancel();
            timeoutTask = null;
            if (pingTask != null && pingTask.isDone()) {
                schedulePing();
            }
        }
    }

    void stop() {
        stopped = true;
        if (pingTask != null) {
            pingTask.cancel();
        }
        if (timeoutTask != null) {
            timeoutTask.cancel();
        }
    }

    private void schedulePing() {
        pingTask = loop.schedule(() -> {
            if (stopped) {
                return;
            }
            sendPing.run();
            timeoutTask = loop.schedule(timedOut, timeoutNanos, TimeUnit.NANOSECONDS);
        }, intervalNanos, TimeUnit.NANOSECONDS);
    }

    private void checkSilence() {
        if (stopped) {
            return;
        }
        long silent = loop.ticker().nanoTime() - lastHeard;
        long window = intervalNanos + timeoutNanos;
        if (silent >= window) {
            timedOut.run();
        } else {
            timeoutTask = loop.schedule(this::checkSilence, window - silent, TimeUnit.NANOSECONDS);
        }
    }
}
