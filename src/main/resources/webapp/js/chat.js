/**
 * Room chat over each pair's "chat" data channel (js/peer.js). Messages are JSON:
 * {t:"msg", id, name, text, at} for one message, and {t:"history", messages:[...]} which every
 * browser sends a peer once their chat channel opens: its last HISTORY messages, so a peer that joins
 * later sees the recent conversation. Messages are deduplicated by id (several peers send the same
 * history) and shown in time order, as text only (textContent, never HTML).
 */
import { el } from './dom.js';
import { MEMBER } from './events.js';
import { t } from './strings.js';

export const HISTORY = 50;
const MAX_TEXT = 2000;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A message as received, checked and trimmed; null when it is not one. */
export function cleanMessage(m) {
  if (!m || typeof m !== 'object' || typeof m.id !== 'string' || !ID.test(m.id)
    || typeof m.text !== 'string' || m.text.trim() === '' || !Number.isFinite(m.at)) {
    return null;
  }
  // eslint-disable-next-line no-control-regex
  const name = typeof m.name === 'string' ? m.name.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 64) : '';
  return { id: m.id, name: name || t('room.guest'), text: m.text.slice(0, MAX_TEXT), at: m.at };
}

export class Chat {
  /**
   * @param list the element the messages go in; @param makeId function giving a fresh random id;
   * @param onMessage function(message) for each new message from someone else
   */
  constructor(list, makeId, onMessage = () => {}) {
    this.list = list;
    this.makeId = makeId;
    this.onMessage = onMessage; // called with each new message from someone else (not history)
    this.messages = []; // sorted by time, at most HISTORY kept
    this.seen = new Set();
    this.channels = new Map(); // peerId -> RTCDataChannel
  }

  /** Follows the room's members (js/members.js): each member's chat channel, now and after a rebuild; departures. */
  watch(members) {
    members.addEventListener(MEMBER.JOINED, (e) => {
      const { id, link } = e.detail;
      if (link.chat) {
        this.attach(id, link.chat);
      }
      link.addEventListener('chat', (c) => this.attach(id, c.detail));
    });
    members.addEventListener(MEMBER.LEFT, (e) => this.detach(e.detail.member.id));
  }

  /** A peer's chat channel: history goes out once it opens, messages come in. */
  attach(peerId, channel) {
    this.channels.set(peerId, channel);
    const onOpen = () => {
      if (this.messages.length > 0 && this.post(channel, { t: 'history', messages: this.messages })) {
        this.delivered(); // our pending messages were in that history
      }
    };
    if (channel.readyState === 'open') {
      onOpen();
    } else {
      channel.addEventListener('open', onOpen, { once: true });
    }
    channel.addEventListener('message', (e) => this.receive(e.data));
    channel.addEventListener('close', () => {
      if (this.channels.get(peerId) === channel) {
        this.channels.delete(peerId);
      }
    });
  }

  detach(peerId) {
    this.channels.delete(peerId);
  }

  /**
   * Sends a message of ours to everyone whose channel is open; returns how many got it. When nobody
   * did (alone, or offline) the message is marked pending; it travels in the history each channel
   * gets when it opens, and the mark goes then.
   */
  send(name, text) {
    const m = cleanMessage({ id: this.makeId(), name, text, at: Date.now() });
    if (!m) {
      return 0;
    }
    this.add(m, true);
    let n = 0;
    for (const channel of this.channels.values()) {
      if (this.post(channel, { t: 'msg', ...m })) {
        n++;
      }
    }
    if (n === 0) {
      const item = this.list.querySelector(`[data-id="${m.id}"]`);
      item.dataset.pending = 'true';
      item.title = t('chat.pendingHint');
      item.append(el('span', { className: 'chat-pending', 'data-testid': 'chat-pending' }, t('chat.pending')));
    }
    return n;
  }

  /** Our pending messages have reached a peer: their marks go. */
  delivered() {
    for (const item of this.list.querySelectorAll('[data-pending]')) {
      delete item.dataset.pending;
      item.removeAttribute('title');
      item.querySelector('.chat-pending')?.remove();
    }
  }

  post(channel, message) {
    if (channel.readyState !== 'open') {
      return false;
    }
    try {
      channel.send(JSON.stringify(message));
      return true;
    } catch (e) {
      return false;
    }
  }

  receive(data) {
    if (typeof data !== 'string' || data.length > 256 * 1024) {
      return;
    }
    let m;
    try {
      m = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (m?.t === 'msg') {
      const clean = cleanMessage(m);
      if (clean && this.add(clean, false)) {
        this.onMessage(clean);
      }
    } else if (m?.t === 'history' && Array.isArray(m.messages)) {
      for (const h of m.messages.slice(-HISTORY)) {
        const clean = cleanMessage(h);
        if (clean) {
          this.add(clean, false);
        }
      }
    }
  }

  add(m, mine) {
    if (this.seen.has(m.id)) {
      return false;
    }
    this.seen.add(m.id);
    let i = this.messages.length;
    while (i > 0 && this.messages[i - 1].at > m.at) {
      i--;
    }
    this.messages.splice(i, 0, m);
    const item = el('li', { className: mine ? 'chat-message mine' : 'chat-message', 'data-testid': 'chat-message', dataset: { id: m.id } },
      el('span', { className: 'chat-name' }, m.name),
      el('time', { className: 'chat-time', datetime: new Date(m.at).toISOString() },
        new Date(m.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })),
      el('p', { className: 'chat-text' }, m.text));
    const after = this.list.children[i];
    this.list.insertBefore(item, after ?? null);
    if (this.messages.length > HISTORY) {
      const old = this.messages.shift();
      this.list.querySelector(`[data-id="${old.id}"]`)?.remove();
    }
    this.list.scrollTop = this.list.scrollHeight;
    return true;
  }
}
