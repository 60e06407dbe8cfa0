package dev.switchboard.net.demux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.net.tls.DevCertificate;
import dev.switchboard.net.tls.ServerTls;
import dev.switchboard.stun.MessageType;
import dev.switchboard.stun.StunEncoder;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.StunMethod;
import dev.switchboard.stun.TransactionId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared-port demultiplexer on EmbeddedChannel with each kind of first flight: real TLS ClientHellos
 * from a client SSL engine (with ALPN stun.turn, with http/1.1, without ALPN), STUN, HTTP, garbage, too
 * few bytes and a client sending one byte at a time.
 */
class PortDemuxTest {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final byte[] HTTP = "GET /healthz HTTP/1.1\r\nHost: example.org\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static SslContext serverTls;

    /** Which protocol's handlers were installed, and what each received. */
    final List<String> installed = new ArrayList<>();
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final List<EmbeddedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void certificate(@TempDir Path dir) throws Exception {
        serverTls = new ServerTls(DevCertificate.ensure(dir)).context();
    }

    @AfterEach
    void releaseAll() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    /** Installs a sink that names the protocol and collects its bytes. */
    Installer sink(String name) {
        return ch -> {
            installed.add(name);
            ch.pipeline().addLast(name, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    byte[] bytes = new byte[b.readableBytes()];
                    b.readBytes(bytes);
                    b.release();
                    received.writeBytes(bytes);
                }
            });
        };
    }

    PortServices all() {
        return new PortServices(sink("http"), sink("turn"), () -> serverTls, sink("https"), sink("turns"));
    }

    EmbeddedChannel server(PortServices services) {
        EmbeddedChannel ch = new EmbeddedChannel(new PortDemux(services, TIMEOUT));
        channels.add(ch);
        return ch;
    }

    static byte[] stun() {
        return StunEncoder.encode(StunMessage.of(MessageType.request(StunMethod.BINDING), TransactionId.random()));
    }

    @Test
    void httpGoesToHttpWithEveryByteAndTheDemuxLeaves() {
        EmbeddedChannel ch = server(all());
        ch.writeInbound(Unpooled.wrappedBuffer(HTTP));
        assertThat(installed).containsExactly("http");
        assertThat(received.toByteArray()).isEqualTo(HTTP);
        assertThat(ch.pipeline().get(PortDemux.class)).as("no per-request cost").isNull();
        assertThat(ch.pipeline().names()).containsExactly("http", "DefaultChannelPipeline$TailContext#0");
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void stunGoesToTurnOverTcp() {
        EmbeddedChannel ch = server(all());
        byte[] stun = stun();
        ch.writeInbound(Unpooled.wrappedBuffer(stun));
        assertThat(installed).containsExactly("turn");
        assertThat(received.toByteArray()).isEqualTo(stun);
        assertThat(ch.pipeline().get(PortDemux.class)).isNull();
    }

    @Test
    void aStunMessageOneByteAtATimeIsHeldUntilTheCookieIsComplete() {
        EmbeddedChannel ch = server(all());
        byte[] stun = stun();
        for (int i = 0; i < stun.length; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(stun, i, 1));
            if (i < FirstBytes.DECISIVE - 1) {
                assertThat(installed).as("after %d bytes", i + 1).isEmpty();
                assertThat(ch.pipeline().get(PortDemux.class)).isNotNull();
            } else {
                assertThat(installed).as("after %d bytes", i + 1).containsExactly("turn");
            }
        }
        assertThat(received.toByteArray()).isEqualTo(stun);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void httpOneByteAtATimeIsDecidedByItsFirstByte() {
        EmbeddedChannel ch = server(all());
        for (byte b : HTTP) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            assertThat(installed).containsExactly("http");
        }
        assertThat(received.toByteArray()).isEqualTo(HTTP);
    }

    @Test
    void tooFewBytesAreHeldAndTheConnectionClosesAtTheTimeout() {
        EmbeddedChannel ch = server(all());
        ch.freezeTime();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x00, 0x01, 0x00}));
        assertThat(installed).isEmpty();
        ch.advanceTimeBy(TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).as("closed at the timeout").isFalse();
        assertThat(installed).isEmpty();
    }

    @Test
    void aSilentConnectionClosesAtTheTimeout() {
        EmbeddedChannel ch = server(all());
        ch.freezeTime();
        ch.advanceTimeBy(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void theTimeoutIsCancelledOnceDecided() {
        EmbeddedChannel ch = server(all());
        ch.freezeTime();
        ch.writeInbound(Unpooled.wrappedBuffer(HTTP));
        ch.advanceTimeBy(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void binaryGarbageGoesToHttpWhoseCodecRefusesIt() {
        EmbeddedChannel ch = server(all());
        byte[] garbage = {(byte) 0xFF, 0x00, 0x13, 0x37, 0x42, 0x42, 0x42, 0x42, 0x42};
        ch.writeInbound(Unpooled.wrappedBuffer(garbage));
        assertThat(installed).containsExactly("http");
        assertThat(received.toByteArray()).isEqualTo(garbage);
    }

    @Test
    void stunLookalikeWithoutTheCookieIsNotTurn() {
        EmbeddedChannel ch = server(all());
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, (byte) 0xA4, 0x43}));
        assertThat(installed).containsExactly("http");
    }

    @Test
    void aProtocolNotServedOnThePortClosesTheConnection() {
        PortServices turnOnly = new PortServices(null, sink("turn"), () -> serverTls, null, sink("turns"));
        EmbeddedChannel plain = server(turnOnly);
        plain.writeInbound(Unpooled.wrappedBuffer(HTTP));
        assertThat(plain.isOpen()).isFalse();

        PortServices noTls = new PortServices(sink("http"), sink("turn"), null, null, null);
        EmbeddedChannel tls = server(noTls);
        tls.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01}));
        assertThat(tls.isOpen()).isFalse();
        assertThat(installed).isEmpty();
    }

    @Test
    void tlsWithAlpnStunTurnGoesToTurns() throws Exception {
        byte[] stun = stun();
        assertThat(overTls(all(), "stun.turn", stun, false)).containsExactly("turns");
        assertThat(received.toByteArray()).isEqualTo(stun);
    }

    @Test
    void aClientOfferingHttpAndStunTurnIsTakenForTurn() throws Exception {
        // coturn's turnutils_uclient offers these three, http/1.1 first
        byte[] stun = stun();
        assertThat(overTls(all(), "http/1.1,stun.turn,stun.nat-discovery", stun, false)).containsExactly("turns");
        assertThat(received.toByteArray()).isEqualTo(stun);
    }

    @Test
    void tlsWithAlpnHttpGoesToHttpsEvenIfTheBytesLookLikeStun() throws Exception {
        byte[] stun = stun();
        assertThat(overTls(all(), "http/1.1", stun, false)).containsExactly("https");
        assertThat(received.toByteArray()).isEqualTo(stun);
    }

    @Test
    void tlsWithoutAlpnIsDecidedByTheDecryptedBytes() throws Exception {
        byte[] stun = stun();
        assertThat(overTls(all(), null, stun, false)).containsExactly("turns");
        assertThat(received.toByteArray()).isEqualTo(stun);
        installed.clear();
        received.reset();
        assertThat(overTls(all(), null, HTTP, false)).containsExactly("https");
        assertThat(received.toByteArray()).isEqualTo(HTTP);
    }

    @Test
    void tlsWithAnUnknownAlpnFallsBackToTheBytes() throws Exception {
        assertThat(overTls(all(), "h2", HTTP, false)).containsExactly("https");
        assertThat(received.toByteArray()).isEqualTo(HTTP);
    }

    @Test
    void aClientHelloOneByteAtATimeCompletesTheHandshake() throws Exception {
        byte[] stun = stun();
        assertThat(overTls(all(), null, stun, true)).containsExactly("turns");
        assertThat(received.toByteArray()).isEqualTo(stun);
    }

    @Test
    void withOnlyHttpsBehindTlsNoSecondDemuxIsNeeded() throws Exception {
        PortServices httpsAndTurn = new PortServices(null, sink("turn"), () -> serverTls, sink("https"), null);
        assertThat(overTls(httpsAndTurn, "stun.turn", HTTP, false)).containsExactly("https");
        assertThat(received.toByteArray()).isEqualTo(HTTP);
    }

    /**
     * A real TLS client (JDK engine, optionally offering {@code alpn}, comma-separated) against the demux: handshake,
     * then {@code payload} as application data. Returns what was installed; the demuxes must be gone.
     */
    private List<String> overTls(PortServices services, String alpn, byte[] payload, boolean byteByByte) throws Exception {
        SslContextBuilder b = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE);
        if (alpn != null) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn.split(",")));
        }
        SslHandler clientTls = b.build().newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, "localhost", 443);
        EmbeddedChannel client = new EmbeddedChannel(clientTls);
        channels.add(client);
        EmbeddedChannel server = server(services);
        for (int round = 0; round < 20 && !clientTls.handshakeFuture().isDone(); round++) {
            pump(client, server, byteByByte);
            pump(server, client, false);
        }
        assertThat(clientTls.handshakeFuture().isSuccess()).as("handshake").isTrue();
        if (services.https() != null && services.turns() != null) {
            assertThat(installed).as("nothing decided before application data").isEmpty();
        }
        client.writeOutbound(Unpooled.wrappedBuffer(payload));
        pump(client, server, false);
        assertThat(server.pipeline().get(PortDemux.class)).isNull();
        assertThat(server.pipeline().get(TlsDemux.class)).isNull();
        assertThat(server.isOpen()).isTrue();
        return installed;
    }

    /** Moves what {@code from} wrote into {@code to} (in one-byte buffers when asked). */
    private static void pump(EmbeddedChannel from, Channel to, boolean byteByByte) {
        EmbeddedChannel target = (EmbeddedChannel) to;
        ByteBuf out;
        while ((out = from.readOutbound()) != null) {
            if (byteByByte) {
                while (out.isReadable()) {
                    target.writeInbound(out.readRetainedSlice(1));
                }
                out.release();
            } else {
                target.writeInbound(out);
            }
        }
    }
}
