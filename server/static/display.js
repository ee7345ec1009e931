// The hallq wall display in a browser: the same protocol, screen and spoken calls as the Qt app (hall_display/).
// Rules kept in step with the Qt side: versions move by exactly +1 (a gap asks for a snapshot), each
// announcement (ticket, recall) is spoken once even across reconnects, and speech never delays the screen;
// the newest call's number is 12% of the screen's height, the lists page, no text is ever cut; every time
// shown is the hall's (its timezone, the server's clock); windows are named and spoken as their signs read.
"use strict";
import { HallLink, wsUrl } from "/static/link.js";

(function () {
  const params = new URLSearchParams(location.search);
  const TOKEN = params.get("token") || "";
  const ZONE = params.get("zone") || "";
  const LANG = params.get("lang") === "en" ? "en" : "zh";
  const REPEAT = Math.min(5, Math.max(1, parseInt(params.get("repeat") || "2", 10) || 2));
  const SILENT = params.get("silent") === "1";
  const NOTICE = params.get("notice") || "";
  // Heartbeat: health and version every N s (?heartbeat=, default 30); 3 missed and the console shows it stale.
  const HEARTBEAT_S = Math.max(0.2, parseFloat(params.get("heartbeat") || "30") || 30);
  const VERSION = "web " + ((navigator.userAgent.match(/(Chrome|Firefox|Version)\/[\d.]+/) || [""])[0]);
  const BIG_ROWS = 4, RECENT_ROWS = 8, RECENT_KEEP = 20, HIGHLIGHT_MS = 8000, PAGE_MS = 6000;
  // As hall_display/widgets/board.py: cap heights as shares of the screen.
  const HERO_CAP = 0.12, NAME_CAP = 0.12, NAME_FLOOR = 0.08, ROW_CAP = 0.05;
  const LIVE_EVERY_MS = 15000, LIVE_TIMEOUT_MS = 10000;
  const WORD_GAP = 0.06, CHIME_GAP = 0.35, REPEAT_GAP = 0.8;  // seconds, as hall_display/clips.py

  const TEXT = {
    zh: { caption: "请以下号码到窗口办理", empty: "暂无呼叫", recent: "最近呼叫", waiting: "等候人数", recall: "重呼",
          people: n => `${n} 人`, closed: "暂停", lost: t => `连接中断 · 最后更新 ${t}`, connecting: "正在连接服务器…",
          sound: "点击屏幕启用声音", window: n => `${n}号窗口`, noToken: "缺少 token 参数：/display?token=…",
          date: p => `${p.year}年${+p.month}月${+p.day}日 星期${"日一二三四五六"[p.wd]}` },
    en: { caption: "Please go to your window", empty: "No calls yet", recent: "Recent calls", waiting: "Waiting",
          recall: "Recall", people: n => `${n}`, closed: "Closed", lost: t => `Connection lost · last update ${t}`,
          connecting: "Connecting to the server…", sound: "Click to enable sound", window: n => `Window ${n}`,
          noToken: "missing token: /display?token=…",
          date: p => `${p.weekday}, ${+p.day} ${p.monthName} ${p.year}` },
  }[LANG];

  // ------------------------------------------------------------ what a call says (hall_display/speech.py)
  // Sign words with a clip, longest first (号窗口 is one natural phrase); a sign with any other word is
  // said as "N号窗口".
  const SIGN = Object.entries({ "号窗口": "hao_chuangkou", "号": "hao", "窗口": "chuangkou", "窗": "chuang",
    "综合": "zonghe", "咨询": "zixun", "台": "tai", "绿色": "lvse", "通道": "tongdao", "服务": "fuwu",
    "受理": "shouli", "专": "zhuan", "区": "qu", "柜": "gui", "办": "ban" }).sort((a, b) => b[0].length - a[0].length);
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
  function nameParts(name) {
    const parts = [];
    let i = 0;
    while (i < name.length) {
      const c = name[i];
      if (/[0-9]/.test(c)) {
        let j = i;
        while (j < name.length && /[0-9]/.test(name[j])) j++;
        parts.push(...windowParts(parseInt(name.slice(i, j), 10)));
        i = j;
      } else if (/[A-Za-z]/.test(c)) { parts.push(c.toUpperCase()); i++; }
      else if (/\s/.test(c) || "-·・()（）".includes(c)) i++;
      else {
        const word = SIGN.find(([w]) => name.startsWith(w, i));
        if (!word) return null;
        parts.push(word[1]);
        i += word[0].length;
      }
    }
    return parts.length ? parts : null;
  }
  function windowNameParts(w, name) {
    return (name ? nameParts(name) : null) || [...windowParts(w), "hao_chuangkou"];
  }
  function callParts(number, w, name = "") {
    return ["qing", ...ticketParts(number), "hao", "dao", ...windowNameParts(w, name), "banli"];
  }
  function announcementParts(number, w, repeat, name = "") {
    const call = callParts(number, w, name), out = ["chime"];
    for (let i = 0; i < Math.max(1, repeat); i++) out.push(...call);
    return out;
  }

  // ------------------------------------------------------------ state
  const S = {
    hall: null, services: new Map(), recent: [], everOnline: false, zoneWindows: null, zoneServices: null,
    highlight: null, announcedVersion: -1, announcedKeys: new Set(), spoken: [], played: 0, skew: 0, page: { recent: 0, services: 0 },
  };
  const $ = id => document.getElementById(id);
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };

  function applySnapshot(snap) {
    if (snap.version < S.announcedVersion) { S.announcedVersion = snap.version; S.announcedKeys = new Set(); }
    S.hall = snap.hall;
    // The server's clock, not the device's: tickets carry the server's time (the transfer takes well under a second).
    const now = Date.parse(snap.now);
    if (!Number.isNaN(now)) S.skew = now - Date.now();
    S.services = new Map(snap.services.map(s => [s.code, s]));
    S.recent = snap.recent_calls.slice(-RECENT_KEEP);
    S.notice = snap.notice || null;  // a notice a supervisor posted (older servers send none)
    if (ZONE) {
      const ws = snap.hall.windows.filter(w => w.zone === ZONE);
      if (!ws.length) console.warn("no window is in zone", ZONE);
      S.zoneWindows = new Set(ws.map(w => w.id));
      S.zoneServices = new Set(ws.flatMap(w => w.services));
    } else { S.zoneWindows = S.zoneServices = null; }
    render();
    renderTicker();
    tick();
  }

  function applyChange(ch) {  // in order: the link checked its version (and announced it already)
    for (const e of ch.events || []) if (e.type === "day_started") S.recent = [];
    for (const s of ch.services || []) S.services.set(s.code, s);
    for (const a of ch.announcements || []) {
      S.recent.push({ ticket_id: a.ticket_id, number: a.number, service: a.service, window: a.window, at: a.at, recall: a.recall || 0 });
    }
    S.recent = S.recent.slice(-RECENT_KEEP);
    if (ch.notice) S.notice = ch.notice.text_zh || ch.notice.text_en ? ch.notice : null;  // empty: taken down
    render();
    renderTicker();
  }

  // The ticker: the notice a supervisor posted (while it lasts, on the hall's clock), then this page's own (?notice=).
  let tickerShown = null;
  function renderTicker() {
    const n = S.notice;
    // An English screen shows no Chinese: a notice posted in Chinese only is not shown there.
    const posted = n && (!n.until || hallNow() < Date.parse(n.until)) ? (LANG === "en" ? n.text_en : n.text_zh) : "";
    // This page's own notice (?notice=, in its language) stands in for the hall's standing one (its configuration).
    const own = NOTICE || (S.hall ? (LANG === "en" ? S.hall.display_notice_en : S.hall.display_notice_zh) || "" : "");
    const text = [posted, own].filter(Boolean).join(LANG === "en" ? "   \u00b7   " : "\u3000\u3000");
    if (text === tickerShown) return;
    tickerShown = text;
    const t = $("tickerText");
    t.replaceChildren(...(text ? [el("span", "", text), el("span", "", text)] : []));
    $("ticker").hidden = !text;
    if (S.hall) layout();
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
    const name = a.window_name_zh || "";
    if (name && !nameParts(name)) console.warn("no clips for every word of", name, "- announced as window", a.window);
    const parts = announcementParts(a.number, a.window, REPEAT, name);  // the chime, then the call REPEAT times
    const item = { number: a.number, window: a.window, name, recall: a.recall || 0, parts,
                   callLength: (parts.length - 1) / REPEAT };
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
  // At a busy moment changes arrive by the hundred a second, and a layout measures the page (~20 ms
  // on a 30-service hall, more on a TV's browser): draw at most every DRAW_MS, as the Qt board does.
  const DRAW_MS = 50;
  let drawTimer = null, lastDraw = -Infinity;
  function render() {
    if (drawTimer !== null) return;
    drawTimer = setTimeout(() => { drawTimer = null; lastDraw = performance.now(); draw(); },
                           Math.max(0, lastDraw + DRAW_MS - performance.now()));
  }
  function draw() {
    if (!S.hall) return;
    $("body").hidden = false;
    $("hallName").textContent = LANG === "en" ? S.hall.name_en : S.hall.name_zh;
    const all = calls(), newest = all[0], rest = all.slice(1, BIG_ROWS + RECENT_ROWS);
    $("call").hidden = !newest;
    $("empty").hidden = !!newest;
    if (newest) {
      $("call").dataset.number = newest.number;
      $("number").textContent = newest.number;
      $("window").textContent = windowName(newest.window);
      $("tag").textContent = newest.recall ? TEXT.recall : "";
    }
    const fresh = newest && S.highlight && S.highlight.key === newest.ticket_id + "#" + (newest.recall || 0)
      && Date.now() < S.highlight.until;
    $("hero").classList.toggle("fresh", !!fresh);
    $("hero").classList.toggle("empty", !newest);
    $("recent").replaceChildren(...rest.flatMap((c, i) => [cell("n", c.number, i), cell("w", windowName(c.window), i)]));
    const services = S.hall.services.filter(s => S.zoneServices === null || S.zoneServices.has(s.code));
    $("services").replaceChildren(...services.flatMap((s, i) => {
      const st = S.services.get(s.code);
      const count = cell("count", st && st.open ? TEXT.people(st.waiting) : TEXT.closed, i);
      count.dataset.service = s.code;
      return [cell("name", LANG === "en" ? s.name_en : s.name_zh, i), count];
    }));
    layout();
  }
  function cell(cls, text, row) { const e = el("span", cls, text); e.dataset.row = row; return e; }

  // ------------------------------------------------------------ sizes and pages (hall_display/widgets/board.py)
  let capRatio = null;
  function capPx(cap) {
    // The font's cap height (a capital H as drawn) per pixel of size, measured once.
    if (capRatio === null) {
      const ctx = document.createElement("canvas").getContext("2d");
      ctx.font = `700 200px ${getComputedStyle(document.body).fontFamily}`;
      capRatio = ctx.measureText("H").actualBoundingBoxAscent / 200 || 0.72;
    }
    return Math.ceil(cap / capRatio);
  }
  function px(e) { return parseFloat(getComputedStyle(e).fontSize); }
  function lines(e) { return Math.round(e.getBoundingClientRect().height / (px(e) * 1.25)); }
  function overflows(e) { return e.scrollWidth > e.clientWidth + 1; }
  function layout() {
    const W = innerWidth, H = innerHeight, short = Math.min(W, H), u = short / 1080, board = $("board");
    const portrait = H > W;
    document.body.classList.toggle("portrait", portrait);
    board.style.setProperty("--u", `${u}px`);
    board.style.setProperty("--num", `${capPx(HERO_CAP * H)}px`);
    board.style.setProperty("--row", `${capPx(ROW_CAP * short)}px`);
    // The hall's name: one line if it can be (down to 30/52 of its size), else two.
    const name = $("hallName");
    name.style.fontSize = "";
    for (let f = px(name); f > 30 * u && lines(name) > 1; f *= 0.95) name.style.fontSize = `${f * 0.95}px`;
    // The number shrinks only if it would not fit the screen's width.
    const num = $("number");
    num.style.fontSize = "";
    while (!$("call").hidden && num.getBoundingClientRect().width > $("call").clientWidth && px(num) > 8) {
      num.style.fontSize = `${px(num) * 0.95}px`;
    }
    // The window's name: NAME_CAP of the shorter side, smaller down to NAME_FLOOR to stay on one line;
    // only a name too long for one line at NAME_FLOOR wraps, at NAME_FLOOR (a line more takes a list
    // row's height). Smaller still only if a word is wider than its box.
    const win = $("window"), floor = capPx(NAME_FLOOR * short);
    const setName = f => { board.style.setProperty("--name", `${f}px`); return lines(win) <= 1 && !overflows(win); };
    let f = capPx(NAME_CAP * short);
    if (!$("call").hidden && !setName(f)) {
      if (setName(floor)) {
        let lo = floor, hi = f;  // one line at lo, not at hi
        while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (setName(mid)) lo = mid; else hi = mid; }
        f = lo;
      } else f = floor;
      setName(f);
      while (f > 8 && overflows(win)) setName(f = Math.max(8, Math.floor(f * 0.96)));
    }
    // The lists: in portrait one above the other, split as splitHeight says; in landscape side by side,
    // the recent calls as wide as they need within 30-50%.
    const recentList = $("recentList"), lists = $("lists");
    recentList.style.flex = "";
    for (const rows of [$("recent"), $("services")]) rows.style.fontSize = "";  // as asked, not as a page shrank it
    if (portrait) {
      const gap = parseFloat(getComputedStyle(lists).rowGap) || 0;
      recentList.style.flex = `0 0 ${splitHeight(lists.clientHeight - gap, rowHeights($("recent")), rowHeights($("services")))}px`;
    } else {
      const need = naturalWidth($("recent")) + 2 * 18 * u;
      const share = Math.min(Math.max(need, 0.3 * lists.clientWidth), 0.5 * lists.clientWidth);
      recentList.style.flex = `0 0 ${Math.round(share)}px`;
    }
    paginate($("recent"), "recent");
    paginate($("services"), "services");
  }
  function naturalWidth(rows) {
    // The widest row with no cell wrapped: its cells side by side, plus the column gap.
    rows.classList.add("measuring");
    rows.style.gridTemplateColumns = "";  // not the widths the last layout kept (rowHeights)
    for (const c of rows.children) c.hidden = false;  // every page's rows (paginate hides them again)
    const widths = new Map();
    for (const c of rows.children) {
      const r = c.dataset.row, range = document.createRange();
      range.selectNodeContents(c);
      widths.set(r, (widths.get(r) || 0) + range.getBoundingClientRect().width);
    }
    rows.classList.remove("measuring");
    return Math.max(0, ...widths.values()) + parseFloat(getComputedStyle(rows).columnGap || "0");
  }
  function rowHeights(rows) {
    // Every row shown: the height its list needs besides its rows, each row's height (its tallest
    // cell), and the gap between rows (as PagedList.row_heights). The columns keep the widths every
    // row needs, on every page: a page of short numbers would otherwise widen the names' column, and
    // its rows would no longer be as tall as measured.
    rows.style.gridTemplateColumns = "";
    for (const c of rows.children) c.hidden = false;
    const heights = [];
    for (const c of rows.children) {
      const i = +c.dataset.row;
      heights[i] = Math.max(heights[i] || 0, c.getBoundingClientRect().height);
    }
    const cs = getComputedStyle(rows), out = { frame: rows.parentElement.getBoundingClientRect().height - rows.clientHeight,
                                               heights, gap: parseFloat(cs.rowGap) || 0 };
    rows.style.gridTemplateColumns = cs.gridTemplateColumns;  // as measured, so no new layout yet
    return out;
  }
  function pagesOf(heights, avail, gap) {
    // On each page as many rows as fit, in order (filling each page first needs the fewest pages).
    const pages = [];
    let used = Infinity;
    heights.forEach((h, i) => {
      if (used + h > avail + 0.5) { pages.push([]); used = 0; }
      pages[pages.length - 1].push(i);
      used += h + gap;
    });
    return pages;
  }
  function splitHeight(total, first, second) {
    // As hall_display/widgets/board.py split_height: where both lists can show their tallest row, the
    // height of the first at which they need the fewest pages together (then the most even count, then
    // the first at 40%); else in proportion to their tallest rows.
    const tallest = l => l.frame + Math.max(0, ...l.heights);
    const lo = Math.max(tallest(first), Math.round(0.2 * total)), hi = Math.min(total - tallest(second), Math.round(0.6 * total));
    if (lo > hi) return Math.round(total * tallest(first) / Math.max(1, tallest(first) + tallest(second)));
    let best = null;
    const step = Math.max(1, Math.floor(total / 200));
    for (let h = lo; h <= hi + step - 1; h += step) {
      const at = Math.min(h, hi);
      const a = pagesOf(first.heights, at - first.frame, first.gap).length;
      const b = pagesOf(second.heights, total - at - second.frame, second.gap).length;
      const key = [a + b, Math.abs(a - b), Math.abs(at - 0.4 * total), at];
      const d = best ? key.findIndex((k, i) => k !== best[i]) : -1;  // compared as tuples, the first field first
      if (!best || (d >= 0 && key[d] < best[d])) best = key;
    }
    return best[3];
  }
  function paginate(rows, key) {
    // Whole rows only: as many as fit the panel, the rest on the next pages. A row taller than the
    // whole panel makes this list's text smaller until it fits.
    rows.style.fontSize = "";
    let pages;
    for (let guard = 0; guard < 40; guard++) {
      const { heights, gap } = rowHeights(rows), avail = rows.clientHeight;
      pages = pagesOf(heights, avail, gap);
      const tooWide = [...rows.children].some(overflows);
      if ((Math.max(0, ...heights) <= avail + 0.5 && !tooWide) || px(rows) <= 8) break;
      rows.style.fontSize = `${px(rows) * 0.93}px`;
    }
    const n = Math.max(1, pages.length);
    S.page[key] = S.page[key] % n;
    const shown = new Set(pages[S.page[key]] || []);
    for (const c of rows.children) c.hidden = !shown.has(+c.dataset.row);
    rows.parentElement.querySelector(".page").textContent = n > 1 ? `${S.page[key] + 1}/${n}` : "";
    rows.dataset.pages = n;
  }
  function nextPage() {
    S.page.recent++;
    S.page.services++;
    if (S.hall) layout();
  }

  // ------------------------------------------------------------ the hall's clock
  function hallNow() { return new Date(Date.now() + S.skew); }
  function parts(d) {
    const tz = S.hall && S.hall.timezone;
    const get = (opts, locale = "en-GB") => {
      try { return new Intl.DateTimeFormat(locale, { timeZone: tz, ...opts }).formatToParts(d); }
      catch (e) { return new Intl.DateTimeFormat(locale, opts).formatToParts(d); }  // an unknown zone: the device's
    };
    const p = {};
    for (const x of get({ year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
                          second: "2-digit", weekday: "long", hourCycle: "h23" })) p[x.type] = x.value;
    p.monthName = get({ month: "long" }).find(x => x.type === "month").value;
    p.wd = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"].indexOf(p.weekday);
    return p;
  }
  function hms(d) { const p = parts(d); return `${p.hour}:${p.minute}:${p.second}`; }
  function renderLink() {
    const banner = $("banner");
    const state = link ? link.state : "connecting", lastContact = link && link.lastContact;
    const offline = state !== "online" && S.everOnline;
    if (offline) {
      banner.textContent = TEXT.lost(lastContact ? hms(new Date(lastContact.getTime() + S.skew)) : "—");
      banner.hidden = false;
    } else if (!S.hall) { banner.textContent = TOKEN ? TEXT.connecting : TEXT.noToken; banner.hidden = false; }
    else banner.hidden = true;
    $("body").classList.toggle("stale", offline);
    document.body.dataset.link = state;
    if (S.hall) layout();
  }
  function tick() {
    if (!S.hall) return;  // the hall's zone and clock come with the first snapshot
    const now = hallNow(), p = parts(now), date = TEXT.date(p);
    const resized = date !== $("date").textContent;
    $("date").textContent = date;
    $("time").textContent = `${p.hour}:${p.minute}:${p.second}`;
    if (resized) layout();
  }

  // ------------------------------------------------------------ link: the browser apps' one HallLink (link.js)
  let link = null;
  function setLink(state) {
    if (state === "online") { S.everOnline = true; heartbeat(); }
    renderLink();
  }
  function heartbeat() {
    if (link && link.state === "online") {
      link.send({ type: "report_device", kind: "display", state: "ready", detail: "browser", version: VERSION });
    }
  }
  function connect() {
    if (!TOKEN) { renderLink(); return; }
    link = new HallLink(wsUrl(`/ws?token=${encodeURIComponent(TOKEN)}`), {
      snapshot: applySnapshot, change: applyChange, state: setLink,
      preview: ch => { for (const a of ch.announcements || []) announce(a); },  // spoken even around a gap
    }, { liveEveryMs: LIVE_EVERY_MS, liveTimeoutMs: LIVE_TIMEOUT_MS });
    link.start();
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
    let t = ac.currentTime + 0.05, spoken = 0;
    bufs.forEach((b, i) => {
      const src = ac.createBufferSource();
      src.buffer = b; src.connect(ac.destination); src.start(t);
      t += b.duration;
      if (item.parts[i] === "chime") t += CHIME_GAP;
      else { spoken++; t += spoken % item.callLength === 0 ? REPEAT_GAP : WORD_GAP; }
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
  renderTicker();
  tick();
  setInterval(tick, 1000);
  setInterval(renderTicker, 1000);
  setInterval(heartbeat, HEARTBEAT_S * 1000);
  setInterval(nextPage, PAGE_MS);
  addEventListener("resize", () => { if (S.hall) layout(); });
  renderLink();
  connect();
  window.hallqDisplay = { state: S, queue, clipSequence: announcementParts, callParts, windowParts, ticketParts,
                          nameParts, nextPage, hallNow, audioState: () => (ctx ? ctx.state : "none") };
})();
