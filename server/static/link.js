// The one link of hallq's browser apps (display, console): the WebSocket, versions, resync, liveness, reconnect.
// Rules kept in step with the Qt HallLink: a snapshot replaces everything; a change applies only at
// version + 1 (a gap asks for a snapshot with get_snapshot, and changes are ignored until it comes);
// a silent socket is pinged and closed when no reply comes in time; reconnects back off to 10 s.
// Close code 4401: the token or session ended — the app decides (the console goes back to its login).

export const LIVE_EVERY_MS = 5000;
export const LIVE_TIMEOUT_MS = 4000;

export class HallLink {
  // url: the /ws URL (the console's cookie authenticates it; the display adds ?token=).
  // on: {snapshot(snap), change(ch), state(state), ended(code)}; state: connecting | online | offline.
  // on.preview(ch): every newer change before its version is checked (the display speaks a call even
  // around a gap). opts: {liveEveryMs, liveTimeoutMs}.
  constructor(url, on, opts = {}) {
    this.url = url;
    this.on = on;
    this.liveEveryMs = opts.liveEveryMs || LIVE_EVERY_MS;
    this.liveTimeoutMs = opts.liveTimeoutMs || LIVE_TIMEOUT_MS;
    this.version = null;
    this.state = "connecting";
    this.lastContact = null;
    this.ws = null;
    this.attempts = 0;
    this.ids = 0;
    this.resyncId = null;
    this.liveTimer = null;
    this.liveDeadline = null;
    this.stopped = false;
    this.pending = new Map();  // command id -> resolve
  }

  start() { this.stopped = false; this._connect(); return this; }

  stop() {
    this.stopped = true;
    clearInterval(this.liveTimer); clearTimeout(this.liveDeadline);
    if (this.ws) { const s = this.ws; this.ws = null; s.close(); }
  }

  send(obj) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) { this.ws.send(JSON.stringify(obj)); return true; }
    return false;
  }

  // A command over the socket; resolves with its result or error message.
  command(obj) {
    const id = "c-" + (++this.ids);
    return new Promise(resolve => {
      if (!this.send({ ...obj, id })) { resolve({ type: "error", code: "offline", message: "offline" }); return; }
      this.pending.set(id, resolve);
    });
  }

  resync() {
    if (this.resyncId) return;
    this.resyncId = "resync-" + (++this.ids);
    this.send({ type: "get_snapshot", id: this.resyncId });
  }

  _setState(state) { this.state = state; if (this.on.state) this.on.state(state, this); }

  _applySnapshot(snap) {
    this.version = snap.version;
    this.on.snapshot(snap);
  }

  _applyChange(ch) {
    if (this.version === null || this.resyncId) return;  // the coming snapshot covers it
    if (ch.version <= this.version) return;
    if (this.on.preview) this.on.preview(ch);
    if (ch.version !== this.version + 1) { this.resync(); return; }
    this.version = ch.version;
    this.on.change(ch);
  }

  _connect() {
    if (this.stopped) return;
    this._setState("connecting");
    const sock = new WebSocket(this.url);
    this.ws = sock;
    sock.onmessage = ev => {
      if (sock !== this.ws) return;
      this.lastContact = new Date();
      clearTimeout(this.liveDeadline);
      let msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      if (msg.type === "snapshot") {
        this.attempts = 0; this.resyncId = null; this._applySnapshot(msg); this._setState("online");
        clearInterval(this.liveTimer);
        this.liveTimer = setInterval(() => this._checkLive(), this.liveEveryMs);
      } else if (msg.type === "change") this._applyChange(msg);
      else if (msg.id && msg.id === this.resyncId) {
        this.resyncId = null;
        if (msg.type === "result") this._applySnapshot(msg.data); else sock.close();
      } else if (msg.type === "result" && msg.id && msg.id.startsWith("live-")) {
        if (msg.data && this.version !== null && msg.data.version > this.version) this.resync();
      } else if (msg.id && this.pending.has(msg.id)) {
        const resolve = this.pending.get(msg.id); this.pending.delete(msg.id); resolve(msg);
      }
    };
    sock.onclose = ev => {
      if (sock !== this.ws && this.ws !== null) return;
      this.ws = null; this.resyncId = null;
      clearInterval(this.liveTimer); clearTimeout(this.liveDeadline);
      for (const resolve of this.pending.values()) resolve({ type: "error", code: "offline", message: "offline" });
      this.pending.clear();
      if (this.stopped) return;
      this._setState("offline");
      if (ev.code === 4401) { this.stopped = true; if (this.on.ended) this.on.ended(ev.code); return; }
      const base = Math.min(10000, 500 * 2 ** Math.min(this.attempts++, 10));
      setTimeout(() => this._connect(), base * (0.75 + Math.random() * 0.5));
    };
  }

  // Browsers cannot send WebSocket pings: a cheap request whose reply must come back in time.
  _checkLive() {
    this.send({ type: "ping", id: "live-" + (++this.ids) });
    clearTimeout(this.liveDeadline);
    this.liveDeadline = setTimeout(() => { if (this.ws) this.ws.close(); }, this.liveTimeoutMs);
  }
}

// The connection banner: hidden while online; otherwise what the link is doing and when it last heard.
export function renderBanner(el, link, text) {
  if (link.state === "online") { el.hidden = true; return; }
  el.hidden = false;
  el.dataset.state = link.state;
  el.textContent = link.state === "connecting" && !link.lastContact ? text.connecting
    : text.lost(link.lastContact ? link.lastContact.toLocaleTimeString() : "—");
}

export function wsUrl(path = "/ws") {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}${path}`;
}
