package dev.switchboard.net.demux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.List;

/**
 * The first handler of a connection on a shared port: by its first bytes ({@link FirstBytes}) a TLS
 * ClientHello gets a TLS handler and then HTTPS or TURNS (directly when only one of them is here,
 * otherwise through {@link TlsDemux}), a STUN message gets TURN over TCP, anything else HTTP. It reads
 * at most {@link FirstBytes#DECISIVE} bytes to decide, once per connection, and then leaves.
 */
public final class PortDemux extends Demux {
    static final String TLS_HANDLER = "tls";
    private final PortServices services;

    public PortDemux(PortServices services, Duration timeout) {
        super(timeout);
        this.services = services;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (FirstBytes.classify(in)) {
            case UNDECIDED -> {
                // wait for more; FirstBytes decides every stream by its eighth byte
            }
            case TLS -> handOver(ctx, in, services.tlsServed() ? this::tls : null);
            case STUN -> handOver(ctx, in, services.turn());
            case OTHER -> handOver(ctx, in, services.http());
        }
    }

    private void tls(io.netty.channel.Channel ch) {
        ch.pipeline().addLast(TLS_HANDLER, services.tls().get().newHandler(ch.alloc()));
        if (services.https() != null && services.turns() != null) {
            ch.pipeline().addLast("tls-demux", new TlsDemux(services.https(), services.turns(), timeout));
        } else {
            (services.https() != null ? services.https() : services.turns()).install(ch);
        }
    }
}
