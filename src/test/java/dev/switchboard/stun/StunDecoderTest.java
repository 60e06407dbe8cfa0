package dev.switchboard.stun;

import static dev.switchboard.stun.Rfc5769VectorsTest.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decoder rules from hex fixtures, round trips, and random input that may only raise StunFormatException. */
class StunDecoderTest {

    /** The smallest Allocate: a header and REQUESTED-TRANSPORT UDP (the 401 size rule is measured against it). */
    static final byte[] MINIMAL_ALLOCATE = hex("0003 0008 2112a442 0102030405060708090a0b0c 0019 0004 11000000");

    /** Chromium 156's first Allocate, captured on loopback: exactly the minimal one, no FINGERPRINT, no SOFTWARE. */
    static final byte[] CHROMIUM_ALLOCATE = hex("000300082112a4427839576c5a58384b4f54554a0019000411000000");

    /**
     * Chromium's Allocate after our 401, captured on loopback: REQUESTED-TRANSPORT, USERNAME "alice",
     * REALM "switchboard", the NONCE we issued, MESSAGE-INTEGRITY with password "wonderland".
     */
    static final byte[] CHROMIUM_SIGNED_ALLOCATE = hex("000300502112a442564d555131534b746b345474"
            + "0019000411000000" + "00060005616c696365000000" + "0014000b737769746368626f61726400"
            + "0015001061776268365a73496754676f36664a52"
            + "00080014e719771ce840987ccc837374696ede088365b9f7");

    @Test
    void chromiumsAllocateRequestsDecodeAndVerify() throws Exception {
        StunMessage first = StunDecoder.decode(CHROMIUM_ALLOCATE);
        assertThat(first.type()).isEqualTo(MessageType.request(StunMethod.ALLOCATE));
        assertThat(first.attributes()).containsExactly(new RequestedTransport(17));
        assertThat(CHROMIUM_ALLOCATE).hasSize(MINIMAL_ALLOCATE.length);

        StunMessage signed = StunDecoder.decode(CHROMIUM_SIGNED_ALLOCATE);
        assertThat(signed.get(Username.class).value()).isEqualTo("alice");
        assertThat(signed.get(Realm.class).value()).isEqualTo("switchboard");
        assertThat(signed.get(Nonce.class).value()).isEqualTo("awbh6ZsIgTgo6fJR");
        assertThat(signed.hasFingerprint()).isFalse();
        assertThat(signed.verifyIntegrity(Integrity.longTermKey("alice", "switchboard", "wonderland"))).isTrue();
        assertThat(signed.verifyIntegrity(Integrity.longTermKey("alice", "switchboard", "wrong"))).isFalse();
    }

    @Test
    void minimalAllocateDecodes() throws Exception {
        StunMessage m = StunDecoder.decode(MINIMAL_ALLOCATE);
        assertThat(m.type()).isEqualTo(MessageType.request(StunMethod.ALLOCATE));
        assertThat(m.get(RequestedTransport.class).protocol()).isEqualTo(17);
        assertThat(m.hasIntegrity()).isFalse();
        assertThat(StunEncoder.encode(m)).isEqualTo(MINIMAL_ALLOCATE);
    }

    @Test
    void messageTypesInterleaveTheClassBits() {
        assertThat(new MessageType(StunMethod.BINDING, MessageClass.REQUEST).encode()).isEqualTo(0x0001);
        assertThat(new MessageType(StunMethod.BINDING, MessageClass.SUCCESS).encode()).isEqualTo(0x0101);
        assertThat(new MessageType(StunMethod.ALLOCATE, MessageClass.ERROR).encode()).isEqualTo(0x0113);
        assertThat(new MessageType(StunMethod.SEND, MessageClass.INDICATION).encode()).isEqualTo(0x0016);
        assertThat(new MessageType(StunMethod.DATA, MessageClass.INDICATION).encode()).isEqualTo(0x0017);
        for (int field = 0; field < 0x4000; field++) {
            assertThat(MessageType.decode(field).encode()).isEqualTo(field);
        }
    }

    @Test
    void everyAttributeSurvivesARoundTrip() throws Exception {
        TransactionId tid = TransactionId.random();
        List<StunAttribute> attrs = List.of(
                new XorMappedAddress(TransportAddress.of(new InetSocketAddress("2001:db8::1", 1234))),
                new XorPeerAddress(TransportAddress.of(new InetSocketAddress("203.0.113.1", 9))),
                new XorRelayedAddress(TransportAddress.of(new InetSocketAddress("198.51.100.1", 65535))),
                new Username("user"), new Realm("realm"), new Nonce("nonce"), new ErrorCode(438, ""),
                new Lifetime(600), new RequestedTransport(17), new ChannelNumber(0x4001), new Data(new byte[] {1, 2, 3}),
                new DontFragment(), new EvenPort(true), new RequestedAddressFamily(2), new AdditionalAddressFamily(2),
                new AddressErrorCode(2, 440, ""), new UnknownAttributes(List.of(0x7777, 0x0024)));
        byte[] key = Integrity.longTermKey("u", "r", "p");
        for (boolean sha256 : new boolean[] {false, true}) {
            byte[] bytes = StunEncoder.encode(StunMessage.of(MessageType.request(StunMethod.ALLOCATE), tid, attrs),
                    new StunEncoder.Protection(key, sha256, true));
            StunMessage m = StunDecoder.decode(bytes);
            assertThat(m.verifyIntegrity(key)).isTrue();
            assertThat(m.usesSha256()).isEqualTo(sha256);
            assertThat(m.hasFingerprint()).isTrue();
            assertThat(m.get(XorMappedAddress.class)).isEqualTo(attrs.get(0));
            assertThat(m.get(XorPeerAddress.class)).isEqualTo(attrs.get(1));
            assertThat(m.get(ErrorCode.class)).isEqualTo(new ErrorCode(438, ""));
            assertThat(m.get(Data.class).bytes()).containsExactly(1, 2, 3);
            assertThat(m.get(EvenPort.class).reserveNext()).isTrue();
            assertThat(m.get(AddressErrorCode.class)).isEqualTo(new AddressErrorCode(2, 440, ""));
            assertThat(m.get(UnknownAttributes.class).types()).containsExactly(0x7777, 0x0024);
            bytes[30] ^= 1; // inside USERNAME... any change breaks the fingerprint
            byte[] broken = bytes;
            assertThatThrownBy(() -> StunDecoder.decode(broken)).isInstanceOf(StunFormatException.class);
        }
    }

