package dev.switchboard.turn;

import static dev.switchboard.stun.StunMethod.ALLOCATE;
import static dev.switchboard.stun.StunMethod.BINDING;
import static dev.switchboard.stun.StunMethod.CHANNEL_BIND;
import static dev.switchboard.stun.StunMethod.CREATE_PERMISSION;
import static dev.switchboard.stun.StunMethod.REFRESH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.stun.ChannelNumber;
import dev.switchboard.stun.Data;
import dev.switchboard.stun.DontFragment;
import dev.switchboard.stun.ErrorCode;
import dev.switchboard.stun.EvenPort;
import dev.switchboard.stun.Lifetime;
import dev.switchboard.stun.MessageClass;
import dev.switchboard.stun.MessageType;
import dev.switchboard.stun.Nonce;
import dev.switchboard.stun.Realm;
import dev.switchboard.stun.RequestedAddressFamily;
import dev.switchboard.stun.RequestedTransport;
import dev.switchboard.stun.ReservationToken;
import dev.switchboard.stun.StunEncoder;
import dev.switchboard.stun.StunMessage;
import dev.switchboard.stun.StunMethod;
import dev.switchboard.stun.TransactionId;
import dev.switchboard.stun.TransportAddress;
import dev.switchboard.stun.UnknownAttribute;
import dev.switchboard.stun.UnknownAttributes;
import dev.switchboard.stun.XorMappedAddress;
import dev.switchboard.stun.XorPeerAddress;
import dev.switchboard.stun.XorRelayedAddress;
import dev.switchboard.net.Cidr;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The TURN state machine in memory: authentication, every request type, quotas, the relay path, expiry. */
class TurnServerTest {
    static final RequestedTransport UDP = new RequestedTransport(RequestedTransport.UDP);
    static final InetSocketAddress PEER = new InetSocketAddress("203.0.113.5", 4000);

    final InMemoryTurn turn = new InMemoryTurn();

    static int code(StunMessage m) {
        assertThat(m).isNotNull();
        assertThat(m.messageClass()).as("an error answer: " + m).isEqualTo(MessageClass.ERROR);
        return m.get(ErrorCode.class).code();
    }

    static void ok(StunMessage m) {
        assertThat(m).isNotNull();
        assertThat(m.messageClass()).as("a success answer: " + m).isEqualTo(MessageClass.SUCCESS);
    }

    static XorPeerAddress peer(String ip, int port) {
        return new XorPeerAddress(TransportAddress.of(Cidr.parseAddress(ip), port));
    }

    InMemoryTurn.Client allocated(InMemoryTurn t, String ip, int port) {
        InMemoryTurn.Client c = t.client(ip, port, "alice", "wonderland");
        ok(c.signed(ALLOCATE, UDP));
        return c;
    }

    @Test
    void bindingAnswersWithTheXorMappedAddressAndNoAuthentication() {
        InMemoryTurn.Client c = turn.client("198.51.100.20", 5555, "x", "y");
        StunMessage answer = c.plain(BINDING);
        ok(answer);
        assertThat(answer.get(XorMappedAddress.class).address().toSocketAddress())
                .isEqualTo(new InetSocketAddress("198.51.100.20", 5555));
        assertThat(answer.has(dev.switchboard.stun.AttributeType.SOFTWARE)).isFalse();
    }

    @Test
    void unauthenticatedAllocateGetsASmall401AndCreatesNoState() {
        InMemoryTurn.Client c = turn.client("198.51.100.20", 5555, "alice", "wonderland");
        byte[] minimal = StunEncoder.encode(StunMessage.of(MessageType.request(ALLOCATE), TransactionId.random(), UDP));
        turn.server.onStun(c.link, InMemoryTurn.decode(minimal));
        byte[] answer = c.link.take();
        StunMessage m = InMemoryTurn.decode(answer);
        assertThat(code(m)).isEqualTo(401);
        assertThat(m.get(Realm.class).value()).isEqualTo("switchboard");
        assertThat(m.get(Nonce.class)).isNotNull();
        assertThat(m.get(ErrorCode.class).reason()).isEmpty();
        assertThat(m.hasIntegrity()).isFalse();
        assertThat((double) answer.length).as("401 size vs minimal Allocate").isLessThanOrEqualTo(2.5 * minimal.length);
        assertThat(turn.server.allocationCount()).isZero();
        assertThat(turn.relays.opened).isEmpty();
    }

