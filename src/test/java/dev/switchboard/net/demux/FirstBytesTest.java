package dev.switchboard.net.demux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class FirstBytesTest {

    private static FirstFlight of(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        ByteBuf buf = Unpooled.wrappedBuffer(b);
        try {
            FirstFlight f = FirstBytes.classify(buf);
            assertThat(buf.readerIndex()).as("nothing consumed").isZero();
            return f;
        } finally {
            buf.release();
        }
    }

    @Test
    void nothingYetIsUndecided() {
        assertThat(of()).isEqualTo(FirstFlight.UNDECIDED);
    }

    @Test
    void aTlsHandshakeRecordIsDecidedByItsFirstByte() {
        assertThat(of(0x16)).isEqualTo(FirstFlight.TLS);
        assertThat(of(0x16, 0x03, 0x01, 0x02, 0x00)).isEqualTo(FirstFlight.TLS);
    }

    @Test
    void stunNeedsTheWholeMagicCookie() {
        int[] binding = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42};
        for (int n = 1; n < binding.length; n++) {
            assertThat(of(java.util.Arrays.copyOf(binding, n))).as("%d bytes", n).isEqualTo(FirstFlight.UNDECIDED);
        }
        assertThat(of(binding)).isEqualTo(FirstFlight.STUN);
        assertThat(of(0x00, 0x03, 0x00, 0x08, 0x21, 0x12, 0xA4, 0x42, 0x00)).as("Allocate").isEqualTo(FirstFlight.STUN);
    }

    @Test
    void aWrongCookieByteDecidesAsSoonAsItArrives() {
        assertThat(of(0x00, 0x01, 0x00, 0x00, 0x20)).isEqualTo(FirstFlight.OTHER);
        assertThat(of(0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x43)).isEqualTo(FirstFlight.OTHER);
    }

    @Test
    void httpMethodsAndChannelDataAreOther() {
        assertThat(of('G')).isEqualTo(FirstFlight.OTHER);
        assertThat(of('P', 'O', 'S', 'T')).isEqualTo(FirstFlight.OTHER);
        assertThat(of(0x40, 0x00, 0x00, 0x04)).as("ChannelData cannot open a stream").isEqualTo(FirstFlight.OTHER);
        assertThat(of(0xFF)).isEqualTo(FirstFlight.OTHER);
    }
}
