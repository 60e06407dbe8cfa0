package dev.switchboard.turn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A small internet in five network namespaces, for NAT traversal tests:
 * <pre>
 *   a 10.1.0.2 ── 10.1.0.1 router A 203.0.113.2 ──┐
 *                                                   ├── bridge 203.0.113.1 server
 *   b 10.2.0.2 ── 10.2.0.1 router B 203.0.113.3 ──┘
 * </pre>
 * Each router forwards and masquerades its private net (nftables, {@code fully-random}: a new public
 * port per flow, so hole punching cannot work and only a relay connects the peers). The server
 * namespace does not forward, so a private address is unreachable from the other side. It does have a
 * route to B's net through router B, as a TURN server inside B's organisation would: the peer
 * deny-list alone decides whether the server relays into 10.2.0.0/24.
 * <p>
 * Needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN), iproute2 and nftables; {@link #unavailable()} says
 * why not. Namespace names carry a random suffix so parallel runs do not collide; {@link #close()}
 * ends every process started here and deletes the namespaces, and a shutdown hook does the same if
 * the JVM exits first.
 */
final class NatLab implements AutoCloseable {
    static final String SERVER_IP = "203.0.113.1";
    static final String ROUTER_A_IP = "203.0.113.2";
    static final String ROUTER_B_IP = "203.0.113.3";
    static final String A_IP = "10.1.0.2";
    static final String B_IP = "10.2.0.2";

    final String server;
    final String routerA;
    final String routerB;
    final String a;
    final String b;
    private final List<String> all;
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Thread hook = new Thread(this::cleanUp, "natlab-cleanup");

    private NatLab(String suffix) {
        server = "sbsrv" + suffix;
        routerA = "sbra" + suffix;
        routerB = "sbrb" + suffix;
        a = "sba" + suffix;
        b = "sbb" + suffix;
        all = List.of(server, routerA, routerB, a, b);
    }

    /** Null when namespaces, veths and NAT can be made here, else the reason they cannot. */
    static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "NAT test needs root for network namespaces (running as " + System.getProperty("user.name") + ")";
        }
        for (String tool : List.of("/usr/sbin/ip", "/usr/sbin/nft")) {
            if (!Files.isExecutable(Path.of(tool)) && !Files.isExecutable(Path.of(tool.replace("/usr/sbin", "/sbin")))) {
                return "NAT test needs " + tool + " (Debian packages iproute2, nftables)";
            }
        }
        String probe = "sbprobe" + ThreadLocalRandom.current().nextInt(1 << 30);
        try {
            Result r = exec(10, "ip", "netns", "add", probe);
            if (r.code != 0) {
                return "cannot create a network namespace: " + r.output.strip();
            }
            Result nft = exec(10, "ip", "netns", "exec", probe, "nft", "add", "table", "ip", "probe");
            return nft.code == 0 ? null : "nftables does not work in a network namespace: " + nft.output.strip();
        } catch (IOException e) {
            return "cannot run ip: " + e.getMessage();
        } finally {
            try {
                exec(10, "ip", "netns", "del", probe);
            } catch (IOException ignored) {
                // nothing was made
            }
        }
    }

    static NatLab create() throws IOException {
        NatLab lab = new NatLab(Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36));
        Runtime.getRuntime().addShutdownHook(lab.hook);
        try {
            lab.build();
            return lab;
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void build() throws IOException {
        for (String ns : all) {
            must("ip", "netns", "add", ns);
            must("ip", "-n", ns, "link", "set", "lo", "up");
        }
        must("ip", "-n", server, "link", "add", "pub", "type", "bridge");
        must("ip", "-n", server, "addr", "add", SERVER_IP + "/24", "dev", "pub");
        must("ip", "-n", server, "link", "set", "pub", "up");
        router(routerA, a, "wa", ROUTER_A_IP, "10.1.0");
        router(routerB, b, "wb", ROUTER_B_IP, "10.2.0");
        must("ip", "-n", server, "route", "add", "10.2.0.0/24", "via", ROUTER_B_IP);
    }

    private void router(String router, String host, String port, String wanIp, String lan) throws IOException {
        must("ip", "-n", router, "link", "add", "wan", "type", "veth", "peer", "name", port, "netns", server);
        must("ip", "-n", server, "link", "set", port, "master", "pub", "up");
        must("ip", "-n", router, "addr", "add", wanIp + "/24", "dev", "wan");
        must("ip", "-n", router, "link", "set", "wan", "up");
        must("ip", "-n", router, "route", "add", "default", "via", SERVER_IP);
        must("ip", "-n", router, "link", "add", "lan", "type", "veth", "peer", "name", "eth0", "netns", host);
        must("ip", "-n", router, "addr", "add", lan + ".1/24", "dev", "lan");
        must("ip", "-n", router, "link", "set", "lan", "up");
        must("ip", "-n", host, "addr", "add", lan + ".2/24", "dev", "eth0");
        must("ip", "-n", host, "link", "set", "eth0", "up");
        must("ip", "-n", host, "route", "add", "default", "via", lan + ".1");
        must("ip", "netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        must("ip", "netns", "exec", router, "nft", "add table ip nat; "
                + "add chain ip nat post { type nat hook postrouting priority srcnat; }; "
                + "add rule ip nat post oifname \"wan\" masquerade fully-random");
    }

    /** Runs {@code cmd} in namespace {@code ns} to completion (under a timeout). */
    Result run(String ns, int timeoutSeconds, String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns, "timeout", "-k", "2",
                Integer.toString(timeoutSeconds)));
        full.addAll(List.of(cmd));
        return exec(timeoutSeconds + 5, full.toArray(String[]::new));
    }

    /** Starts {@code cmd} in namespace {@code ns}; it is ended by {@link #close()} at the latest. */
    Process start(String ns, ProcessBuilder.Redirect output, String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output).start();
        processes.add(p);
        return p;
    }

    /** Ends {@code p} and its children. */
    static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the hook is running or has run
        }
    }

    private synchronized void cleanUp() {
        for (Process p : processes) {
            stop(p);
        }
        processes.clear();
        for (String ns : all) {
            try {
                // anything still inside (started by ip netns exec from a child we lost track of)
                for (String pid : exec(10, "ip", "netns", "pids", ns).output.split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                exec(10, "ip", "netns", "del", ns);
            } catch (IOException | NumberFormatException e) {
                // best effort: the next namespace still gets deleted
            }
        }
    }

    record Result(int code, String output) {}

    private static void must(String... cmd) throws IOException {
        Result r = exec(20, cmd);
        if (r.code != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + r.code + "): " + r.output.strip());
        }
    }

    static Result exec(int timeoutSeconds, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, new String(out, StandardCharsets.UTF_8) + " (timed out)");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