    @Test
    void wrongPasswordUnknownUserAndForeignRealmAre401() {
        assertThat(code(turn.client("198.51.100.20", 1, "alice", "wrong").signed(ALLOCATE, UDP))).isEqualTo(401);
        assertThat(code(turn.client("198.51.100.20", 2, "mallory", "x").signed(ALLOCATE, UDP))).isEqualTo(401);
        assertThat(turn.server.allocationCount()).isZero();
    }

    @Test
    void expiredOrForeignNoncesAre438WithAFreshNonce() {
        InMemoryTurn.Client c = turn.client("198.51.100.20", 5555, "alice", "wonderland");
        c.nonce = c.plain(ALLOCATE, UDP).get(Nonce.class).value();
        turn.ticker.advanceSeconds(turn.config.nonceLifetime().toSeconds() + 1);
        StunMessage stale = c.send(c.encodeSigned(TransactionId.random(), ALLOCATE, UDP));
        assertThat(code(stale)).isEqualTo(438);
        assertThat(stale.get(Nonce.class).value()).isNotEqualTo(c.nonce);

        InMemoryTurn.Client other = turn.client("198.51.100.99", 5555, "alice", "wonderland");
        other.nonce = stale.get(Nonce.class).value(); // issued to another address
        assertThat(code(other.send(other.encodeSigned(TransactionId.random(), ALLOCATE, UDP)))).isEqualTo(438);
        other.nonce = "AAAAAAAAAAAAAAAA";
        assertThat(code(other.send(other.encodeSigned(TransactionId.random(), ALLOCATE, UDP)))).isEqualTo(438);
    }

    @Test
    void restCredentialsWorkUntilTheirExpiry() {
        long expiry = turn.ticker.epochSecond() + 60;
        String user = expiry + ":carol";
        String password = LongTermCredentials.restPassword("rest-secret".getBytes(StandardCharsets.UTF_8), user);
        ok(turn.client("198.51.100.20", 1, user, password).signed(ALLOCATE, UDP));
        assertThat(code(turn.client("198.51.100.20", 2, user, "bad").signed(ALLOCATE, UDP))).isEqualTo(401);
        turn.ticker.advanceSeconds(61);
        assertThat(code(turn.client("198.51.100.20", 3, user, password).signed(ALLOCATE, UDP))).isEqualTo(401);
    }

    @Test
    void mintedCredentialsAreAcceptedByTheServer() {
        RestCredentials rest = new RestCredentials("rest-secret".getBytes(StandardCharsets.UTF_8), 3478, 0, turn.ticker);
        var cred = rest.mint("web", java.time.Duration.ofMinutes(5));
        ok(turn.client("198.51.100.20", 1, cred.username(), cred.password()).signed(ALLOCATE, UDP));
        assertThat(rest.urls("example.org")).contains("stun:example.org:3478", "turn:example.org:3478?transport=tcp");
    }

    @Test
    void allocateAnswersRelayedMappedAndLifetimeSigned() {
        InMemoryTurn.Client c = turn.client("198.51.100.20", 5555, "alice", "wonderland");
        StunMessage m = c.signed(ALLOCATE, UDP, new Lifetime(100_000));
        ok(m);
        assertThat(m.verifyIntegrity(c.key())).isTrue();
        assertThat(m.hasFingerprint()).isTrue();
        assertThat(m.get(XorRelayedAddress.class).address().toSocketAddress())
                .isEqualTo(new InetSocketAddress("198.51.100.7", 50000));
        assertThat(m.get(XorMappedAddress.class).address().toSocketAddress())
                .isEqualTo(new InetSocketAddress("198.51.100.20", 5555));
        assertThat(m.get(Lifetime.class).seconds()).isEqualTo(3600); // capped at max-lifetime
        assertThat(turn.server.allocationCount()).isEqualTo(1);
    }

    @Test
    void retransmittedAllocateGetsTheSameAnswerAndAnotherOneOnTheSameFiveTupleIs437() {
        InMemoryTurn.Client c = turn.client("198.51.100.20", 5555, "alice", "wonderland");
        TransactionId tid = TransactionId.random();
        StunMessage first = c.signed(tid, ALLOCATE, UDP);
        ok(first);
        StunMessage again = c.signed(tid, ALLOCATE, UDP);
        ok(again);
        assertThat(again.get(XorRelayedAddress.class)).isEqualTo(first.get(XorRelayedAddress.class));
        assertThat(turn.relays.opened).hasSize(1);
        assertThat(code(c.signed(ALLOCATE, UDP))).isEqualTo(437);
    }

