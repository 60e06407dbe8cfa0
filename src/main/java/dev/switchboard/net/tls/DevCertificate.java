package dev.switchboard.net.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The development certificate: a self-signed EC P-256 certificate for localhost, 127.0.0.1, ::1 and the
 * host's own addresses, generated once into the data dir (key file mode 600) so browsers on the LAN can
 * be pointed at HTTPS and use the camera. Reused while it is valid for at least another week.
 */
public final class DevCertificate {
    static final Duration VALIDITY = Duration.ofDays(365);
    private static final String CERT = "dev-cert.pem";
    private static final String KEY = "dev-key.pem";

    private DevCertificate() {}

    /** The certificate and key under {@code dir}, generated if missing or about to expire. */
    public static TlsFiles ensure(Path dir) throws IOException {
        Path cert = dir.resolve(CERT);
        Path key = dir.resolve(KEY);
        if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
            try {
                X509Certificate existing = PemFiles.readCertificates(cert).get(0);
                if (existing.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(7)))) {
                    return new TlsFiles(cert, key);
                }
            } catch (IOException | GeneralSecurityException | RuntimeException unreadable) {
                // regenerate below
            }
        }
        Files.createDirectories(dir);
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = gen.generateKeyPair();
            X509Certificate c = selfSigned(pair, names());
            writeAtomically(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), true);
            writeAtomically(cert, pem(c), false);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException("cannot generate the development certificate", e);
        }
        return new TlsFiles(cert, key);
    }

    /** DNS and IP names the certificate covers: localhost, loopback, and this host's addresses. */
    static List<String> names() {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (!a.isLinkLocalAddress()) {
                        names.add(a.getHostAddress().replaceAll("%.*$", ""));
                    }
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // interfaces unreadable: loopback names only
        }
        return new ArrayList<>(names);
    }

    static X509Certificate selfSigned(KeyPair pair, List<String> names) throws GeneralSecurityException,
            org.bouncycastle.operator.OperatorCreationException, IOException {
        X500Name subject = new X500Name("CN=Switchboard development certificate");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
        List<GeneralName> alt = new ArrayList<>();
        for (String n : names) {
            boolean ip = n.matches("[0-9.]+") || n.contains(":");
            alt.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    private static String pem(Object o) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString();
    }

    private static void writeAtomically(Path target, String content, boolean secret) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            if (secret) {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // best effort on other file systems
                }
            }
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
