/**
 * Per-peer connection quality from RTCPeerConnection.getStats() (W3C "Identifiers for WebRTC's
 * Statistics API"): round-trip time of the selected candidate pair, packet loss of what we receive,
 * and whether the pair is relayed (a TURN "relay" candidate at either end) or direct.
 */

/** Reads one connection's figures; fields are undefined when the browser does not report them. */
export async function readQuality(pc) {
  const stats = await pc.getStats();
  let pair = null;
  stats.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) {
      pair = stats.get(s.selectedCandidatePairId);
    }
  });
  if (!pair) {
    stats.forEach((s) => {
      if (!pair && s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) {
        pair = s;
      }
    });
  }
  const q = { rtt: undefined, lost: 0, received: 0, path: undefined, audioEnergy: 0, audioPackets: 0, framesDecoded: 0 };
  if (pair) {
    q.rtt = pair.currentRoundTripTime;
    const local = stats.get(pair.localCandidateId);
    const remote = stats.get(pair.remoteCandidateId);
    q.path = local?.candidateType === 'relay' || remote?.candidateType === 'relay' ? 'relayed' : 'direct';
    q.relayProtocol = local?.relayProtocol;
  }
  stats.forEach((s) => {
    if (s.type === 'inbound-rtp') {
      q.lost += Math.max(s.packetsLost ?? 0, 0);
      q.received += s.packetsReceived ?? 0;
      if (s.kind === 'audio') {
        q.audioEnergy += s.totalAudioEnergy ?? 0;
        q.audioPackets += s.packetsReceived ?? 0;
      } else if (s.kind === 'video') {
        q.framesDecoded += s.framesDecoded ?? 0;
      }
    }
  });
  return q;
}

/** "RTT 12 ms · loss 0.4% · direct" */
export function describeQuality(q) {
  const parts = [];
  if (q.rtt !== undefined) {
    parts.push(`RTT ${Math.round(q.rtt * 1000)} ms`);
  }
  const total = q.lost + q.received;
  if (total > 0) {
    parts.push(`loss ${((100 * q.lost) / total).toFixed(1)}%`);
  }
  if (q.path) {
    parts.push(q.path === 'relayed' ? `relayed (TURN${q.relayProtocol ? ` ${q.relayProtocol}` : ''})` : 'direct');
  }
  return parts.join(' · ');
}
