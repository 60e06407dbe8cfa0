package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MediaIdTest {

    @Test
    void randomIdsAre22Base64UrlCharactersAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            MediaId id = MediaId.random();
            assertThat(id.value()).matches("[A-Za-z0-9_-]{22}");
            assertThat(seen.add(id.value())).isTrue();
        }
    }

    @Test
    void anythingThatCouldNameAPathIsRefused() {
        for (String bad : new String[] {null, "", "..", "../../etc/passwd", "abc", "AAAAAAAAAAAAAAAAAAAAA/",
                "AAAAAAAAAAAAAAAAAAAAA.", "AAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAA%2FAAAAAAAAAA"}) {
            assertThat(MediaId.parse(bad)).as(String.valueOf(bad)).isNull();
        }
        assertThatThrownBy(() -> new MediaId("../x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(MediaId.parse("AAAAAAAAAAAAAAAAAAAA-_")).isNotNull();
    }
}
