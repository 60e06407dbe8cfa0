package dev.switchboard.stun;

import java.nio.ByteBuffer;

/** XOR_PEER_ADDRESS (RFC 8656 section 18.3). */
public record XorPeerAddress(TransportAddress address) implements StunAttribute {

    @Override
    public int type() {
        return AttributeType.XOR_PEER_ADDRESS;
    }

    @Override
    public int valueLength() {
        return AddressCodec.length(address);
    }

    @Override
    public void writeValue(ByteBuffer out, TransactionId tid) {
        AddressCodec.write(out, address, tid, true);
    }

    static XorPeerAddress decode(ByteBuffer v, TransactionId tid) throws StunFormatException {
        return new XorPeerAddress(AddressCodec.read(v, tid, true, "XOR_PEER_ADDRESS"));
    }
}