    @Test
    void badAllocateRequestsGetTheirCodes() {
        InMemoryTurn.Client c = turn.client("198.51.100.20", 5555, "alice", "wonderland");
        c.nonce = c.plain(ALLOCATE, UDP).get(Nonce.class).value(); // a bare Allocate gets no challenge
        assertThat(code(c.signed(ALLOCATE))).isEqualTo(400);
        assertThat(code(c.signed(ALLOCATE, new RequestedTransport(RequestedTransport.TCP)))).isEqualTo(442);
        StunMessage df = c.signed(ALLOCATE, UDP, new DontFragment());
        assertThat(code(df)).isEqualTo(420);
        assertThat(df.get(UnknownAttributes.class).types()).containsExactly(dev.switchboard.stun.AttributeType.DONT_FRAGMENT);
        StunMessage unknown = c.signed(ALLOCATE, UDP, new UnknownAttribute(0x7777, new byte[4]));
        assertThat(code(unknown)).isEqualTo(420);
        assertThat(unknown.get(UnknownAttributes.class).types()).containsExactly(0x7777);
        assertThat(code(c.signed(ALLOCATE, UDP, new RequestedAddressFamily(3)))).isEqualTo(440);
        assertThat(code(c.signed(ALLOCATE, UDP, new ReservationToken(new byte[8])))).isEqualTo(508);
        assertThat(code(c.signed(ALLOCATE, UDP, new ReservationToken(new byte[8]), new EvenPort(false)))).isEqualTo(400);
        turn.relays.failWith = 508;
        assertThat(code(c.signed(ALLOCATE, UDP))).isEqualTo(508);
        assertThat(turn.server.allocationCount()).isZero();
    }

    @Test
    void evenPortWithReservationHandsOutATokenForTheNextPort() {
        InMemoryTurn.Client rtp = turn.client("198.51.100.20", 5000, "alice", "wonderland");
        StunMessage m = rtp.signed(ALLOCATE, UDP, new EvenPort(true));
        ok(m);
        byte[] token = m.get(ReservationToken.class).token();
        int port = m.get(XorRelayedAddress.class).address().port();
        assertThat(port % 2).isZero();
        InMemoryTurn.Client rtcp = turn.client("198.51.100.20", 5001, "alice", "wonderland");
        StunMessage second = rtcp.signed(ALLOCATE, UDP, new ReservationToken(token));
        ok(second);
        assertThat(second.get(XorRelayedAddress.class).address().port()).isEqualTo(port + 1);
        InMemoryTurn.Client reuse = turn.client("198.51.100.20", 5002, "alice", "wonderland");
        assertThat(code(reuse.signed(ALLOCATE, UDP, new ReservationToken(token)))).isEqualTo(508);
    }

    @Test
    void aReservedIpv6RelayIsClaimedWithTheTokenAlone() {
        InMemoryTurn.Client rtp = turn.client("198.51.100.20", 5000, "alice", "wonderland");
        StunMessage m = rtp.signed(ALLOCATE, UDP, new EvenPort(true),
                new RequestedAddressFamily(TransportAddress.FAMILY_IPV6));
        ok(m);
        TransportAddress first = m.get(XorRelayedAddress.class).address();
        assertThat(first.family()).isEqualTo(TransportAddress.FAMILY_IPV6);
        InMemoryTurn.Client rtcp = turn.client("198.51.100.20", 5001, "alice", "wonderland");
        // RFC 8656 section 7.2: REQUESTED-ADDRESS-FAMILY may not come with RESERVATION-TOKEN
        StunMessage second = rtcp.signed(ALLOCATE, UDP, new ReservationToken(m.get(ReservationToken.class).token()));
        ok(second);
        TransportAddress claimed = second.get(XorRelayedAddress.class).address();
        assertThat(claimed.family()).isEqualTo(TransportAddress.FAMILY_IPV6);
        assertThat(claimed.port()).isEqualTo(first.port() + 1);
    }

