/**
 * The names the page's modules share, in one place: signaling events as they travel (docs/signaling.md),
 * the kinds of `signal` data peers send each other through the server, error codes (snake_case, the
 * style of the HTTP API and of signaling refusals alike) and the events of the room's members
 * (js/members.js). Modules use these constants, never the string literals.
 */

/** Socket.IO events of the mesh room protocol (docs/signaling.md); the client re-emits them under these names. */
export const SIGNALING = Object.freeze({
  JOIN: 'join',
  LEAVE: 'leave',
  SIGNAL: 'signal',
  PEER_JOINED: 'peer-joined',
  PEER_LEFT: 'peer-left',
  MEDIA_ADDED: 'media-added',
  MEDIA_REMOVED: 'media-removed',
  ERROR: 'error',
  /** Client-side only (js/signaling.js): the join was answered; fires again after every reconnect. */
  JOINED: 'joined',
  /** Client-side only: the Socket.IO connection dropped; detail.recoverable when the client reconnects on its own. */
  DISCONNECTED: 'disconnected',
  /** Client-side only: reconnected within the recovery window: same id, same room, missed events follow. */
  RECOVERED: 'recovered',
  /** Client-side only: reconnected as a new session (the old one is gone); a new join follows. */
  RESET: 'reset',
});

/**
 * Why a member left: `peer-left`'s reason (LEFT, DISCONNECTED), or LOST, the page's own: our signaling
 * connection dropped, so every member goes from the page until the join after the reconnect.
 */
export const LEAVE_REASON = Object.freeze({ LEFT: 'left', DISCONNECTED: 'disconnected', LOST: 'lost' });

/** The `kind` of `signal` data that is not an SDP description or an ICE candidate. */
export const SIGNAL_KIND = Object.freeze({
  REBUILD: 'rebuild',
  SERVER_PHOTO: 'server-photo',
  SERVER_PHOTO_RESULT: 'server-photo-result',
  SERVER_FILE: 'server-file',
  SERVER_FILE_RESULT: 'server-file-result',
  SERVER_FILE_CANCEL: 'server-file-cancel',
  PROFILE: 'profile',
  RECORDED: 'recorded',
});

/** Error codes the page reads or makes: the server's signaling refusals, the HTTP API's, and the client's own. */
export const ERROR_CODE = Object.freeze({
  // signaling refusals (docs/signaling.md, "Errors")
  BAD_REQUEST: 'bad_request',
  BAD_ROOM_NAME: 'bad_room_name',
  ROOM_FULL: 'room_full',
  ALREADY_JOINED: 'already_joined',
  NOT_IN_ROOM: 'not_in_room',
  NO_SUCH_PEER: 'no_such_peer',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  RATE_LIMITED: 'rate_limited',
  TOO_MANY_ROOMS: 'too_many_rooms',
  WRONG_ROOM: 'wrong_room',
  CLUSTER_UNAVAILABLE: 'cluster_unavailable',
  // the HTTP API
  OFFSET_MISMATCH: 'offset_mismatch',
  // made by the client (js/signaling.js)
  CONNECT_ERROR: 'connect_error',
  JOIN_FAILED: 'join_failed',
  TIMEOUT: 'timeout',
  BAD_ACK: 'bad_ack',
});

/** Events of js/members.js (detail: the member {id, name, link, ...}; LEFT adds reason). */
export const MEMBER = Object.freeze({
  JOINED: 'member-joined',
  LEFT: 'member-left',
  RENAMED: 'member-renamed',
});
