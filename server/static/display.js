// The hallq wall display in a browser: the same protocol, screen and spoken calls as the Qt app (hall_display/).
// Rules kept in step with the Qt side: versions move by exactly +1 (a gap asks for a snapshot), each
// announcement (ticket, recall) is spoken once even across reconnects, and speech never delays the screen.
"use strict";
(function () {
  const params = new URLSearchParams(location.search);
  const TOKEN = params.get("token") || "";
  const ZONE = params.get("zone") || "";
  const LANG = params.get("lang") === "en" ? "en" : "zh";
  const REPEAT = Math.min(5, Math.max(1, parseInt(params.get("repeat") || "2", 10) || 2));
  const SILENT = params.get("silent") === "1";
  const NOTICE = params.get("notice") || "";
  const BIG_ROWS = 4, RECENT_ROWS = 8, RECENT_KEEP = 20, HIGHLIGHT_MS = 8000;
  const LIVE_EVERY_MS = 15000, LIVE_TIMEOUT_MS = 10000;
  const WORD_GAP = 0.06, CHIME_GAP = 0.35, REPEAT_GAP = 0.8;  // seconds, as hall_display/clips.py

  const TEXT = {
    zh: { caption: "请以下号码到窗口办理", empty: "暂无呼叫", recent: "最近呼叫", waiting: "等候人数", recall: "重呼",
          people: n => `${n} 人`, closed: "暂停", lost: t => `连接中断 · 最后更新 ${t}`, connecting: "正在连接服务器…",
          sound: "点击屏幕启用声音", window: n => `${n}号窗口`, noToken: "缺少 token 参数：/display?token=…",
          date: d => `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 星期${"日一二三四五六"[d.getDay()]}` },
    en: { caption: "Please go to your window", empty: "No calls yet", recent: "Recent calls", waiting: "Waiting",
          recall: "Recall", people: n => `${n}`, closed: "Closed", lost: t => `Connection lost · last update ${t}`,
          connecting: "Connecting to the server…", sound: "Click to enable sound", window: n => `Window ${n}`,
          noToken: "missing token: /display?token=…",
          date: d => d.toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric" }) },
  }[LANG];

  // ------------------------------------------------------------ what a call says (hall_display/speech.py)
  function ticketParts(number) {
    const parts = [...number].filter(c => /[A-Za-z0-9]/.test(c)).map(c => c.toUpperCase());
    if (!parts.length) throw new Error("not a ticket number: " + number);
    return parts;
  }
  function windowParts(w) {
    if (w < 10) return [String(w)];
    if (w < 100) {
      const tens = Math.floor(w / 10), ones = w % 10;
      return [...(tens === 1 ? [] : [String(tens)]), "shi", ...(ones ? [String(ones)] : [])];
    }
    return [...String(w)];
  }
  function callParts(number, w) {
    return ["qing", ...ticketParts(number), "hao", "dao", ...windowParts(w), "hao_chuangkou", "banli"];
  }
  function announcementParts(number, w, repeat) {
    const call = callParts(number, w), out = ["chime"];
    for (let i = 0; i < Math.max(1, repeat); i++) out.push(...call);
    return out;
  }

  // ------------------------------------------------------------ state
  const S = {
    hall: null, version: null, services: new Map(), recent: [], link: "connecting", everOnline: false,
    lastContact: null, zoneWindows: null, zoneServices: null, highlight: null, announcedVersion: -1,
    announcedKeys: new Set(), spoken: [], played: 0,
  };
  const $ = id => document.getElementById(id);
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };

  function applySnapshot(snap) {
    if (snap.version < S.announcedVersion) { S.announcedVersion = snap.version; S.announcedKeys = new Set(); }
    S.version = snap.version;
    S.hall = snap.hall;
    S.services = new Map(snap.services.map(s => [s.code, s]));
    S.recent = snap.recent_calls.slice(-RECENT_KEEP);
    if (ZONE) {
      const ws = snap.hall.windows.filter(w => w.zone === ZONE);
      if (!ws.length) console.warn("no window is in zone", ZONE);
      S.zoneWindows = new Set(ws.map(w => w.id));
      S.zoneServices = new Set(ws.flatMap(w => w.services));
    } else { S.zoneWindows = S.zoneServices = null; }
    render();
  }

  function applyChange(ch) {
    if (S.version === null || S.resyncId) return;  // the coming snapshot covers it
    if (ch.version <= S.version) return;
    for (const a of ch.announcements || []) announce(a);  // spoken even around a gap
    if (ch.version !== S.version + 1) { resync(); return; }
    S.version = ch.version;
    for (const e of ch.events || []) if (e.type === "day_started") S.recent = [];
    for (const s of ch.services || []) S.services.set(s.code, s);
    for (const a of ch.announcements || []) {
      S.recent.push({ ticket_id: a.ticket_id, number: a.number, service: a.service, window: a.window, at: a.at, recall: a.recall || 0 });
    }
    S.recent = S.recent.slice(-RECENT_KEEP);
    render();
  }

  function inZone(w) { return S.zoneWindows === null || S.zoneWindows.has(w); }

  function announce(a) {
    const key = a.ticket_id + "#" + (a.recall || 0);
    if (a.version < S.announcedVersion || (a.version === S.announcedVersion && S.announcedKeys.has(key))) return;
    if (a.version > S.announcedVersion) { S.announcedVersion = a.version; S.announcedKeys = new Set(); }
    S.announcedKeys.add(key);
    if (!inZone(a.window)) return;
    S.highlight = { key, until: Date.now() + HIGHLIGHT_MS };
    setTimeout(render, HIGHLIGHT_MS + 50);
    const item = { number: a.number, window: a.window, recall: a.recall || 0, parts: announcementParts(a.number, a.window, REPEAT) };
    S.spoken.push(item);
    queue.push(item);
    pump();
  }

  // ------------------------------------------------------------ screen
  function windowName(id) {
    const w = S.hall && S.hall.windows.find(w => w.id === id);
    return w ? (LANG === "en" ? w.name_en : w.name_zh) : TEXT.window(id);
  }
  function calls() {
    const seen = new Set(), rows = [];
    for (let i = S.recent.length - 1; i >= 0; i--) {
      const c = S.recent[i];
      if (seen.has(c.ticket_id) || !inZone(c.window)) continue;
      seen.add(c.ticket_id);
      rows.push(c);
    }
    return rows;
  }
  function render() {
    if (!S.hall) return;
    $("hallName").textContent = LANG === "en" ? S.hall.name_en : S.hall.name_zh;
    const all = calls(), big = all.slice(0, BIG_ROWS), rest = all.slice(BIG_ROWS, BIG_ROWS + RECENT_ROWS);
    const rows = $("rows");
    rows.replaceChildren(...big.map(c => {
      const r = el("div", "row");
      r.dataset.number = c.number;
      if (S.highlight && S.highlight.key === c.ticket_id + "#" + (c.recall || 0) && Date.now() < S.highlight.until) r.classList.add("fresh");
      r.append(el("span", "number", c.number), el("span", "arrow", "→"), el("span", "window", windowName(c.window)),
               el("span", "tag", c.recall ? TEXT.recall : ""));
      return r;
    }));
    $("empty").hidden = big.length > 0;
    $("recent").replaceChildren(...rest.flatMap(c => [el("span", "n", c.number), el("span", "w", TEXT.window(c.window))]));
    const services = S.hall.services.filter(s => S.zoneServices === null || S.zoneServices.has(s.code));
    $("services").replaceChildren(...services.flatMap(s => {
      const st = S.services.get(s.code);
      const count = el("span", "count", st && st.open ? TEXT.people(st.waiting) : TEXT.closed);
      count.dataset.service = s.code;
      return [el("span", "name", LANG === "en" ? s.name_en : s.name_zh), count];
    }));
  }
  function pad(n) { return String(n).padStart(2, "0"); }
  function hms(d) { return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`; }
  function renderLink() {
    const banner = $("banner");
    const offline = S.link !== "online" && S.everOnline;
    if (offline) { banner.textContent = TEXT.lost(S.lastContact ? hms(S.lastContact) : "—"); banner.hidden = false; }
    else if (!S.hall) { banner.textContent = TOKEN ? TEXT.connecting : TEXT.noToken; banner.hidden = false; }
    else banner.hidden = true;
    $("body").classList.toggle("stale", offline);
    document.body.dataset.link = S.link;
  }
  function tick() {
    const now = new Date();
    $("date").textContent = TEXT.date(now);
    $("time").textContent = hms(now);
  }

  // ------------------------------------------------------------ link: WebSocket, liveness, reconnect
  let ws = null, attempts = 0, ids = 0, liveTimer = null, liveDeadline = null;
  function setLink(state) { S.link = state; if (state === "online") S.everOnline = true; renderLink(); }
  function send(obj) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(obj)); }
  function resync() {
    if (S.resyncId) return;
    S.resyncId = "resync-" + (++ids);
    send({ type: "get_snapshot", id: S.resyncId });
  }
  function connect() {
    if (!TOKEN) { renderLink(); return; }
    setLink("connecting");
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const sock = new WebSocket(`${proto}//${location.host}/ws?token=${encodeURIComponent(TOKEN)}`);
    ws = sock;
    sock.onmessage = ev => {
      if (sock !== ws) return;
      S.lastContact = new Date();
      clearTimeout(liveDeadline);
      let msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      if (msg.type === "snapshot") {
        attempts = 0; S.resyncId = null; applySnapshot(msg); setLink("online");
        clearInterval(liveTimer);
        liveTimer = setInterval(checkLive, LIVE_EVERY_MS);
      } else if (msg.type === "change") applyChange(msg);
      else if (msg.type === "result" && msg.id && msg.id === S.resyncId) { S.resyncId = null; applySnapshot(msg.data); }
      else if (msg.type === "result" && msg.id && msg.id.startsWith("live-")) {
        if (msg.data && S.version !== null && msg.data.version > S.version) resync();
      } else if (msg.type === "error" && msg.id === S.resyncId) { S.resyncId = null; sock.close(); }
    };
    sock.onclose = () => {
      if (sock !== ws) return;
      ws = null; S.resyncId = null;
      clearInterval(liveTimer); clearTimeout(liveDeadline);
      setLink("offline");
      const base = Math.min(10000, 500 * 2 ** Math.min(attempts++, 10));
      setTimeout(connect, base * (0.75 + Math.random() * 0.5));
    };
  }
  // Browsers cannot send WebSocket pings: a cheap request whose reply must come back in time.
  function checkLive() {
    send({ type: "ping", id: "live-" + (++ids) });
    clearTimeout(liveDeadline);
    liveDeadline = setTimeout(() => { if (ws) ws.close(); }, LIVE_TIMEOUT_MS);
  }

  // ------------------------------------------------------------ sound: the same WAV clips, one call at a time
  const queue = [];
  let ctx = null, playing = false;
  const buffers = new Map();
  function audio() {
    if (SILENT) return null;
    if (!ctx) {
      const AC = window.AudioContext || window.webkitAudioContext;
      if (!AC) return null;
      ctx = new AC();
    }
    return ctx;
  }
  async function clip(key) {
    if (!buffers.has(key)) {
      buffers.set(key, fetch(`/static/clips/${encodeURIComponent(key)}.wav`)
        .then(r => { if (!r.ok) throw new Error(`clip ${key}: HTTP ${r.status}`); return r.arrayBuffer(); })
        .then(b => ctx.decodeAudioData(b)));
    }
    return buffers.get(key);
  }
  async function speak(item) {
    const ac = audio();
    if (!ac) return;
    if (ac.state === "suspended") { try { await ac.resume(); } catch (e) { /* needs a gesture */ } }
    if (ac.state !== "running") { $("soundHint").hidden = false; return; }
    const bufs = await Promise.all(item.parts.map(clip));
    const callLen = callParts(item.number, item.window).length;
    let t = ac.currentTime + 0.05, spoken = 0;
    bufs.forEach((b, i) => {
      const src = ac.createBufferSource();
      src.buffer = b; src.connect(ac.destination); src.start(t);
      t += b.duration;
      if (item.parts[i] === "chime") t += CHIME_GAP;
      else { spoken++; t += spoken % callLen === 0 ? REPEAT_GAP : WORD_GAP; }
    });
    item.duration = t - ac.currentTime;
    await new Promise(res => setTimeout(res, item.duration * 1000));
  }
  async function pump() {
    if (playing) return;
    playing = true;
    try {
      while (queue.length) {
        const item = queue.shift();
        try { await speak(item); } catch (e) { console.error("announcement failed", e); }
        S.played++;
      }
    } finally { playing = false; }
  }
  document.addEventListener("click", () => { const ac = audio(); if (ac) ac.resume().then(() => { $("soundHint").hidden = true; }); });

  // ------------------------------------------------------------ start
  document.documentElement.lang = LANG === "en" ? "en" : "zh-CN";
  for (const e of document.querySelectorAll("[data-t]")) e.textContent = TEXT[e.dataset.t];
  if (NOTICE) {
    const t = $("tickerText");
    t.append(el("span", "", NOTICE), el("span", "", NOTICE));
    $("ticker").hidden = false;
  }
  tick();
  setInterval(tick, 1000);
  renderLink();
  connect();
  window.hallqDisplay = { state: S, queue, clipSequence: announcementParts, callParts, windowParts, ticketParts,
                          audioState: () => (ctx ? ctx.state : "none") };
})();
