/**
 * Connectivity self-test: gathers ICE candidates (RFC 8445 section 5.1.1) against each configured
 * ICE server URL on its own, and reports per URL what works: STUN gives a server-reflexive
 * ("srflx") candidate, TURN gives a "relay" candidate (RFC 8656) over the URL's transport — UDP,
 * TCP, or TLS for turns: URLs. Nothing is sent to any peer; the connections are closed afterwards.
 */

import { t } from './strings.js';

const GATHER_MS = 8000;
const RELAY_PATH_MS = 10000;

/** What one URL is expected to test: {check: "stun" | "turn-udp" | "turn-tcp" | "turn-tls", label}. */
export function classify(url) {
  const u = String(url).toLowerCase();
  if (u.startsWith('stun:') || u.startsWith('stuns:')) {
    return { check: 'stun', label: 'STUN (your public address)' };
  }
  if (u.startsWith('turns:')) {
    return { check: 'turn-tls', label: 'TURN over TLS' };
  }
  if (u.includes('transport=tcp')) {
    return { check: 'turn-tcp', label: 'TURN over TCP' };
  }
  return { check: 'turn-udp', label: 'TURN over UDP' };
}

/** Gathers candidates for one URL; resolves to {check, label, url, ok, detail}. */
export async function testUrl(server, url) {
  const { check, label } = classify(url);
  const turn = check !== 'stun';
  const pc = new RTCPeerConnection({
    iceServers: [{ urls: [url], username: server.username, credential: server.credential }],
    iceTransportPolicy: turn ? 'relay' : 'all',
  });
  const found = [];
  const errors = [];
  let complete = false; // gathering finished before the timeout: every server answered or refused
  try {
    const done = new Promise((resolve) => {
      const timer = setTimeout(resolve, GATHER_MS);
      pc.addEventListener('icecandidate', ({ candidate }) => {
        if (!candidate) {
          complete = true;
          clearTimeout(timer);
          resolve();
        } else if (candidate.candidate) {
          found.push(candidate);
          if ((turn && candidate.type === 'relay') || (!turn && candidate.type === 'srflx')) {
            clearTimeout(timer);
            resolve();
          }
        }
      });
      pc.addEventListener('icecandidateerror', (e) => errors.push(`${e.errorCode} ${e.errorText ?? ''}`.trim()));
    });
    pc.createDataChannel('probe');
    await pc.setLocalDescription();
    await done;
  } catch (e) {
    errors.push(e.message);
  } finally {
    pc.close();
  }
  if (turn) {
    const relay = found.find((c) => c.type === 'relay');
    return relay
      ? { check, label, url, ok: true, detail: `works (relay address ${relay.address}:${relay.port}${relay.relayProtocol ? `, to the server over ${relay.relayProtocol}` : ''})` }
      : { check, label, url, ok: false, detail: `no relay address${errors.length ? ` (${errors[0]})` : ' (no answer)'}` };
  }
  const srflx = found.find((c) => c.type === 'srflx');
  if (srflx) {
    return { check, label, url, ok: true, detail: `works (public address ${srflx.address}:${srflx.port})` };
  }
  if (complete && errors.length === 0 && found.some((c) => c.type === 'host')) {
    // Browsers drop a server-reflexive candidate equal to a local one, so an answering server with no
    // NAT in between leaves only host candidates; a silent one keeps gathering going until it times out.
    return { check, label, url, ok: true, detail: 'answered; no NAT between you and the server (your public address is a local one)' };
  }
  return { check, label, url, ok: false, detail: `no answer${errors.length ? ` (${errors[0]})` : ` within ${GATHER_MS / 1000} s`}` };
}

const urlsOf = (server) => (Array.isArray(server.urls) ? server.urls : [server.urls]);

/**
 * Data through the relay, end to end: two connections in this page, both relay-only over every TURN
 * URL, connect to each other and echo a message on a data channel. A relay that hands out addresses
 * but cannot carry data (an external address nobody reaches, peers it may not send to) fails here,
 * though its candidates arrived. Resolves to a result line, or null when no TURN URL is configured.
 */
export async function testRelayPath(iceServers, timeoutMs = RELAY_PATH_MS) {
  const servers = iceServers.map((s) => ({ ...s, urls: urlsOf(s).filter((u) => classify(u).check !== 'stun') }))
    .filter((s) => s.urls.length > 0);
  if (servers.length === 0) {
    return null;
  }
  const base = { check: 'relay-path', label: t('diag.relayPath'), url: '' };
  const config = { iceServers: servers, iceTransportPolicy: 'relay' };
  const a = new RTCPeerConnection(config);
  const b = new RTCPeerConnection(config);
  let timer = null;
  try {
    a.addEventListener('icecandidate', ({ candidate }) => candidate && b.addIceCandidate(candidate).catch(() => {}));
    b.addEventListener('icecandidate', ({ candidate }) => candidate && a.addIceCandidate(candidate).catch(() => {}));
    b.addEventListener('datachannel', ({ channel }) => {
      channel.addEventListener('message', (m) => channel.send(m.data));
    });
    const channel = a.createDataChannel('relay-probe');
    const started = performance.now();
    const echoed = new Promise((resolve) => {
      channel.addEventListener('open', () => channel.send('probe'));
      channel.addEventListener('message', (m) => resolve(m.data === 'probe'));
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription);
    if (await echoed) {
      return { ...base, ok: true, detail: t('diag.relayPathOk', { ms: Math.round(performance.now() - started) }) };
    }
    return { ...base, ok: false, detail: t('diag.relayPathFailed', { s: timeoutMs / 1000, state: a.iceConnectionState }) };
  } catch (e) {
    return { ...base, ok: false, detail: e.message };
  } finally {
    clearTimeout(timer);
    a.close();
    b.close();
  }
}

/** Runs every URL of every server, one after another; calls onResult for each line. */
export async function runDiagnostics(iceServers, onResult) {
  const results = [];
  if (!Array.isArray(iceServers) || iceServers.length === 0) {
    const r = { check: 'none', label: 'ICE servers', url: '', ok: false, detail: 'this server offers no STUN or TURN server: only direct connections on the same network can work' };
    onResult(r);
    return [r];
  }
  for (const server of iceServers) {
    const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
    for (const url of urls) {
      const r = await testUrl(server, url);
      results.push(r);
      onResult(r);
    }
  }
  const path = await testRelayPath(iceServers);
  if (path) {
    results.push(path);
    onResult(path);
  }
  return results;
}