    @Test
    void integrityFailsWhenAnyCoveredByteChanges() throws Exception {
        byte[] key = Integrity.longTermKey("u", "r", "p");
        byte[] bytes = StunEncoder.encode(StunMessage.of(MessageType.request(StunMethod.REFRESH), TransactionId.random(),
                new Lifetime(0)), new StunEncoder.Protection(key, false, false));
        assertThat(StunDecoder.decode(bytes).verifyIntegrity(key)).isTrue();
        bytes[25] ^= 1;
        assertThat(StunDecoder.decode(bytes).verifyIntegrity(key)).isFalse();
    }

    @Test
    void attributesAfterIntegrityAreIgnoredAndRepeatsCountOnce() throws Exception {
        // LIFETIME 600, LIFETIME 5, then MESSAGE-INTEGRITY (20 zero bytes), then LIFETIME 7
        byte[] b = hex("0004 0030 2112a442 000000000000000000000000"
                + "000d0004 00000258 000d0004 00000005 00080014 0000000000000000000000000000000000000000 000d0004 00000007");
        StunMessage m = StunDecoder.decode(b);
        assertThat(m.all(Lifetime.class)).containsExactly(new Lifetime(600));
    }

    @Test
    void malformedInputIsRejected() {
        List<String> bad = List.of(
                "",                                                                   // empty
                "0001 0000 2112a442 0000000000000000000000",                          // short header
                "c001 0000 2112a442 000000000000000000000000",                        // leading bits
                "0001 0000 2112a443 000000000000000000000000",                        // cookie
                "0001 0004 2112a442 000000000000000000000000",                        // length past end
                "0001 0002 2112a442 000000000000000000000000 0000",                   // length not multiple of 4
                "0001 0004 2112a442 000000000000000000000000 0019 0008",              // attribute past end
                "0001 0008 2112a442 000000000000000000000000 0019 0005 1100000000",   // wrong size + no pad
                "0001 0008 2112a442 000000000000000000000000 0020 0004 00030000",     // bad address family
                "0001 0008 2112a442 000000000000000000000000 8028 0004 00000000",     // bad fingerprint
                "0001 0008 2112a442 000000000000000000000000 0006 0002 c328 0000",    // username not UTF-8
                "0001 0008 2112a442 000000000000000000000000 0009 0004 00000a00");    // error code 1000
        for (String h : bad) {
            assertThatThrownBy(() -> StunDecoder.decode(hex(h))).as(h).isInstanceOf(StunFormatException.class);
        }
    }

    @Test
    void nothingMayFollowTheFingerprint() {
        byte[] ok = StunEncoder.encode(StunMessage.of(MessageType.request(StunMethod.BINDING), TransactionId.random()),
                StunEncoder.Protection.FINGERPRINT);
        byte[] longer = Arrays.copyOf(ok, ok.length + 8);
        longer[3] = (byte) (ok.length + 8 - 20);
        longer[ok.length + 1] = 0x19;
        longer[ok.length + 3] = 4;
        assertThatThrownBy(() -> StunDecoder.decode(longer)).isInstanceOf(StunFormatException.class);
    }

    @Test
    void randomBytesOnlyEverRaiseTheCodecsOwnException() {
        Random random = new Random(20261125);
        byte[] seed = StunEncoder.encode(StunMessage.of(MessageType.request(StunMethod.ALLOCATE), TransactionId.random(),
                new RequestedTransport(17), new Username("u"), new XorPeerAddress(TransportAddress.of(
                        new InetSocketAddress("203.0.113.1", 9))), new ErrorCode(401, "x")),
                new StunEncoder.Protection(new byte[16], false, false));
        int decoded = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[random.nextInt(120)];
                random.nextBytes(b);
                if (b.length >= 8 && random.nextBoolean()) { // a plausible header makes the body matter
                    b[0] &= 0x3F;
                    b[2] = 0;
                    b[3] = (byte) ((b.length - 20) & ~3);
                    b[4] = 0x21; b[5] = 0x12; b[6] = (byte) 0xa4; b[7] = 0x42;
                }
            } else {
                b = seed.clone();
                for (int k = random.nextInt(4); k >= 0; k--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            try {
                StunDecoder.decode(b);
                decoded++;
            } catch (StunFormatException expected) {
                // the only allowed failure
            }
        }
        assertThat(decoded).as("some mutations still decode").isPositive();
    }
}
