package dev.switchboard.turn;

import dev.switchboard.stun.ChannelNumber;
import dev.switchboard.stun.Data;
import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.Integrity;
import dev.switchboard.stun.MessageClass;
import dev.switchboard.stun.MessageType;
import dev.switchboard.stun.Nonce;
import dev.switchboard.stun.Realm;
import dev.switchboard.stun.RequestedTransport;
import dev.switchboard.stun.StunAttribute;
import dev.switchboard.stun.StunDecoder;
import dev.switchboard.stun.StunEncoder;
import dev.switchboard.stun.StunFormatException;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.StunMethod;
import dev.switchboard.stun.TransactionId;
import dev.switchboard.stun.TransportAddress;
import dev.switchboard.stun.Username;
import dev.switchboard.stun.XorPeerAddress;
import dev.switchboard.stun.XorRelayedAddress;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A blocking TURN client over a real UDP socket, for tests that need byte-exact control of what is
 * relayed: Allocate with long-term credentials, ChannelBind, CreatePermission, ChannelData and Send
 * out, and raw datagrams in. Not for concurrent use.
 */
final class UdpTurnClient implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final String user;
    private final String password;
    private final String realm;
    private String nonce;

    UdpTurnClient(InetSocketAddress server, String user, String password, String realm) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
        this.socket.setReceiveBufferSize(1 << 20);
        this.socket.setSoTimeout(3000);
        this.server = server;
        this.user = user;
        this.password = password;
        this.realm = realm;
    }

    /** Allocates a UDP relay and returns its address. */
    InetSocketAddress allocate() throws IOException {
        StunMessage r = request(StunMethod.ALLOCATE, new RequestedTransport(RequestedTransport.UDP));
        return r.get(XorRelayedAddress.class).address().toSocketAddress();
    }

    void bind(int channel, InetSocketAddress peer) throws IOException {
        request(StunMethod.CHANNEL_BIND, new ChannelNumber(channel), new XorPeerAddress(TransportAddress.of(peer)));
    }

    void permit(InetSocketAddress peer) throws IOException {
        request(StunMethod.CREATE_PERMISSION, new XorPeerAddress(TransportAddress.of(peer)));
    }

    void sendChannelData(int channel, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + payload.length);
        b.putShort((short) channel).putShort((short) payload.length).put(payload);
        send(b.array());
    }

    void sendIndication(InetSocketAddress peer, byte[] payload) throws IOException {
        send(StunEncoder.encode(StunMessage.of(new MessageType(StunMethod.SEND, MessageClass.INDICATION),
                TransactionId.random(), new XorPeerAddress(TransportAddress.of(peer)), new Data(payload))));
    }

    /** The next datagram from the server, or null after {@code millis} of silence. */
    byte[] receive(int millis) throws IOException {
        socket.setSoTimeout(millis);
        DatagramPacket p = new DatagramPacket(new byte[1 << 16], 1 << 16);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    /** The payload of a ChannelData or Data indication datagram. */
    static byte[] payload(byte[] datagram) throws StunFormatException {
        if ((datagram[0] & 0xC0) == 0x40) {
            int length = ((datagram[2] & 0xFF) << 8) | (datagram[3] & 0xFF);
            return Arrays.copyOfRange(datagram, 4, 4 + length);
        }
        return StunDecoder.decode(datagram).get(Data.class).bytes();
    }

    private void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, server));
    }

    /** Sends a signed request (fetching a nonce first) and returns the success answer, else throws. */
    private StunMessage request(int method, StunAttribute... attrs) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            List<StunAttribute> all = new ArrayList<>(List.of(attrs));
            StunEncoder.Protection protection = StunEncoder.Protection.NONE;
            if (nonce != null) {
                all.addAll(List.of(new Username(user), new Realm(realm), new Nonce(nonce)));
                protection = new StunEncoder.Protection(Integrity.longTermKey(user, realm, password), false, true);
            }
            TransactionId tid = TransactionId.random();
            send(StunEncoder.encode(StunMessage.of(MessageType.request(method), tid, all), protection));
            StunMessage answer = answer(tid);
            if (answer.messageClass() == MessageClass.SUCCESS) {
                return answer;
            }
            ErrorCode e = answer.get(ErrorCode.class);
            Nonce fresh = answer.get(Nonce.class);
            if (e == null || fresh == null || (e.code() != ErrorCode.UNAUTHENTICATED && e.code() != ErrorCode.STALE_NONCE)) {
                throw new IOException("request " + method + " failed: " + answer);
            }
            nonce = fresh.value();
        }
        throw new IOException("no nonce accepted");
    }

    private StunMessage answer(TransactionId tid) throws IOException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < deadline) {
            byte[] d = receive(1000);
            if (d == null || d[0] >= 4) {
                continue;
            }
            try {
                StunMessage m = StunDecoder.decode(d);
                if (m.transactionId().equals(tid)) {
                    return m;
                }
            } catch (StunFormatException ignored) {
                // not ours
            }
        }
        throw new IOException("no answer");
    }

    @Override
    public void close() {
        socket.close();
    }
}
