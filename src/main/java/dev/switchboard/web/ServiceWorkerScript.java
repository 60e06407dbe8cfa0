package dev.switchboard.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * Writes the app shell into the service worker script (W3C Service Workers, "update" compares the
 * script's bytes): the shell's file list ({@code shell.txt}, one path a line, {@code #} comments) and
 * a version that is a SHA-256 over every listed path and its bytes. A deploy that changes any shell
 * file therefore changes {@code /sw.js}, the browser installs the new worker, and its versioned cache
 * replaces the old one. Pure: bytes in, bytes out; files that do not exist are left out of the shell.
 */
final class ServiceWorkerScript {
    /** The placeholder in sw.js that the shell replaces (a valid default, so the raw file still runs). */
    static final String MARKER = "/* @shell */ { version: 'unversioned', files: [] }";
    static final String SHELL_LIST = "/shell.txt";

    private ServiceWorkerScript() {}

    /** A shell that cannot be built: the script has no placeholder, or the list names a bad path. */
    static final class ShellException extends IllegalStateException {
        ShellException(String message) {
            super(message);
        }
    }

    record Shell(String version, List<String> files) {}

    /** The shell from {@code list} (shell.txt text), reading each file with {@code read} (null: absent). */
    static Shell shell(String list, Function<String, byte[]> read) {
        MessageDigest sha = sha256();
        List<String> files = new ArrayList<>();
        for (String line : list.split("\n")) {
            String path = line.strip();
            if (path.isEmpty() || path.startsWith("#")) {
                continue;
            }
            if (!path.matches("/[A-Za-z0-9_./-]+") || path.contains("..")) {
                throw new ShellException("bad shell path " + path);
            }
            byte[] bytes = read.apply(path);
            if (bytes == null) {
                continue;
            }
            files.add(path);
            sha.update(path.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            sha.update(bytes);
        }
        return new Shell(HexFormat.of().formatHex(sha.digest(), 0, 8), List.copyOf(files));
    }

    /** The service worker script with its placeholder replaced by the shell as a JS object literal. */
    static byte[] render(byte[] script, Shell shell) {
        String text = new String(script, StandardCharsets.UTF_8);
        int at = text.indexOf(MARKER);
        if (at < 0) {
            throw new ShellException("the service worker has no shell placeholder");
        }
        StringBuilder json = new StringBuilder("{ \"version\": \"").append(shell.version()).append("\", \"files\": [");
        for (int i = 0; i < shell.files().size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(shell.files().get(i)).append('"');
        }
        json.append("] }");
        return (text.substring(0, at) + json + text.substring(at + MARKER.length())).getBytes(StandardCharsets.UTF_8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
