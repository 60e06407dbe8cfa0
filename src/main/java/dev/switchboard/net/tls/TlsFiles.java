package dev.switchboard.net.tls;

import java.nio.file.Path;

/** A PEM certificate chain (leaf first) and its PEM private key. */
public record TlsFiles(Path certificateChain, Path privateKey) {}
