package dev.switchboard.net.demux;

import dev.switchboard.net.tls.ServerTls;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.List;

/**
 * Behind the TLS handler of a shared port that serves both HTTPS and TURNS: the protocol the handshake
 * agreed by ALPN ({@code stun.turn}, RFC 7443, or {@code http/1.1}) decides; without ALPN the first
 * decrypted bytes do, by the same rule as on the plain stream (STUN: TURNS, anything else: HTTPS).
 */
final class TlsDemux extends Demux {
    private final Installer https;
    private final Installer turns;

    TlsDemux(Installer https, Installer turns, Duration timeout) {
        super(timeout);
        this.https = https;
        this.turns = turns;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        String alpn = ssl == null ? null : ssl.applicationProtocol();
        if (ServerTls.ALPN_TURN.equals(alpn)) {
            handOver(ctx, in, turns);
            return;
        }
        if (ServerTls.ALPN_HTTP_1_1.equals(alpn)) {
            handOver(ctx, in, https);
            return;
        }
        switch (FirstBytes.classify(in)) {
            case UNDECIDED -> {
                // wait for more
            }
            case STUN -> handOver(ctx, in, turns);
            case TLS, OTHER -> handOver(ctx, in, https);
        }
    }
}