    @Test
    void unclaimedReservationsCloseAfterThirtySeconds() {
        InMemoryTurn.Client rtp = turn.client("198.51.100.20", 5000, "alice", "wonderland");
        ok(rtp.signed(ALLOCATE, UDP, new EvenPort(true), new Lifetime(3600)));
        InMemoryTurn.FakeRelay reserved = turn.relays.opened.get(1);
        turn.ticker.advanceSeconds(31);
        turn.server.sweep();
        assertThat(reserved.closed).isTrue();
    }

    @Test
    void quotasAnswer486PerUserAnd508InTotal() {
        InMemoryTurn t = new InMemoryTurn(Map.of("turn.max-allocations-per-user", 2, "turn.max-allocations", 3));
        allocated(t, "198.51.100.1", 1);
        allocated(t, "198.51.100.1", 2);
        assertThat(code(t.client("198.51.100.1", 3, "alice", "wonderland").signed(ALLOCATE, UDP))).isEqualTo(486);
        ok(t.client("198.51.100.1", 4, "bob", "builder").signed(ALLOCATE, UDP));
        assertThat(code(t.client("198.51.100.1", 5, "bob", "builder").signed(ALLOCATE, UDP))).isEqualTo(508);
        t.server.linkClosed(new FiveTuple(FiveTuple.Protocol.UDP, new InetSocketAddress("198.51.100.1", 1), InMemoryTurn.SERVER));
        ok(t.client("198.51.100.1", 6, "alice", "wonderland").signed(ALLOCATE, UDP));
    }

    @Test
    void permissionAndChannelQuotasAnswer508() {
        InMemoryTurn t = new InMemoryTurn(Map.of("turn.max-permissions", 2, "turn.max-channels", 1));
        InMemoryTurn.Client c = allocated(t, "198.51.100.1", 1);
        ok(c.signed(CREATE_PERMISSION, peer("203.0.113.1", 0), peer("203.0.113.2", 0)));
        ok(c.signed(CREATE_PERMISSION, peer("203.0.113.1", 0))); // a refresh is not a new one
        assertThat(code(c.signed(CREATE_PERMISSION, peer("203.0.113.3", 0)))).isEqualTo(508);
        ok(c.signed(CHANNEL_BIND, new ChannelNumber(0x4000), peer("203.0.113.1", 9)));
        assertThat(code(c.signed(CHANNEL_BIND, new ChannelNumber(0x4001), peer("203.0.113.2", 9)))).isEqualTo(508);
    }

    static final List<String> DENIED_V4 = List.of("127.0.0.1", "0.0.0.0", "10.1.2.3", "100.64.0.1", "169.254.169.254",
            "172.16.5.4", "192.0.0.8", "192.168.1.1", "198.18.0.1", "224.0.0.251", "240.0.0.1", "255.255.255.255");
    static final List<String> DENIED_V6 = List.of("::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1",
            "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::1", "2002:c0a8:101::", "2001:0:7f00:1::ffff:ffff", "2001:0:cb00:7105::80ff:fffe");

    @Test
    void everyRequestTypeWithEachDeniedAddressFormIsRefused403() {
        InMemoryTurn.Client v4 = allocated(turn, "198.51.100.1", 1);
        InMemoryTurn.Client v6 = turn.client("198.51.100.1", 2, "alice", "wonderland");
        ok(v6.signed(ALLOCATE, UDP, new RequestedAddressFamily(TransportAddress.FAMILY_IPV6)));
        int channel = 0x4000;
        for (String ip : concat(DENIED_V4, DENIED_V6)) {
            for (InMemoryTurn.Client c : List.of(v4, v6)) {
                assertThat(code(c.signed(CREATE_PERMISSION, peer(ip, 9)))).as("CreatePermission " + ip).isEqualTo(403);
                assertThat(code(c.signed(CHANNEL_BIND, new ChannelNumber(channel++), peer(ip, 9))))
                        .as("ChannelBind " + ip).isEqualTo(403);
                c.indication(StunMessage.of(new MessageType(StunMethod.SEND, MessageClass.INDICATION), TransactionId.random(),
                        peer(ip, 9), new Data(new byte[] {1, 2, 3})));
            }
        }
        assertThat(turn.relays.opened).allSatisfy(r -> assertThat(r.sent).as("nothing relayed").isEmpty());
    }

