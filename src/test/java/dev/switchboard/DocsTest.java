package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.SwitchboardConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The docs and deploy files stay true: every repository path they name exists, every module is described. */
class DocsTest {

    private static final Path ROOT = Path.of(System.getProperty("project.basedir", "."));
    /** A repository path as the docs write it: a top-level folder of ours, then path characters. */
    private static final Pattern REPO_PATH =
            Pattern.compile("(?<![\\w./-])(?:src|docs|deploy|bench|scripts|\\.ci)/[A-Za-z0-9_./-]*[A-Za-z0-9_/-]");
    /** A relative Markdown link target: [text](target), not a URL and not an anchor. */
    private static final Pattern MD_LINK = Pattern.compile("\\]\\((?![a-z][a-z0-9+.-]*:|#)([^)\\s#]+)(?:#[^)]*)?\\)");

    @Test
    void everyRepositoryPathThatADocOrDeployFileNamesExists() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path doc : documents()) {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            Matcher m = REPO_PATH.matcher(text);
            while (m.find()) {
                if (!Files.exists(ROOT.resolve(m.group()))) {
                    missing.add(ROOT.relativize(doc) + " names " + m.group());
                }
            }
        }
        assertThat(missing).as("paths named by docs that do not exist").isEmpty();
    }

    @Test
    void everyRelativeLinkInTheMarkdownDocsResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path doc : documents()) {
            if (!doc.toString().endsWith(".md")) {
                continue;
            }
            Matcher m = MD_LINK.matcher(Files.readString(doc, StandardCharsets.UTF_8));
            while (m.find()) {
                if (!Files.exists(doc.getParent().resolve(m.group(1)))) {
                    broken.add(ROOT.relativize(doc) + " links to " + m.group(1));
                }
            }
        }
        assertThat(broken).as("relative links that lead nowhere").isEmpty();
    }

    @Test
    void theWebAppGuideDescribesEveryModule() throws IOException {
        String guide = Files.readString(ROOT.resolve("docs/webapp.md"), StandardCharsets.UTF_8);
        TreeSet<String> undescribed = new TreeSet<>();
        try (Stream<Path> modules = Files.list(ROOT.resolve("src/main/resources/webapp/js"))) {
            modules.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(".js"))
                    .filter(name -> !guide.contains("`" + name + "`"))
                    .forEach(undescribed::add);
        }
        assertThat(undescribed).as("modules under webapp/js missing from docs/webapp.md").isEmpty();
    }

    @Test
    void theDeployConfigLoadsAsTheServiceLoadsIt() {
        // The certificate files exist only on the deployed machine: every other key is read as written.
        SwitchboardConfig c = ConfigLoader.load(ROOT.resolve("deploy/switchboard.conf"), Map.of(),
                Map.of("data-dir", "/var/lib/switchboard", "tls.cert", "", "tls.key", ""));
        assertThat(c.tls().httpsPort()).isEqualTo(443);
        assertThat(c.auth().enabled()).isTrue();
        assertThat(c.turn().tlsPort()).isEqualTo(5349);
    }

    @Test
    void theCheckFindsAMissingPath() {
        Matcher m = REPO_PATH.matcher("install `deploy/no-such-file.conf`, then see docs/deploy.md.");
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group());
        }
        assertThat(found).containsExactly("deploy/no-such-file.conf", "docs/deploy.md");
        assertThat(Files.exists(ROOT.resolve(found.get(0)))).isFalse();
    }

    private static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        for (String dir : List.of("docs", "deploy", "bench")) {
            try (Stream<Path> files = Files.list(ROOT.resolve(dir))) {
                files.filter(Files::isRegularFile)
                        .filter(p -> !p.toString().endsWith(".json"))
                        .sorted()
                        .forEach(docs::add);
            }
        }
        return docs;
    }
}
