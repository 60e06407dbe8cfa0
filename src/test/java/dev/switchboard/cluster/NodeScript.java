package dev.switchboard.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js script run by a test and driven by lines of JSON: it writes events ({@code {"event": ...}})
 * on stdout, the test writes commands on its stdin; its stderr goes to a log file, quoted in failures.
 */
final class NodeScript implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Path log;
    private final Writer commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private NodeScript(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.commands = process.outputWriter(StandardCharsets.UTF_8);
        Thread reader = new Thread(this::read, "node-script-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static NodeScript start(Path root, String script, Map<String, String> env, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder("node", script).directory(root.toFile())
                .redirectError(log.toFile());
        pb.environment().putAll(env);
        return new NodeScript(pb.start(), log);
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("{\"event\":\"stdout-failed\",\"why\":" + JSON.valueToTree(e.toString()) + "}");
        }
    }

    /** The next event of the script, which must be {@code name}; a failure quotes the script's log. */
    JsonNode expect(String name, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null) {
                JsonNode event;
                try {
                    event = JSON.readTree(line);
                } catch (IOException notJson) {
                    throw new AssertionError("the script wrote a line that is not JSON while the test waited for \""
                            + name + "\": " + line + "\n" + tail());
                }
                if (!name.equals(event.path("event").asText())) {
                    throw new AssertionError("the script said " + line + " while the test waited for \"" + name + "\"\n"
                            + tail());
                }
                return event;
            }
            if (!process.isAlive() && lines.isEmpty()) {
                Thread.sleep(200); // the reader may still be handing over the last lines
                if (lines.isEmpty()) {
                    throw new AssertionError("the script exited (" + process.exitValue() + ") before \"" + name + "\"\n"
                            + tail());
                }
            } else if (System.nanoTime() > deadline) {
                throw new AssertionError("no \"" + name + "\" from the script within " + within.toSeconds() + " s\n"
                        + tail());
            }
        }
    }

    void send(Map<String, ?> command) throws IOException {
        commands.write(JSON.writeValueAsString(command) + "\n");
        commands.flush();
    }

    /** The end of the script's log (its stderr). */
    String tail() throws IOException {
        List<String> l = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return "script log " + log + ":\n" + String.join("\n", l.subList(Math.max(0, l.size() - 30), l.size()));
    }

    /** Lets it close its sockets (end of input), then stops it by its PID if it does not exit. */
    @Override
    public void close() throws InterruptedException {
        try {
            commands.close();
        } catch (IOException gone) {
            // already exited
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