    @Test
    void deniedFormsNormaliseToTheirEmbeddedIpv4() {
        PeerPolicy p = new PeerPolicy(List.of(), List.of());
        for (String ip : concat(DENIED_V4, DENIED_V6)) {
            assertThat(p.allowed(Cidr.parseAddress(ip))).as(ip).isFalse();
        }
        for (String ip : List.of("203.0.113.5", "8.8.8.8", "2001:db8::1", "2606:4700::1111", "::ffff:8.8.8.8",
                "64:ff9b::808:808", "2002:808:808::1", "2001:0:808:808::f7f7:f7f7")) {
            assertThat(p.allowed(Cidr.parseAddress(ip))).as(ip).isTrue();
        }
    }

    @Test
    void allowPeerOpensARangeAndDenyPeerClosesOne() {
        InMemoryTurn t = new InMemoryTurn(Map.of("turn.allow-peers", List.of("127.0.0.1/32"),
                "turn.deny-peers", List.of("203.0.113.0/24")));
        InMemoryTurn.Client c = allocated(t, "198.51.100.1", 1);
        ok(c.signed(CREATE_PERMISSION, peer("127.0.0.1", 0)));
        assertThat(code(c.signed(CREATE_PERMISSION, peer("127.0.0.2", 0)))).isEqualTo(403);
        assertThat(code(c.signed(CREATE_PERMISSION, peer("203.0.113.9", 0)))).isEqualTo(403);
        assertThat(code(c.signed(CREATE_PERMISSION, peer("::ffff:127.0.0.1", 0)))).as("allowed, wrong family").isEqualTo(443);
    }

    @Test
    void anAllowedIpv6RangeOpensExactlyWhatItNames() {
        PeerPolicy p = new PeerPolicy(List.of(), List.of(Cidr.parse("::1/128")));
        assertThat(p.allowed(Cidr.parseAddress("::1"))).as("::1 is loopback, not the IPv4-compatible 0.0.0.1").isTrue();
        assertThat(p.allowed(Cidr.parseAddress("::"))).isFalse();
        assertThat(p.allowed(Cidr.parseAddress("::2"))).isFalse();
        assertThat(p.allowed(Cidr.parseAddress("::ffff:127.0.0.1"))).isFalse();
        assertThat(new PeerPolicy(List.of(), List.of()).allowed(Cidr.parseAddress("::1"))).isFalse();
    }

    @Test
    void channelDataAndSendIndicationsRelayOnlyWithAPermission() {
        InMemoryTurn.Client c = allocated(turn, "198.51.100.1", 1);
        InMemoryTurn.FakeRelay relay = turn.relays.opened.get(0);
        sendIndication(c, PEER, "no permission");
        assertThat(relay.sent).isEmpty();
        relay.receive(PEER, "unsolicited".getBytes(StandardCharsets.UTF_8));
        assertThat(c.link.frames).isEmpty();

        ok(c.signed(CREATE_PERMISSION, peer("203.0.113.5", 0)));
        sendIndication(c, PEER, "hello");
        assertThat(relay.sent).hasSize(1);
        assertThat(relay.sent.get(0).getKey()).isEqualTo(PEER);
        assertThat(new String(relay.sent.get(0).getValue(), StandardCharsets.UTF_8)).isEqualTo("hello");

        relay.receive(PEER, "back".getBytes(StandardCharsets.UTF_8));
        StunMessage data = InMemoryTurn.decode(c.link.take());
        assertThat(data.type()).isEqualTo(new MessageType(StunMethod.DATA, MessageClass.INDICATION));
        assertThat(data.get(XorPeerAddress.class).address().toSocketAddress()).isEqualTo(PEER);
        assertThat(new String(data.get(Data.class).bytes(), StandardCharsets.UTF_8)).isEqualTo("back");

        ok(c.signed(CHANNEL_BIND, new ChannelNumber(0x4001), peer("203.0.113.5", 4000)));
        turn.server.onChannelData(c.link.tuple, 0x4001, InMemoryTurn.ALLOC.buffer().writeBytes(new byte[] {9, 8, 7}));
        assertThat(relay.sent.get(1).getValue()).containsExactly(9, 8, 7);
        turn.server.onChannelData(c.link.tuple, 0x4002, InMemoryTurn.ALLOC.buffer().writeBytes(new byte[] {1}));
        assertThat(relay.sent).as("unbound channel").hasSize(2);
        relay.receive(PEER, new byte[] {5, 6, 7});
        assertThat(c.link.take()).containsExactly(0x40, 0x01, 0, 3, 5, 6, 7);
    }

