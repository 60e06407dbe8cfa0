/**
 * Composes the whole call into one MediaStream for recording: every video tile of the call grid is
 * drawn onto a canvas in a grid layout (HTML canvas captureStream, W3C Media Capture from DOM
 * Elements section 3), and every audio track shown in the grid (yours and the peers') is mixed in an
 * AudioContext into a MediaStreamAudioDestinationNode (W3C Web Audio API section 1.34). Tracks that
 * join while recording are picked up; {@link CallMix#stop} releases the canvas, timer and audio nodes.
 */

const FPS = 20;
const WIDTH = 1280;
const HEIGHT = 720;
const RESCAN_MS = 1000; // how often new audio tracks in the grid are looked for

/** Columns and rows for n tiles: the smallest near-square grid that holds them. */
export function layout(n) {
  const cols = Math.max(1, Math.ceil(Math.sqrt(n)));
  const rows = Math.max(1, Math.ceil(n / cols));
  return { cols, rows };
}

export class CallMix {
  /** @param grid the call grid element whose <video> tiles are composed */
  constructor(grid, { fps = FPS, width = WIDTH, height = HEIGHT } = {}) {
    this.grid = grid;
    this.fps = fps;
    this.canvas = document.createElement('canvas');
    this.canvas.width = width;
    this.canvas.height = height;
    this.g = this.canvas.getContext('2d');
    this.audio = new AudioContext();
    this.destination = this.audio.createMediaStreamDestination();
    this.sources = new Map(); // audio track id -> MediaStreamAudioSourceNode
    this.framesDrawn = 0;
    this.timer = null;
    this.lastScan = 0;
    this.captured = null;
  }

  /** Starts drawing and mixing; returns the composed stream (one video track, one audio track). */
  start() {
    this.audio.resume().catch(() => {});
    this.scanAudio();
    this.draw();
    this.captured = this.canvas.captureStream(this.fps);
    this.timer = setInterval(() => this.draw(), Math.round(1000 / this.fps));
    return new MediaStream([...this.captured.getVideoTracks(), ...this.destination.stream.getAudioTracks()]);
  }

  videos() {
    return [...this.grid.querySelectorAll('video')].filter((v) => v.srcObject instanceof MediaStream);
  }

  /** Connects audio tracks of the grid not mixed yet; drops the ones that ended. */
  scanAudio() {
    this.lastScan = performance.now();
    const live = new Set();
    for (const v of this.videos()) {
      for (const track of v.srcObject.getAudioTracks()) {
        if (track.readyState !== 'live') {
          continue;
        }
        live.add(track.id);
        if (!this.sources.has(track.id)) {
          const node = this.audio.createMediaStreamSource(new MediaStream([track]));
          node.connect(this.destination);
          this.sources.set(track.id, node);
        }
      }
    }
    for (const [id, node] of this.sources) {
      if (!live.has(id)) {
        node.disconnect();
        this.sources.delete(id);
      }
    }
  }

  draw() {
    if (performance.now() - this.lastScan >= RESCAN_MS) {
      this.scanAudio();
    }
    const { g, canvas } = this;
    g.fillStyle = '#000';
    g.fillRect(0, 0, canvas.width, canvas.height);
    const tiles = this.videos().filter((v) => v.videoWidth > 0);
    const { cols, rows } = layout(tiles.length);
    const w = canvas.width / cols;
    const h = canvas.height / rows;
    tiles.forEach((v, i) => {
      // Fit the picture in its cell, keeping its aspect ratio.
      const scale = Math.min(w / v.videoWidth, h / v.videoHeight);
      const dw = v.videoWidth * scale;
      const dh = v.videoHeight * scale;
      const x = (i % cols) * w + (w - dw) / 2;
      const y = Math.floor(i / cols) * h + (h - dh) / 2;
      g.drawImage(v, x, y, dw, dh);
    });
    this.framesDrawn += 1;
  }

  /** How many audio tracks are being mixed now. */
  get audioTracks() {
    return this.sources.size;
  }

  /** Stops drawing and mixing, ends the composed tracks and closes the audio context. */
  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.captured?.getTracks().forEach((t) => t.stop());
    this.destination.stream.getTracks().forEach((t) => t.stop());
    for (const node of this.sources.values()) {
      node.disconnect();
    }
    this.sources.clear();
    this.audio.close().catch(() => {});
    this.canvas.width = 0;
    this.canvas.height = 0;
  }
}
