package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import dev.switchboard.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The connectivity self-test against the built-in STUN/TURN server, and against no server at all. */
@Tag("browser")
@Timeout(180)
class DiagnosticsBrowserTest {
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().rooms("d");

    @Test
    void turnOverUdpAndTcpWorkAgainstTheBuiltInServer() {
        try (RoomPage a = web.open(web.newRoom())) {
            a.page.getByTestId("diagnostics").click();
            a.page.waitForFunction("() => document.querySelectorAll('[data-testid=diagnostic-result]').length === 4"
                    + " && !document.querySelector('[data-testid=diagnostics]').disabled", null,
                    new Page.WaitForFunctionOptions().setTimeout(60_000));
            Map<String, String> ok = Map.of(
                    "turn-udp", result(a, "turn-udp"),
                    "turn-tcp", result(a, "turn-tcp"),
                    "stun", result(a, "stun"));
            assertThat(ok).as(a.page.getByTestId("diagnostic-list").innerText())
                    .containsEntry("turn-udp", "true").containsEntry("turn-tcp", "true").containsEntry("stun", "true");
            assertThat(result(a, "relay-path")).as(a.page.getByTestId("diagnostic-list").innerText()).isEqualTo("true");
            assertThat(a.page.locator("[data-testid=diagnostic-result][data-check=turn-tcp]").innerText())
                    .contains("TURN over TCP").contains("relay address 127.0.0.1:");
        }
    }

    @Test
    void aWrongTurnPasswordIsReportedAsNotWorking() {
        try (RoomPage a = web.open(web.newRoom())) {
            // The page's own fetch of /api/ice-servers answers with a spoiled credential.
            a.page.route("**/api/ice-servers", route -> {
                com.microsoft.playwright.APIResponse real = route.fetch();
                String body = real.text().replaceAll("\"credential\":\"[^\"]*\"", "\"credential\":\"wrong\"");
                route.fulfill(new com.microsoft.playwright.Route.FulfillOptions().setResponse(real).setBody(body));
            });
            a.page.getByTestId("diagnostics").click();
            a.page.waitForFunction("() => document.querySelectorAll('[data-testid=diagnostic-result]').length === 4"
                    + " && !document.querySelector('[data-testid=diagnostics]').disabled", null,
                    new Page.WaitForFunctionOptions().setTimeout(60_000));
            assertThat(result(a, "turn-udp")).isEqualTo("false");
            assertThat(result(a, "turn-tcp")).isEqualTo("false");
            assertThat(result(a, "relay-path")).isEqualTo("false");
        }
    }

    /**
     * A relay that hands out addresses nobody can reach (an external address of 192.0.2.1, TEST-NET-1):
     * every candidate check passes, so the end-to-end check through the relay must say it fails, and
     * the row saying so is on screen where the button was pressed, on a phone and on a laptop.
     */
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"390, 844", "1280, 800"})
    void aRelayThatCarriesNoDataIsReportedAsFailing(int width, int height) {
        try (TestServer broken = TestServer.start(Map.of("turn.external-address", "192.0.2.1"));
                RoomPage a = RoomPage.open(web.browser(), broken.url(), web.newRoom(), "?relay=1").viewport(width, height)) {
            // The page reaches the server on loopback (as it would through its public name); only the
            // relayed addresses it hands out are unreachable.
            a.page.route("**/api/ice-servers", route -> {
                com.microsoft.playwright.APIResponse real = route.fetch();
                route.fulfill(new com.microsoft.playwright.Route.FulfillOptions().setResponse(real)
                        .setBody(real.text().replace("192.0.2.1", "127.0.0.1")));
            });
            a.page.getByTestId("diagnostics").click();
            a.page.waitForFunction("() => document.querySelectorAll('[data-testid=diagnostic-result]').length === 4"
                    + " && !document.querySelector('[data-testid=diagnostics]').disabled", null,
                    new Page.WaitForFunctionOptions().setTimeout(90_000));
            String list = a.page.getByTestId("diagnostic-list").innerText();
            assertThat(result(a, "turn-udp")).as(list).isEqualTo("true"); // the allocation itself works
            assertThat(result(a, "relay-path")).as(list).isEqualTo("false");
            com.microsoft.playwright.Locator row = a.page.locator("[data-testid=diagnostic-result][data-check=relay-path]");
            assertThat(row.innerText()).contains("✘").contains("no data got through");
            row.scrollIntoViewIfNeeded();
            assertThat(a.inViewport(row)).isTrue();
        }
    }

    @Test
    void aStunServerThatDoesNotAnswerIsReportedAsNotWorking() {
        int silent = TestServer.freePort(); // nothing listens there
        try (RoomPage a = web.open(web.newRoom())) {
            a.page.route("**/api/ice-servers", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
                    .setContentType("application/json")
                    .setBody("{\"iceServers\":[{\"urls\":[\"stun:127.0.0.1:" + silent + "\"]}],\"ttl\":60}")));
            a.page.getByTestId("diagnostics").click();
            a.page.waitForFunction("() => document.querySelectorAll('[data-testid=diagnostic-result]').length === 1"
                    + " && !document.querySelector('[data-testid=diagnostics]').disabled", null,
                    new Page.WaitForFunctionOptions().setTimeout(60_000));
            assertThat(result(a, "stun")).as(a.page.getByTestId("diagnostic-list").innerText()).isEqualTo("false");
        }
    }

    private static String result(RoomPage p, String check) {
        return p.page.locator("[data-testid=diagnostic-result][data-check=" + check + "]").getAttribute("data-ok");
    }
}
