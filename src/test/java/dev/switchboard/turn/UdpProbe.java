package dev.switchboard.turn;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A plain UDP client run inside a network namespace by {@link NatTraversalTest}: sends a few datagrams
 * to {@code host port} and prints {@code echo FROM} when an answer comes back within
 * {@code millis}, else {@code silence}.
 */
final class UdpProbe {
    private UdpProbe() {}

    public static void main(String[] args) throws Exception {
        InetSocketAddress to = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int millis = Integer.parseInt(args[2]);
        byte[] ping = "direct probe".getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(millis / 4);
            for (int i = 0; i < 4; i++) {
                s.send(new DatagramPacket(ping, ping.length, to));
                DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
                try {
                    s.receive(in);
                    System.out.println("echo " + in.getSocketAddress());
                    return;
                } catch (SocketTimeoutException e) {
                    // try again
                }
            }
        } catch (java.io.IOException e) {
            System.out.println("unreachable " + e.getMessage());
            return;
        }
        System.out.println("silence");
    }
}
