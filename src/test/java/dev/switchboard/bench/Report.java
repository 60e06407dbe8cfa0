package dev.switchboard.bench;

import java.util.List;
import java.util.Locale;

/** Prints the benchmark's figures as Markdown tables, Switchboard beside Node with the ratio. */
final class Report {
    private Report() {}

    static void print(List<SignalingBench.Point> points, List<SignalingBench.Idle> idles, int paceMs) {
        System.out.println();
        System.out.println("| rooms | load | server | msg/s | p50 RTT ms | p99 RTT ms | server CPU µs/msg | of which kernel | server cores | errors |");
        System.out.println("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (SignalingBench.Point p : points) {
            System.out.printf(Locale.ROOT, "| %d | %s | %s | %.0f | %.2f | %.2f | %.1f | %.0f%% | %.2f | %d |%n",
                    p.rooms(), p.mode().equals("paced") ? "paced " + paceMs + " ms" : "closed loop", p.server(),
                    p.messagesPerSecond(), p.p50Micros() / 1000.0, p.p99Micros() / 1000.0, p.cpuMicrosPerMessage(),
                    p.systemShare() * 100, p.serverCores(), p.errors());
        }
        System.out.println();
        System.out.println("| rooms | load | CPU/msg Switchboard/Node | msg/s Switchboard/Node | p99 Switchboard/Node |");
        System.out.println("|---:|---|---:|---:|---:|");
        for (SignalingBench.Point s : points) {
            if (!s.server().equals("switchboard")) {
                continue;
            }
            for (SignalingBench.Point n : points) {
                if (n.server().equals("node") && n.rooms() == s.rooms() && n.mode().equals(s.mode())) {
                    System.out.printf(Locale.ROOT, "| %d | %s | %.2f | %.2f | %.2f |%n", s.rooms(), s.mode(),
                            s.cpuMicrosPerMessage() / n.cpuMicrosPerMessage(),
                            s.messagesPerSecond() / n.messagesPerSecond(), (double) s.p99Micros() / n.p99Micros());
                }
            }
        }
        System.out.println();
        System.out.println("| server | idle connections | live heap B/conn | RSS B/conn |");
        System.out.println("|---|---:|---:|---:|");
        for (SignalingBench.Idle i : idles) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f |%n", i.server(), i.connections(),
                    i.heapPerConnection(), i.rssPerConnection());
        }
        if (idles.size() == 2) {
            System.out.printf(Locale.ROOT, "%nidle ratio Switchboard/Node: heap %.2f, RSS %.2f%n",
                    idles.get(0).heapPerConnection() / idles.get(1).heapPerConnection(),
                    idles.get(0).rssPerConnection() / idles.get(1).rssPerConnection());
        }
    }
}
