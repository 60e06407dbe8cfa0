package dev.switchboard.turn;

/** The TURN server's clock: monotonic nanoseconds for lifetimes, wall-clock seconds for REST credentials. */
public interface Ticker {
    long nanoTime();

    long epochSecond();

    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long epochSecond() {
            return System.currentTimeMillis() / 1000;
        }
    };
}
