package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rules read from the web app's sources: every user-visible string of the modules comes from
 * js/strings.js, every file of the app is in the offline shell (shell.txt), and no page blocks
 * pinch-zoom.
 */
class WebAppSourceRulesTest {
    static final Path WEBAPP = Path.of("src/main/resources/webapp");
    /** Where modules put text on the page: textContent assignments and properties, el() children, show(). */
    static final Pattern SINK = Pattern.compile("\\.textContent\\s*=|textContent:|(?<![.\\w])el\\(|(?<![.\\w])show\\(");

    static List<Path> modules() throws IOException {
        try (Stream<Path> s = Files.list(WEBAPP.resolve("js"))) {
            return s.filter(p -> p.toString().endsWith(".js") && !p.getFileName().toString().equals("strings.js"))
                    .sorted().toList();
        }
    }

    /**
     * The literals that reach the page as text: string and template literals at the top level of a
     * textContent value, of an el() child (its third argument on) or of show()'s text; a literal inside a
     * call (t('key'), formatBytes(...)) is an argument, not text. A literal is text when it holds two
     * letters in a row outside its ${...} parts.
     */
    static List<String> literalText(String source) {
        String code = source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "");
        List<String> found = new ArrayList<>();
        Matcher m = SINK.matcher(code);
        while (m.find()) {
            String sink = m.group();
            List<String> args;
            if (sink.endsWith("(")) {
                args = arguments(code, m.end());
                args = args.subList(Math.min(args.size(), sink.contains("el") ? 2 : 1), args.size());
            } else {
                args = List.of(expression(code, m.end()));
            }
            for (String arg : args) {
                for (String literal : topLevelLiterals(arg)) {
                    String words = literal.replaceAll("\\$\\{[^}]*}", "");
                    if (words.matches("(?s).*[A-Za-z]{2}.*")) {
                        found.add(literal);
                    }
                }
            }
        }
        return found;
    }

    /** The arguments of the call whose "(" ends just before {@code at}, split at top-level commas. */
    static List<String> arguments(String code, int at) {
        List<String> args = new ArrayList<>();
        int depth = 0;
        int start = at;
        for (int i = at; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                i = endOfLiteral(code, i);
            } else if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if ((c == ')' || c == '}' || c == ']') && depth > 0) {
                depth--;
            } else if (c == ')' || (c == ',' && depth == 0)) {
                args.add(code.substring(start, i));
                start = i + 1;
                if (c == ')') {
                    return args;
                }
            }
        }
        return args;
    }

    /** The expression that starts at {@code at} and ends at a top-level ";", ",", "}" or ")". */
    static String expression(String code, int at) {
        int depth = 0;
        for (int i = at; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                i = endOfLiteral(code, i);
            } else if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if ((c == ')' || c == '}' || c == ']') && depth > 0) {
                depth--;
            } else if (depth == 0 && (c == ';' || c == ',' || c == '}' || c == ')')) {
                return code.substring(at, i);
            }
        }
        return code.substring(at);
    }

    static List<String> topLevelLiterals(String expr) {
        List<String> literals = new ArrayList<>();
        int depth = 0;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = endOfLiteral(expr, i);
                boolean compared = expr.substring(0, i).stripTrailing().matches("(?s).*[=!]==?")
                        || expr.substring(Math.min(expr.length(), end + 1)).stripLeading().matches("(?s)[=!]==?.*");
                if (depth == 0 && !compared) { // a literal compared with is a value, not text
                    literals.add(expr.substring(i, Math.min(expr.length(), end + 1)));
                }
                i = end;
            } else if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                depth--;
            }
        }
        return literals;
    }

    /** Index of the quote that closes the literal opening at {@code at} (templates: ${...} skipped). */
    static int endOfLiteral(String code, int at) {
        char q = code.charAt(at);
        for (int i = at + 1; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '\\') {
                i++;
            } else if (q == '`' && c == '$' && i + 1 < code.length() && code.charAt(i + 1) == '{') {
                int depth = 0;
                for (i = i + 1; i < code.length(); i++) {
                    char d = code.charAt(i);
                    if (d == '\'' || d == '"' || d == '`') {
                        i = endOfLiteral(code, i);
                    } else if (d == '{') {
                        depth++;
                    } else if (d == '}' && --depth == 0) {
                        break;
                    }
                }
            } else if (c == q) {
                return i;
            }
        }
        return code.length();
    }

    @Test
    void theScanFindsLiteralTextWhereverTheModulesPutIt() {
        assertThat(literalText("row.status.textContent = 'Saved';")).hasSize(1);
        assertThat(literalText("x.textContent = ok ? 'Done' : t('a');")).hasSize(1);
        assertThat(literalText("x.textContent = `Sent ${n}`;")).hasSize(1);
        assertThat(literalText("el('button', { type: 'button' }, 'Accept')")).hasSize(1);
        assertThat(literalText("el('li', {}, a, ' auto-accept from ', b)")).hasSize(1);
        assertThat(literalText("show($('x'), 'That file is empty.');")).hasSize(1);
        assertThat(literalText("x.textContent = t('files.nobody');")).isEmpty();
        assertThat(literalText("el('strong', {}, t.name)")).isEmpty();
        assertThat(literalText("el('span', { className: 'hint', 'data-testid': 'x' })")).isEmpty();
        assertThat(literalText("x.textContent = formatBytes(n);")).isEmpty();
        assertThat(literalText("x.textContent = t(on ? 'call.mute' : 'call.unmute');")).isEmpty();
        assertThat(literalText("el('p', {}, `${name} · ${formatBytes(size)}`)")).isEmpty();
        assertThat(literalText("el('p', {}, `${name} · ${size} KB`)")).hasSize(1);
        assertThat(literalText("el('p', { title: 'x' }, el('b', {}, t('a')), ok ? 'Yes' : t('b'))")).hasSize(1);
        assertThat(literalText("/** el('li', {}, 'text') */ x.textContent = y;")).isEmpty();
        assertThat(literalText("m.textContent = p === 'denied' ? t('a') : '';")).isEmpty();
        assertThat(literalText("card.show(blob, path === 'relayed' ? 'relayed' : 'direct');")).isEmpty();
    }

    @Test
    void noModuleButTheStringsModuleShowsLiteralText() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path module : modules()) {
            for (String hit : literalText(Files.readString(module))) {
                offenders.add(module.getFileName() + ": " + hit);
            }
        }
        assertThat(offenders).as("user-visible literals outside js/strings.js").isEmpty();
    }

    @Test
    void everyStringKeyTheModulesUseExists() throws IOException {
        String strings = Files.readString(WEBAPP.resolve("js/strings.js"));
        Pattern call = Pattern.compile("(?<![.\\w])(?:t|text)\\(");
        Pattern key = Pattern.compile("'([a-z]+\\.[A-Za-z]+)'");
        List<String> missing = new ArrayList<>();
        int used = 0;
        for (Path module : modules()) {
            String code = Files.readString(module);
            Matcher m = call.matcher(code);
            while (m.find()) {
                List<String> args = arguments(code, m.end());
                Matcher k = key.matcher(args.isEmpty() ? "" : args.get(0));
                while (k.find()) {
                    used++;
                    if (!strings.contains("'" + k.group(1) + "':")) {
                        missing.add(module.getFileName() + ": " + k.group(1));
                    }
                }
            }
        }
        assertThat(used).isGreaterThan(50);
        assertThat(missing).as("keys used but not in js/strings.js").isEmpty();
    }

    @Test
    void everyFileOfTheWebAppIsInTheOfflineShell() throws IOException {
        List<String> shell = Files.readAllLines(WEBAPP.resolve("shell.txt")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<String> files;
        try (Stream<Path> s = Files.walk(WEBAPP)) {
            files = s.filter(Files::isRegularFile).map(p -> "/" + WEBAPP.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.equals("/sw.js") && !p.equals("/shell.txt")).sorted().toList();
        }
        assertThat(shell).containsAll(files).doesNotHaveDuplicates().contains("/socket.io/socket.io.esm.min.js");
        for (String f : shell) {
            assertThat(f.startsWith("/socket.io/") || f.startsWith("/qrcode/") || Files.exists(WEBAPP.resolve(f.substring(1)))).as(f).isTrue();
        }
    }

    @Test
    void noPageBlocksPinchZoom() throws IOException {
        try (Stream<Path> s = Files.list(WEBAPP)) {
            List<Path> pages = s.filter(p -> p.toString().endsWith(".html")).toList();
            assertThat(pages).hasSizeGreaterThanOrEqualTo(3);
            for (Path page : pages) {
                Matcher m = Pattern.compile("<meta name=\"viewport\" content=\"([^\"]*)\"").matcher(Files.readString(page));
                assertThat(m.find()).as(page + " has a viewport").isTrue();
                assertThat(m.group(1)).as(page.toString()).contains("width=device-width")
                        .doesNotContainIgnoringCase("user-scalable").doesNotContainIgnoringCase("maximum-scale");
            }
        }
    }

    /** Text a page shows of its own: text nodes and aria-label / title / placeholder / alt values holding a letter. */
    static List<String> htmlText(String html) {
        String scanned = html.replaceAll("(?s)<!--.*?-->", "")
                .replaceAll("(?is)<(noscript|script|style)\\b[^>]*>.*?</\\1>", "");
        List<String> hits = new ArrayList<>();
        Matcher text = Pattern.compile(">([^<]*)<").matcher(scanned);
        while (text.find()) {
            if (text.group(1).codePoints().anyMatch(Character::isLetter)) {
                hits.add("text: " + text.group(1).strip());
            }
        }
        Matcher tag = Pattern.compile("<[a-zA-Z][^>]*>").matcher(scanned);
        Pattern attribute = Pattern.compile("\\s(aria-label|title|placeholder|alt)\\s*=\\s*(\"[^\"]*\"|'[^']*'|[^\\s>]+)");
        while (tag.find()) {
            Matcher a = attribute.matcher(tag.group());
            while (a.find()) {
                if (a.group(2).codePoints().anyMatch(Character::isLetter)) {
                    hits.add(a.group(1) + ": " + a.group(2));
                }
            }
        }
        return hits;
    }

    static List<Path> pages() throws IOException {
        try (Stream<Path> s = Files.list(WEBAPP)) {
            return s.filter(p -> p.toString().endsWith(".html")).sorted().toList();
        }
    }

    @Test
    void theHtmlScanFindsTextNodesAndLabelledAttributes() {
        assertThat(htmlText("<p id=\"x\">Hello</p>")).containsExactly("text: Hello");
        assertThat(htmlText("<label for=\"f\">Pick\n  <input id=\"f\"></label>")).hasSize(1);
        assertThat(htmlText("<video aria-label=\"Camera preview\"></video>")).hasSize(1);
        assertThat(htmlText("<a href=\"/\" title='New room'></a>")).hasSize(1);
        assertThat(htmlText("<input placeholder=\"Message\"><img alt=\"None\">")).hasSize(2);
        assertThat(htmlText("<title>Switchboard</title>")).hasSize(1);
        assertThat(htmlText("<p data-i18n=\"page.x\"></p> <output>00:00</output> <!-- a comment -->")).isEmpty();
        assertThat(htmlText("<noscript><p>Needs JavaScript.</p></noscript><video data-i18n-aria-label=\"a.b\">")).isEmpty();
    }

    @Test
    void noPageShowsTextThatIsNotInTheStringsModule() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path page : pages()) {
            for (String hit : htmlText(Files.readString(page))) {
                offenders.add(page.getFileName() + ": " + hit);
            }
        }
        assertThat(offenders).as("page text outside js/strings.js (use data-i18n, js/i18n.js)").isEmpty();
    }

    @Test
    void everyKeyThePagesNameExistsAndEveryPageFillsIt() throws IOException {
        String strings = Files.readString(WEBAPP.resolve("js/strings.js"));
        Pattern key = Pattern.compile("data-i18n(?:-[a-z-]+)?=\"([^\"]*)\"");
        List<String> missing = new ArrayList<>();
        int used = 0;
        for (Path page : pages()) {
            String html = Files.readString(page);
            Matcher m = key.matcher(html);
            boolean any = false;
            while (m.find()) {
                any = true;
                used++;
                if (!strings.contains("'" + m.group(1) + "':")) {
                    missing.add(page.getFileName() + ": " + m.group(1));
                }
            }
            if (any) {
                Matcher script = Pattern.compile("<script type=\"module\" src=\"/(js/[a-z-]+\\.js)\"").matcher(html);
                assertThat(script.find()).as(page + " loads a module").isTrue();
                assertThat(Files.readString(WEBAPP.resolve(script.group(1)))).as(page + "'s module fills the page")
                        .contains("fillPage()");
            }
        }
        assertThat(used).isGreaterThan(40);
        assertThat(missing).as("keys named by the pages but not in js/strings.js").isEmpty();
    }
}
