/**
 * Every user-visible string of the web app, in one place (English), with named placeholders:
 * t('files.offered', {name: 'a.txt'}) fills {name}. Modules take their text from here, never from
 * literals of their own (StringsScanTest checks the textContent assignments and el() children).
 * The service worker (sw.js) cannot import modules and keeps its one offline text itself.
 */
const STRINGS = {
  // pages and header
  'room.linkCopied': 'Link copied.',
  'room.copyByHand': 'Press Ctrl+C (or long-press) to copy the selected link.',
  'room.nameLater': 'Your new name shows to others when you next join.',
  'room.joined': 'In room {room}.',
  'room.joinedRelay': 'In room {room} (relay only).',
  'room.lost': 'Connection to the server lost; reconnecting…',
  'room.refused': 'Could not join: {message}',
  'room.badLink': 'This room link is not valid (1–64 letters, digits, "-" or "_").',
  'room.title': 'Switchboard · {room}',
  'room.you': '{name} (you)',
  'room.guest': 'Guest',
  'room.aloneWithPhoto': 'Nobody else is in the room yet: the photo is only saved on the server.',
  'room.callProblem': 'Could not {action}: {message}',
  'room.callJoin': 'join the call',
  'room.callShare': 'share the screen',
  'room.callSwitch': 'switch the device',
  'room.callDenied': 'permission for the microphone and camera was denied',
  'room.microphoneN': 'Microphone {n}',
  'room.cameraN': 'Camera {n}',
  'room.testing': 'Testing…',
  'offline.banner': 'You are offline. The app still opens, but nobody can be reached until you are back online.',

  // call buttons
  'call.share': 'Share screen',
  'call.stopSharing': 'Stop sharing',
  'call.mute': 'Mute',
  'call.unmute': 'Unmute',
  'call.cameraOff': 'Camera off',
  'call.cameraOn': 'Camera on',
  'call.you': 'You',
  'call.yourCamera': 'Your camera',
  'call.videoOf': 'Video of {name}',
  'call.aPeer': 'a peer',
  'call.playSound': 'Play sound',

  // photos (cards, sources, gallery)
  'photo.caption': '{name} · {kb} KB · SHA-256 {hash}…',
  'photo.alt': 'Photo to send: {name}',
  'photo.sent': 'Sent: {name}',
  'photo.received': 'Received: {name}',
  'photo.progress': 'Progress: {title}',
  'photo.serverCopy': 'Server copy',
  'photo.retryUpload': 'Retry upload',
  'photo.to': 'To {name}',
  'photo.from': 'From {name}',
  'photo.couldNotTake': 'Could not take the photo: {message}',
  'photo.empty': 'That file is empty.',
  'photo.tooLarge': 'That image is too large to send (64 MB at most).',
  'photo.notImage': 'That file is not an image (JPEG, PNG, WebP or GIF).',
  'gallery.unavailable': 'Saved photos are not available on this server.',
  'gallery.failed': 'Could not load the saved photos ({message}).',
  'gallery.empty': 'Nothing saved yet.',
  'gallery.recording': 'Saved recording ({size})',
  'gallery.photo': 'Saved photo {id}',
  'gallery.open': 'Open saved photo ({size})',

  // transfer states and paths (cards.js)
  'state.waiting': 'waiting for a connection…',
  'state.sending': 'sending…',
  'state.sent': 'sent, waiting for the check…',
  'state.receiving': 'receiving…',
  'state.verifying': 'checking…',
  'state.verified': 'delivered and verified',
  'state.failed': 'failed',
  'state.cancelled': 'cancelled',
  'state.uploading': 'uploading…',
  'state.saved': 'saved on the server',
  'path.direct': 'direct',
  'path.relayed': 'relayed (TURN)',
  'path.server': 'via the server',
  // peer connection states (member list)
  'peer.connecting': 'connecting',
  'peer.connected': 'connected',
  'peer.relayed': 'relayed',
  'peer.failed': 'failed',
  'peer.rebuilding': 'reconnecting (try {attempt} of {max})',

  // camera
  'camera.insecure': 'The camera only works on a secure connection. Open this page over HTTPS (or on localhost); browsers block cameras on plain http:// addresses. You can still send photos from your device.',
  'camera.unsupported': 'This browser cannot use a camera here. You can still send photos from your device.',
  'camera.denied': 'Camera permission was denied. Allow the camera for this site (the camera icon in the address bar, or the site settings), then press "Retry camera". You can still send photos from your device.',
  'camera.none': 'No camera was found. Connect one and press "Retry camera", or send photos from your device.',
  'camera.busy': 'The camera could not be started; another application may be using it. Close it and press "Retry camera".',
  'camera.error': 'The camera could not be started ({name}). Press "Retry camera" to try again.',
  'camera.unknownError': 'unknown error',

  // common actions
  'action.cancel': 'Cancel',
  'action.download': 'Download',
  'action.accept': 'Accept',
  'action.decline': 'Decline',
  'action.saveShare': 'Save / Share',

  // files
  'files.autoAccept': ' auto-accept from ',
  'files.nobody': 'Nobody is here: files go to the people in the room, so someone has to be here.',
  'files.noConnection': 'Could not offer {name} to {peer}: no connection to them.',
  'files.unreadable': 'verified, but the stored file cannot be read: {message}',
  'files.rowInfo': ' {size} · {type} · {direction} {peer} ',
  'files.to': 'to',
  'files.from': 'from',
  'files.aPeer': 'a peer',
  'files.thumbAlt': 'Preview of {name}',
  'files.staged': 'Shared with Switchboard, ready to send:',
  'files.sendStaged': 'Send to everyone',
  'files.stagedSent': 'Offered to everyone connected.',
  'files.shareFailed': 'Could not share: {message}',
  // resume and the server path (files.js, file-server.js, file-fallback.js); the reasons a transfer
  // sends its peer ("declined: …", "cancelled by the …") are protocol words and stay in the modules
  'files.waitingForPeer': 'waiting for {peer} to come back',
  'files.thePeer': 'the peer',
  'files.resumesLater': 'resumes when the sender is back',
  'files.resumedAt': ' (resumed at {size})',
  'files.peerLeft': 'the peer left',
  'files.serverWaiting': 'via the server: waiting for the peer',
  'files.signalingRefused': 'signaling refused',
  'files.uploadFailed': 'upload to the server failed: {message}',
  'files.hashMismatch': 'SHA-256 mismatch: got {got}…, expected {expected}…',
  'files.cancelledBySender': 'cancelled by the sender',
  'fallback.noUploadAddress': 'the server gave no upload address',
  'fallback.noOffset': 'the server did not say how much it holds',
  'fallback.storedOther': 'the server stored something else',
  'fallback.httpStatus': 'HTTP {status}',
  'fallback.networkError': 'network error',
  'fallback.downloadFailed': 'download failed (HTTP {status})',

  // recorder
  'rec.cannot': 'This browser cannot record.',
  'rec.noSound': 'Recording without sound (no microphone available).',
  'rec.noType': 'This browser cannot record WebM or MP4.',
  'rec.cannotStart': 'Cannot record: {message}',
  'rec.notSaved': 'The recording was not saved: {message}',
  'rec.limit': 'Recordings stop after {time}.',
  'rec.serverLimit': 'Recording stopped at {time}: this server keeps recordings up to that length.',
  'rec.noCall': 'Join the call first to record it.',
  'rec.uploaded': 'Uploaded {sent} of {total}',
  'rec.saving': 'Saving…',
  'rec.saved': 'Saved ({size})',
  'rec.notSavedShort': 'Not saved',
  'rec.recording': 'Recording',

  // notifications, announcements
  'notify.on': 'Notifications on',
  'notify.off': 'Notifications off',
  'notify.denied': 'Notifications are blocked for this site in the browser settings.',
  'notify.offerTitle': '{peer} offers a file',
  'notify.offerBody': '{name} ({size})',
  'notify.chatTitle': 'Message from {peer}',
  'announce.offer': '{peer} offers {name}, {size}.',
  'announce.joined': '{peer} joined the room.',
  'announce.left': '{peer} left the room.',
  'announce.chat': '{peer} says: {text}',
  'announce.fileReceived': 'Received {name} from {peer}.',
  'announce.fileSent': '{peer} received {name}.',
  'announce.fileFailed': '{name} with {peer} failed: {error}',
  'announce.rebuilding': 'Lost the connection to {peer}; reconnecting (try {attempt} of {max}).',
  'announce.rebuilt': 'Connected to {peer} again.',
  'announce.rebuildFailed': 'Could not reconnect to {peer} after {max} tries.',
  'announce.photoReceived': 'Photo {name} received from {peer}.',

  // share target page
  'share.title': 'Share to a room',
  'share.files': 'Shared files',
  'share.none': 'Nothing was shared, or it was already taken to a room.',
  'share.pick': 'Pick a room:',
  'share.recent': 'Recent rooms',
  'share.noRecent': 'No recent rooms on this device yet.',
  'share.newRoom': 'New room',
  'share.fileInfo': '{name} · {size}',
  'share.roomLabel': 'Room {room}',
};

/** The text for {@code key} with its {placeholders} filled from {@code values}. */
export function t(key, values = {}) {
  const text = STRINGS[key];
  if (text === undefined) {
    throw new Error(`no string named ${key}`);
  }
  return text.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** Whether {@code key} names a string (for tests and optional text). */
export function hasString(key) {
  return Object.prototype.hasOwnProperty.call(STRINGS, key);
}