    @Test
    void channelDataTowardsStreamClientsIsPaddedToFourBytes() {
        InMemoryTurn.Link tcp = new InMemoryTurn.Link(new FiveTuple(FiveTuple.Protocol.TCP,
                new InetSocketAddress("198.51.100.1", 7), InMemoryTurn.SERVER), true);
        InMemoryTurn.Client c = turn.new Client(tcp, "alice", "wonderland");
        ok(c.signed(ALLOCATE, UDP));
        ok(c.signed(CHANNEL_BIND, new ChannelNumber(0x4000), peer("203.0.113.5", 4000)));
        turn.relays.opened.get(0).receive(PEER, new byte[] {5, 6, 7});
        assertThat(c.link.take()).containsExactly(0x40, 0x00, 0, 3, 5, 6, 7, 0);
        turn.server.linkClosed(tcp.tuple);
        assertThat(turn.relays.opened.get(0).closed).isTrue();
        assertThat(turn.server.allocationCount()).isZero();
    }

    @Test
    void channelBindRulesAnswer400() {
        InMemoryTurn.Client c = allocated(turn, "198.51.100.1", 1);
        assertThat(code(c.signed(CHANNEL_BIND, new ChannelNumber(0x3FFF), peer("203.0.113.5", 1)))).isEqualTo(400);
        assertThat(code(c.signed(CHANNEL_BIND, new ChannelNumber(0x8000), peer("203.0.113.5", 1)))).isEqualTo(400);
        assertThat(code(c.signed(CHANNEL_BIND, new ChannelNumber(0x4000)))).isEqualTo(400);
        ok(c.signed(CHANNEL_BIND, new ChannelNumber(0x4000), peer("203.0.113.5", 1)));
        ok(c.signed(CHANNEL_BIND, new ChannelNumber(0x4000), peer("203.0.113.5", 1)));
        assertThat(code(c.signed(CHANNEL_BIND, new ChannelNumber(0x4000), peer("203.0.113.5", 2)))).isEqualTo(400);
        assertThat(code(c.signed(CHANNEL_BIND, new ChannelNumber(0x4001), peer("203.0.113.5", 1)))).isEqualTo(400);
        assertThat(code(c.signed(CREATE_PERMISSION))).isEqualTo(400);
    }

    @Test
    void requestsWithoutAnAllocationAre437AndFromAnotherUser441() {
        InMemoryTurn.Client none = turn.client("198.51.100.1", 1, "alice", "wonderland");
        assertThat(code(none.signed(REFRESH))).isEqualTo(437);
        assertThat(code(none.signed(CREATE_PERMISSION, peer("203.0.113.5", 0)))).isEqualTo(437);
        assertThat(code(none.signed(CHANNEL_BIND, new ChannelNumber(0x4000), peer("203.0.113.5", 1)))).isEqualTo(437);
        ok(none.signed(ALLOCATE, UDP));
        InMemoryTurn.Client bob = turn.new Client(none.link, "bob", "builder");
        assertThat(code(bob.signed(REFRESH))).isEqualTo(441);
    }

    @Test
    void allocationsExpireUnlessRefreshedAndRefreshZeroDeletes() {
        InMemoryTurn.Client c = allocated(turn, "198.51.100.1", 1);
        turn.ticker.advanceSeconds(500);
        StunMessage r = c.signed(REFRESH, new Lifetime(600));
        ok(r);
        assertThat(r.get(Lifetime.class).seconds()).isEqualTo(600);
        turn.ticker.advanceSeconds(500);
        turn.server.sweep();
        assertThat(turn.server.allocationCount()).isEqualTo(1);
        turn.ticker.advanceSeconds(101);
        turn.server.sweep();
        assertThat(turn.server.allocationCount()).isZero();
        assertThat(turn.relays.opened.get(0).closed).isTrue();

        InMemoryTurn.Client d = allocated(turn, "198.51.100.1", 2);
        ok(d.signed(REFRESH, new Lifetime(0)));
        assertThat(turn.server.allocationCount()).isZero();
        assertThat(code(d.signed(REFRESH, new Lifetime(0)))).isEqualTo(437);
        assertThat(code(allocated(turn, "198.51.100.1", 3).signed(REFRESH,
                new RequestedAddressFamily(TransportAddress.FAMILY_IPV6)))).isEqualTo(443);
    }

