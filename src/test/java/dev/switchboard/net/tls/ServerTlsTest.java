package dev.switchboard.net.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {

    @Test
    void devCertificateIsEcP256ForLoopbackNamesAndItsKeyIsPrivate(@TempDir Path dir) throws Exception {
        TlsFiles files = DevCertificate.ensure(dir);
        X509Certificate cert = PemFiles.readCertificates(files.certificateChain()).get(0);
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        List<String> names = cert.getSubjectAlternativeNames().stream().map(l -> l.get(1).toString()).toList();
        assertThat(names).contains("localhost", "127.0.0.1");
        assertThat(names).anyMatch(n -> n.equals("0:0:0:0:0:0:0:1") || n.equals("::1"));
        assertThat(Files.getPosixFilePermissions(files.privateKey()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(new ServerTls(files).context().isServer()).isTrue();
    }

    @Test
    void devCertificateIsGeneratedOnceAndReused(@TempDir Path dir) throws Exception {
        TlsFiles first = DevCertificate.ensure(dir);
        String fp = new ServerTls(first).fingerprint();
        TlsFiles again = DevCertificate.ensure(dir);
        assertThat(new ServerTls(again).fingerprint()).isEqualTo(fp);
        assertThat(fp).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void changedFilesAreReloadedAndABrokenReplacementKeepsThePreviousCertificate(@TempDir Path dir) throws Exception {
        Path live = dir.resolve("live");
        Files.createDirectories(live);
        TlsFiles one = DevCertificate.ensure(dir.resolve("one"));
        TlsFiles two = DevCertificate.ensure(dir.resolve("two"));
        TlsFiles files = new TlsFiles(live.resolve("cert.pem"), live.resolve("key.pem"));
        copy(one, files, 1);
        ServerTls tls = new ServerTls(files);
        String before = tls.fingerprint();
        assertThat(tls.reloadIfChanged()).as("nothing changed").isFalse();

        copy(two, files, 2);
        assertThat(tls.reloadIfChanged()).isTrue();
        assertThat(tls.fingerprint()).isNotEqualTo(before).isEqualTo(new ServerTls(two).fingerprint());

        String good = tls.fingerprint();
        Files.writeString(files.certificateChain(), "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
        Files.setLastModifiedTime(files.certificateChain(), FileTime.from(Instant.now().plusSeconds(3)));
        assertThat(tls.reloadIfChanged()).isFalse();
        assertThat(tls.fingerprint()).isEqualTo(good);
        assertThat(tls.context()).isNotNull();
    }

    private static void copy(TlsFiles from, TlsFiles to, int tick) throws Exception {
        Files.copy(from.certificateChain(), to.certificateChain(), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(from.privateKey(), to.privateKey(), StandardCopyOption.REPLACE_EXISTING);
        FileTime t = FileTime.from(Instant.now().plusSeconds(tick));
        Files.setLastModifiedTime(to.certificateChain(), t);
        Files.setLastModifiedTime(to.privateKey(), t);
    }
}
