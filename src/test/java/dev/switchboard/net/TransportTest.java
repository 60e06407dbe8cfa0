package dev.switchboard.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TransportTest {

    @Test
    void autoPicksTheFirstAvailableAndNamesAreChecked() {
        Transport auto = Transport.choose(null);
        assertThat(auto.available()).isTrue();
        assertThat(Transport.choose("auto")).isEqualTo(auto);
        assertThat(Transport.choose("nio")).isEqualTo(Transport.NIO);
        assertThat(Transport.choose(" NIO ")).isEqualTo(Transport.NIO);
        assertThatThrownBy(() -> Transport.choose("kqueue"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("io_uring, epoll or nio");
    }

    @Test
    void aTransportThisHostCannotRunIsAnErrorNotASilentFallback() {
        for (Transport t : Transport.values()) {
            if (!t.available()) {
                assertThatThrownBy(() -> Transport.choose(t.label()))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not available");
            }
        }
    }

    /** Each transport this host runs carries a TCP echo and a UDP datagram on the listener it builds. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void listenersWorkOnEveryAvailableTransport(Transport transport) throws Exception {
        Assumptions.assumeTrue(transport.available(), transport + " not available here");
        try (EventLoops loops = new EventLoops(2, transport)) {
            Channel server = loops.bindTcp("127.0.0.1", 0, new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new SimpleChannelInboundHandler<io.netty.buffer.ByteBuf>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, io.netty.buffer.ByteBuf msg) {
                            ctx.writeAndFlush(msg.retain());
                        }
                    });
                }
            });
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                byte[] b = s.getInputStream().readNBytes(4);
                assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("ping");
            }
            server.close().sync();

            CompletableFuture<String> got = new CompletableFuture<>();
            Bootstrap udp = new Bootstrap().group(loops.workers())
                    .channelFactory(loops.datagramChannel(InetAddress.getByName("127.0.0.1")))
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                            got.complete(p.content().toString(StandardCharsets.US_ASCII));
                        }
                    });
            if (loops.linux()) {
                udp.option(loops.reusePort(), true).option(loops.maxDatagramPayloadSize(), 2048);
            }
            Channel d = udp.bind("127.0.0.1", 0).sync().channel();
            try (java.net.DatagramSocket c = new java.net.DatagramSocket()) {
                byte[] m = "datagram".getBytes(StandardCharsets.US_ASCII);
                c.send(new java.net.DatagramPacket(m, m.length, (InetSocketAddress) d.localAddress()));
            }
            assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("datagram");
            d.close().sync();
        }
    }
}
