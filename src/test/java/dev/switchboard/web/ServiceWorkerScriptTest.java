package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ServiceWorkerScriptTest {
    static final byte[] SCRIPT = ("const SHELL = " + ServiceWorkerScript.MARKER + ";\nself.x = 1;\n")
            .getBytes(StandardCharsets.UTF_8);

    static Function<String, byte[]> files(Map<String, String> contents) {
        return p -> contents.containsKey(p) ? contents.get(p).getBytes(StandardCharsets.UTF_8) : null;
    }

    @Test
    void theScriptCarriesTheListedFilesThatExistAndAVersion() {
        ServiceWorkerScript.Shell shell = ServiceWorkerScript.shell("# shell\n/a.html\n\n/js/b.js\n/missing.js\n",
                files(Map.of("/a.html", "<p>", "/js/b.js", "export {}")));
        assertThat(shell.files()).containsExactly("/a.html", "/js/b.js");
        assertThat(shell.version()).matches("[0-9a-f]{16}");
        String out = new String(ServiceWorkerScript.render(SCRIPT, shell), StandardCharsets.UTF_8);
        assertThat(out).isEqualTo("const SHELL = { \"version\": \"" + shell.version()
                + "\", \"files\": [\"/a.html\", \"/js/b.js\"] };\nself.x = 1;\n");
    }

    @Test
    void anyChangedByteOfAShellFileChangesTheVersion() {
        String list = "/a.html\n/b.js\n";
        String v1 = ServiceWorkerScript.shell(list, files(Map.of("/a.html", "one", "/b.js", "two"))).version();
        String same = ServiceWorkerScript.shell(list, files(Map.of("/a.html", "one", "/b.js", "two"))).version();
        String v2 = ServiceWorkerScript.shell(list, files(Map.of("/a.html", "one", "/b.js", "twO"))).version();
        // bytes moving from one file to the next are a change too
        String v3 = ServiceWorkerScript.shell(list, files(Map.of("/a.html", "on", "/b.js", "etwo"))).version();
        assertThat(same).isEqualTo(v1);
        assertThat(v2).isNotEqualTo(v1);
        assertThat(v3).isNotEqualTo(v1);
    }

    @Test
    void pathsThatCouldLeaveTheWebAppOrBreakTheScriptAreRefused() {
        for (String bad : new String[] {"a.html", "/../x", "/a\"b.js", "/a b.js"}) {
            assertThatThrownBy(() -> ServiceWorkerScript.shell(bad + "\n", p -> new byte[1]))
                    .isInstanceOf(ServiceWorkerScript.ShellException.class);
        }
    }

    @Test
    void aScriptWithoutThePlaceholderIsRefused() {
        assertThatThrownBy(() -> ServiceWorkerScript.render("self.x = 1;".getBytes(StandardCharsets.UTF_8),
                new ServiceWorkerScript.Shell("00", java.util.List.of())))
                .isInstanceOf(ServiceWorkerScript.ShellException.class);
    }
}
