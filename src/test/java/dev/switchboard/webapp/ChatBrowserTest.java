package dev.switchboard.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Chat over the data channels in real headless Chromium: messages reach everyone with sender and
 * time, markup arrives as text and never as elements, and a page that joins later gets the recent
 * history once (each holder sends it; duplicates are dropped by id).
 */
@Tag("browser")
@Timeout(120)
class ChatBrowserTest {
    @RegisterExtension
    static final BrowserFixture web = BrowserFixture.serverAndChromium().rooms("m");

    static void say(RoomPage p, String text) {
        p.page.getByTestId("chat-input").fill(text);
        p.page.getByTestId("chat-send").click();
    }

    static void waitMessages(RoomPage p, int n) {
        p.page.waitForFunction("n => document.querySelectorAll('[data-testid=chat-message]').length === n", n,
                new Page.WaitForFunctionOptions().setTimeout(RoomPage.TIMEOUT_MS));
    }

    static List<String> texts(RoomPage p) {
        return p.page.locator("[data-testid=chat-message] .chat-text").allTextContents();
    }

    @Test
    void messagesReachEveryoneAsTextWithSenderAndTime() {
        String room = web.newRoom();
        String markup = "<img src=x onerror=\"window.pwned=1\"><b>bold</b>";
        try (RoomPage a = web.open(room); RoomPage b = web.open(room); RoomPage c = web.open(room)) {
            for (RoomPage p : List.of(a, b, c)) {
                p.waitConnectedTo(2);
            }
            a.page.locator("#my-name").fill("Ada");
            say(a, "hello room");
            say(b, markup);
            for (RoomPage p : List.of(a, b, c)) {
                waitMessages(p, 2);
                assertThat(texts(p)).containsExactlyInAnyOrder("hello room", markup);
                assertThat(p.page.locator("[data-testid=chat-list] img, [data-testid=chat-list] b").count())
                        .as("markup must not become elements").isZero();
                assertThat(p.page.evaluate("() => window.pwned === undefined")).isEqualTo(true);
                assertThat(p.page.locator("[data-testid=chat-message] time").first().getAttribute("datetime"))
                        .matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            }
            assertThat(c.page.locator("[data-testid=chat-message]").filter(
                    new com.microsoft.playwright.Locator.FilterOptions().setHasText("hello room"))
                    .locator(".chat-name").textContent()).isEqualTo("Ada");
            assertThat(a.page.getByTestId("chat-input").inputValue()).isEmpty();
            for (RoomPage p : List.of(a, b, c)) {
                assertThat(p.problems).isEmpty();
            }
        }
    }

    @Test
    void aPeerJoiningLaterGetsTheHistoryOnceInOrder() {
        String room = web.newRoom();
        try (RoomPage a = web.open(room); RoomPage b = web.open(room)) {
            a.waitConnectedTo(1);
            b.waitConnectedTo(1);
            for (int i = 1; i <= 5; i++) {
                say(i % 2 == 0 ? b : a, "message " + i);
                waitMessages(a, i);
            }
            waitMessages(b, 5);
            try (RoomPage c = web.open(room)) {
                c.waitConnectedTo(2);
                waitMessages(c, 5);
                c.page.waitForTimeout(1000); // the second holder's copy of the history has arrived too
                assertThat(texts(c)).containsExactly("message 1", "message 2", "message 3", "message 4", "message 5");
                say(c, "late but here");
                waitMessages(a, 6);
                waitMessages(b, 6);
                assertThat(texts(a).get(5)).isEqualTo("late but here");
            }
        }
    }
}
