package dev.switchboard.net.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProtocols;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS context, built from PEM files (TLS 1.2 and 1.3 only) and rebuilt when either file
 * changes on disk. Listeners ask for {@link #context()} per new connection, so a renewed certificate is
 * used without a restart; a broken replacement is logged and the previous context kept. ALPN offers
 * {@code http/1.1} and {@code stun.turn} (RFC 7443), which a shared port uses to tell HTTPS from TURNS.
 */
public final class ServerTls {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
    /** ALPN protocol ID of TURN (and STUN) over TLS, RFC 7443. */
    public static final String ALPN_TURN = "stun.turn";
    public static final String ALPN_HTTP_1_1 = ApplicationProtocolNames.HTTP_1_1;

    private final TlsFiles files;
    private volatile SslContext context;
    private volatile X509Certificate leaf;
    private FileTime certTime;
    private FileTime keyTime;

    public ServerTls(TlsFiles files) throws IOException {
        this.files = files;
        load();
    }

    public SslContext context() {
        return context;
    }

    public X509Certificate certificate() {
        return leaf;
    }

    public String fingerprint() {
        return PemFiles.sha256Fingerprint(leaf);
    }

    /** Reloads when the files changed since the last load; returns true when a new context is in use. */
    public synchronized boolean reloadIfChanged() {
        try {
            if (Files.getLastModifiedTime(files.certificateChain()).equals(certTime)
                    && Files.getLastModifiedTime(files.privateKey()).equals(keyTime)) {
                return false;
            }
            load();
            log.info("TLS certificate reloaded from {} (SHA-256 {})", files.certificateChain(), fingerprint());
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("TLS certificate in {} not reloaded, keeping the previous one: {}", files.certificateChain(), e.toString());
            return false;
        }
    }

    private synchronized void load() throws IOException {
        FileTime ct = Files.getLastModifiedTime(files.certificateChain());
        FileTime kt = Files.getLastModifiedTime(files.privateKey());
        try {
            X509Certificate cert = PemFiles.readCertificates(files.certificateChain()).get(0);
            SslContext ctx = SslContextBuilder.forServer(files.certificateChain().toFile(), files.privateKey().toFile())
                    .protocols(SslProtocols.TLS_v1_3, SslProtocols.TLS_v1_2)
                    // offered so that a shared port can tell HTTPS from TURNS by the handshake; a client
                    // asking for neither (h2 alone, or no ALPN) gets no ALPN answer rather than an alert.
                    // The server's order wins: stun.turn first, as TURN clients offer http/1.1 too
                    // (coturn's turnutils_uclient sends http/1.1, stun.turn, stun.nat-discovery)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ALPN_TURN, ALPN_HTTP_1_1))
                    .build();
            this.context = ctx;
            this.leaf = cert;
            this.certTime = ct;
            this.keyTime = kt;
        } catch (SSLException | java.security.cert.CertificateException | IllegalArgumentException e) {
            throw new IOException("cannot use the TLS certificate/key " + files.certificateChain() + " / "
                    + files.privateKey() + ": " + e.getMessage(), e);
        }
    }
}