    @Test
    void permissionsExpireAfterFiveMinutesAndChannelsAfterTen() {
        InMemoryTurn.Client c = allocated(turn, "198.51.100.1", 1);
        InMemoryTurn.FakeRelay relay = turn.relays.opened.get(0);
        ok(c.signed(CREATE_PERMISSION, peer("203.0.113.5", 0)));
        turn.ticker.advanceSeconds(301);
        sendIndication(c, PEER, "late");
        assertThat(relay.sent).isEmpty();
        ok(c.signed(CHANNEL_BIND, new ChannelNumber(0x4000), peer("203.0.113.5", 4000)));
        turn.ticker.advanceSeconds(299);
        turn.server.onChannelData(c.link.tuple, 0x4000, InMemoryTurn.ALLOC.buffer().writeByte(1));
        assertThat(relay.sent).hasSize(1);
        turn.ticker.advanceSeconds(2); // permission from the bind has lapsed, the channel has not
        turn.server.sweep();
        turn.server.onChannelData(c.link.tuple, 0x4000, InMemoryTurn.ALLOC.buffer().writeByte(2));
        assertThat(relay.sent).hasSize(1);
    }

    @Test
    void bandwidthQuotaDropsWhatExceedsIt() {
        InMemoryTurn t = new InMemoryTurn(Map.of("turn.max-bandwidth", 1000));
        InMemoryTurn.Client c = allocated(t, "198.51.100.1", 1);
        ok(c.signed(CHANNEL_BIND, new ChannelNumber(0x4000), peer("203.0.113.5", 4000)));
        for (int i = 0; i < 5; i++) {
            t.server.onChannelData(c.link.tuple, 0x4000, InMemoryTurn.ALLOC.buffer().writeZero(300));
        }
        assertThat(t.relays.opened.get(0).sent).hasSize(3);
        t.ticker.advanceSeconds(1);
        t.server.onChannelData(c.link.tuple, 0x4000, InMemoryTurn.ALLOC.buffer().writeZero(300));
        assertThat(t.relays.opened.get(0).sent).hasSize(4);
    }

    @Test
    void responsesAndIndicationsFromClientsAreIgnored() {
        InMemoryTurn.Client c = turn.client("198.51.100.1", 1, "alice", "wonderland");
        assertThat(c.send(StunEncoder.encode(StunMessage.of(new MessageType(BINDING, MessageClass.SUCCESS),
                TransactionId.random())))).isNull();
        c.indication(StunMessage.of(new MessageType(BINDING, MessageClass.INDICATION), TransactionId.random()));
        assertThat(c.link.frames).isEmpty();
    }

    static void sendIndication(InMemoryTurn.Client c, InetSocketAddress to, String text) {
        c.indication(StunMessage.of(new MessageType(StunMethod.SEND, MessageClass.INDICATION), TransactionId.random(),
                new XorPeerAddress(TransportAddress.of(to)), new Data(text.getBytes(StandardCharsets.UTF_8))));
    }

    static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    @Test
    void staticUsersArePreparedWithOpaqueString() {
        // configured decomposed, with a no-break space; a client sends the prepared (composed) form
        InMemoryTurn t = new InMemoryTurn(Map.of("turn.users", List.of("zoe\u0308:pa\u0308ss\u00A0word")));
        ok(t.client("198.51.100.30", 1, "zo\u00EB", "p\u00E4ss word").signed(ALLOCATE, UDP));
        // an unprepared username still finds its user; the key uses the username as sent
        ok(t.client("198.51.100.30", 2, "zoe\u0308", "p\u00E4ss word").signed(ALLOCATE, UDP));
        assertThat(code(t.client("198.51.100.30", 3, "zo\u00EB", "pa\u0308ss\u00A0word").signed(ALLOCATE, UDP)))
                .as("the unprepared password is not the key").isEqualTo(401);
    }

    @Test
    void aStaticUserThatFailsPreparationIsAConfigurationError() {
        assertThatThrownBy(() -> new InMemoryTurn(Map.of("turn.users", List.of("bell\u0007:pw"))))
                .isInstanceOf(dev.switchboard.config.ConfigException.class).hasMessageContaining("turn.users");
        assertThatThrownBy(() -> new InMemoryTurn(Map.of("turn.users", List.of("alice:soft\u00ADhyphen"))))
                .isInstanceOf(dev.switchboard.config.ConfigException.class).hasMessageContaining("turn.users")
                .hasMessageContaining("password").hasMessageNotContaining("hyphen");
    }
}
