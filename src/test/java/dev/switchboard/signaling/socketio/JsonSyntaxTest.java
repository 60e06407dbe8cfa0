package dev.switchboard.signaling.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonSyntaxTest {

    private static boolean treeParserAccepts(String s) {
        try {
            SioCodec.JSON.readTree(s);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean checkerAccepts(String s) {
        try {
            JsonSyntax.document(s, 0);
            return true;
        } catch (SioProtocolException e) {
            return false;
        }
    }

    @Test
    void acceptsWhatTheTreeParserAccepts() {
        String[] valid = {
            "[]", "{}", " [ 1 , -0 , 0.5 , -1.25e+10 , 2E-3 , 10 ] ", "[\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\"]",
            "{\"a\":{\"b\":[null,true,false]},\"c\":\"\"}", "\"x\"", "0", "true", "[\"\u00e9\u6f22\ud83d\ude00\"]",
            "[\"message\",{\"type\":\"candidate\",\"label\":0,\"id\":\"0\",\"candidate\":\"candidate:1 1 udp 2 1.2.3.4 5 typ host\"}]",
        };
        for (String s : valid) {
            assertThat(checkerAccepts(s)).as(s).isTrue();
            assertThat(treeParserAccepts(s)).as(s).isTrue();
        }
    }

    @Test
    void refusesWhatTheTreeParserRefuses() {
        String[] invalid = {
            "[", "]", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}", "{a:1}", "{\"a\":1,}", "[01]", "[1.]", "[.5]",
            "[+1]", "[1e]", "[1e+]", "[-]", "[NaN]", "[Infinity]", "[tru]", "[truex]", "[nul]", "[\"a]", "[\"\\x\"]",
            "[\"\\u12\"]", "[\"\\u12G4\"]", "[\"\\u\uff10\uff10\uff10\uff10\"]", "[\"tab\there\"]", "[\"\u0001\"]",
            "[1] [2]", "[1]x", "// c\n[1]", "[1 2]", "{\"a\" 1}", "['a']", "[\u00a0]", "[1\u000b]",
        };
        for (String s : invalid) {
            assertThat(checkerAccepts(s)).as(s).isFalse();
            assertThat(treeParserAccepts(s)).as(s).isFalse();
        }
        // The tree parser reads no content as a missing node; the packet decoders refuse that as no data.
        assertThat(checkerAccepts("")).isFalse();
        assertThat(checkerAccepts(" ")).isFalse();
    }

    @Test
    void nestingIsLimitedLikeTheTreeParser() {
        for (int depth = JsonSyntax.MAX_DEPTH - 2; depth <= JsonSyntax.MAX_DEPTH + 2; depth++) {
            String s = "[".repeat(depth) + "]".repeat(depth);
            assertThat(checkerAccepts(s)).as("depth " + depth).isEqualTo(treeParserAccepts(s));
            String o = "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
            assertThat(checkerAccepts(o)).as("object depth " + depth).isEqualTo(treeParserAccepts(o));
        }
        assertThat(checkerAccepts("[".repeat(JsonSyntax.MAX_DEPTH) + "]".repeat(JsonSyntax.MAX_DEPTH))).isTrue();
        assertThat(checkerAccepts("[".repeat(100_000))).isFalse();
    }

    @Test
    void agreesWithTheTreeParserOnMutatedInput() {
        Random random = new Random(20261125);
        String[] seeds = {
            "[\"message\",{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\"}]",
            "{\"a\":[1,-2.5e3,true,false,null,\"\\u0041\"],\"b\":{}}",
            "[[[],{}],[0.0,-0,1E2]]",
        };
        String alphabet = "[]{}\",:.-+eE0123456789 \t\n\\/utrfalsn\u0001\u00e9x";
        int agreed = 0;
        int accepted = 0;
        for (int n = 0; n < 50_000; n++) {
            StringBuilder sb = new StringBuilder(seeds[random.nextInt(seeds.length)]);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits && sb.length() > 0; e++) {
                int at = random.nextInt(sb.length());
                switch (random.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> sb.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String s = sb.toString();
            boolean expected = treeParserAccepts(s);
            assertThat(checkerAccepts(s)).as(s).isEqualTo(expected);
            agreed++;
            accepted += expected ? 1 : 0;
        }
        // Both outcomes must have been exercised, or the comparison proves little.
        assertThat(accepted).isBetween(1_000, agreed - 1_000);
    }

    @Test
    void eventPacketsAreCheckedWithoutBuildingATree() throws Exception {
        RawEvent e = SioCodec.decodeEvent("2[\"message\",{\"a\":1}]");
        assertThat(e.event()).isEqualTo("message");
        assertThat(e.relayed()).singleElement().extracting(p -> p.text()).isEqualTo("2[\"message\",{\"a\":1}]");

        RawEvent acked = SioCodec.decodeEvent("2/chat,17[\"message\",\"hi\"]");
        assertThat(acked.namespace()).isEqualTo("/chat");
        assertThat(acked.ackId()).isEqualTo(17);
        assertThat(acked.relayed()).singleElement().extracting(p -> p.text()).isEqualTo("2/chat,[\"message\",\"hi\"]");
        assertThat(acked.data().get(1).asText()).isEqualTo("hi");

        // Shapes the fast path leaves to the full decoder.
        assertThat(SioCodec.decodeEvent("0")).isNull();
        assertThat(SioCodec.decodeEvent("2[1,2]")).isNull();
        assertThat(SioCodec.decodeEvent("2[\"me\\u0073sage\"]")).isNull();
        assertThat(SioCodec.decodeEvent("2")).isNull();

        assertThatThrownBy(() -> SioCodec.decodeEvent("2[\"message\",{]")).isInstanceOf(SioProtocolException.class);
        assertThatThrownBy(() -> SioCodec.decodeEvent("2[\"connect\"]")).isInstanceOf(SioProtocolException.class);
        assertThatThrownBy(() -> SioCodec.decodeEvent("2[\"unterminated]")).isInstanceOf(SioProtocolException.class);
    }
}
