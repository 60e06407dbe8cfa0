package dev.switchboard.media;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL 15 cluster for tests (Debian's {@code postgresql} package): {@code initdb} in a
 * temporary directory and {@code postgres} on a free loopback port, both as the {@code postgres} user
 * (initdb refuses root), fsync on. {@link #start} skips the calling test, with the reason, when the
 * package or the user is missing or this process cannot switch users. Stopped by its own PID.
 */
public final class PostgresServer implements AutoCloseable {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path dir;
    private final int port;
    private Process server;

    private PostgresServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** A new cluster, started; skips the test when PostgreSQL 15 cannot run here. */
    public static PostgresServer start() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(BIN.resolve("initdb")),
                "PostgreSQL 15 is not installed (" + BIN + "; Debian package postgresql)");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "starting PostgreSQL as the postgres user needs root (runuser); running as " + System.getProperty("user.name"));
        Assumptions.assumeTrue(run(List.of("id", "postgres")) == 0, "there is no postgres user");
        Path dir = Files.createTempDirectory("switchboard-pg");
        check(run(List.of("chown", "postgres", dir.toString())), "chown");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PostgresServer pg = new PostgresServer(dir, port);
        check(run(asPostgres(BIN.resolve("initdb").toString(), "-D", pg.data().toString(), "-A", "trust", "-U",
                "switchboard", "--encoding", "UTF8", "--no-sync")), "initdb");
        pg.startServer();
        return pg;
    }

    private Path data() {
        return dir.resolve("data");
    }

    /** The JDBC URL of the cluster's {@code postgres} database as the superuser {@code switchboard}. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=switchboard&connectTimeout=5&socketTimeout=30";
    }

    /** Starts the server (again) and waits until it takes connections. */
    public void startServer() throws IOException, InterruptedException {
        server = new ProcessBuilder(asPostgres(BIN.resolve("postgres").toString(), "-D", data().toString(), "-p",
                Integer.toString(port), "-c", "listen_addresses=127.0.0.1", "-k", dir.toString(), "-c", "fsync=on"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Connection c = DriverManager.getConnection(url())) {
                return;
            } catch (SQLException notYet) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("PostgreSQL did not start: " + Files.readString(dir.resolve("server.log")));
                }
                Thread.sleep(100);
            }
        }
    }

    /** Stops the server (fast shutdown: open connections are cut) and waits for it to exit. */
    public void stopServer() throws IOException, InterruptedException {
        if (server == null) {
            return;
        }
        run(asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w", "stop"));
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        server = null;
    }

    /** Drops everything in the {@code public} schema (each test starts from an empty database). */
    public void reset() throws SQLException {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            stopServer();
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static List<String> asPostgres(String... command) {
        List<String> c = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        c.addAll(List.of(command));
        return c;
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static void check(int exit, String what) throws IOException {
        if (exit != 0) {
            throw new IOException(what + " failed with exit " + exit);
        }
    }
}
