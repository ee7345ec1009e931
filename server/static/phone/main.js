// The phone page's wiring: the ticket's entry (inline at load, then over SSE), the language, the call alert, 扫码评价.
import { TEXTS, pickLang } from './i18n.js';
import { render } from './view.js';

const base = location.pathname.replace(/\/+$/, '');  // /t/<public id>
const state = { entry: null, lang: pickLang(location.search, safeGet('hallq-lang')), link: 'connecting',
                form: { level: null, reason: '', busy: false, sent: false, error: false }, alerted: null, audio: null };
window.hallqPhone = { state };

function safeGet(k) { try { return localStorage.getItem(k); } catch { return null; } }
function safeSet(k, v) { try { localStorage.setItem(k, v); } catch { /* private mode */ } }

function draw() {
  const t = TEXTS[state.lang];
  document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
  document.getElementById('lang').textContent = t.langButton;
  const banner = document.getElementById('banner');
  banner.hidden = state.link !== 'offline';
  banner.textContent = t.offline;
  document.body.dataset.link = state.link;
  const e = state.entry;
  if (!e) return;
  document.title = `${e.number} · ${t.title}`;
  document.getElementById('hall').textContent = state.lang === 'en' ? e.hall_name_en : e.hall_name_zh;
  const { html, tone } = render(e, state.lang, state.form);
  document.body.dataset.status = tone;
  document.getElementById('app').innerHTML = html;
  drawSms(e, t);
}

// The opt-in lives outside #app: a push redraws the ticket, never the number being typed.
function drawSms(e, t) {
  const box = document.getElementById('sms');
  box.hidden = (!['waiting', 'suspended'].includes(e.status) || e.sms_available === false) && !e.sms;
  document.getElementById('smsTitle').textContent = t.smsTitle;
  const on = document.getElementById('smsOn');
  on.hidden = !e.sms;
  on.textContent = e.sms ? t.smsOn(e.sms) : '';
  document.getElementById('smsForm').hidden = Boolean(e.sms);
  document.getElementById('smsPhone').placeholder = t.smsPlaceholder;
  document.getElementById('smsConsentText').textContent = t.smsConsent;
  document.getElementById('smsSend').textContent = t.smsButton;
  const err = document.getElementById('smsError');
  err.hidden = !state.smsError;
  err.textContent = state.smsError ? t[state.smsError] : '';
}

async function optIn(ev) {
  ev.preventDefault();
  const phone = document.getElementById('smsPhone').value.replace(/[\s-]/g, '');
  const consent = document.getElementById('smsConsent').checked;
  if (!/^1\d{10}$/.test(phone) || !consent) { state.smsError = 'smsBad'; draw(); return; }
  try {
    const r = await fetch(`${base}/notify`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                               body: JSON.stringify({ phone, consent }) });
    const body = await r.json();
    if (r.ok) { state.smsError = null; state.entry = { ...state.entry, sms: body.masked }; }
    else state.smsError = r.status === 400 ? 'smsBad' : 'smsFailed';
  } catch { state.smsError = 'smsFailed'; }
  draw();
}

function alertCall(e) {
  // Once per call and per recall; vibration and a tone where the browser allows.
  const key = `${e.status}:${e.window}:${e.recalls}`;
  if (e.status !== 'called' || state.alerted === key) return;
  state.alerted = key;
  document.body.classList.remove('flash');
  void document.body.offsetWidth;
  document.body.classList.add('flash');
  try { navigator.vibrate?.([400, 150, 400, 150, 400]); } catch { /* not allowed */ }
  beep();
}

function beep() {
  try {
    const ctx = state.audio || (state.audio = new (window.AudioContext || window.webkitAudioContext)());
    if (ctx.state === 'suspended') ctx.resume();
    const t0 = ctx.currentTime;
    for (const [i, f] of [[0, 880], [1, 660], [2, 880]]) {
      const o = ctx.createOscillator(), g = ctx.createGain();
      o.frequency.value = f; o.connect(g); g.connect(ctx.destination);
      g.gain.setValueAtTime(0.3, t0 + i * 0.35); g.gain.exponentialRampToValueAtTime(0.001, t0 + i * 0.35 + 0.3);
      o.start(t0 + i * 0.35); o.stop(t0 + i * 0.35 + 0.32);
    }
  } catch { /* no audio */ }
}

function accept(e) {
  // 一票到底: each step is a visit rated on its own: a new step starts with a fresh rating form.
  if (state.entry && e.step !== state.entry.step) state.form = { level: null, reason: '', busy: false, sent: false, error: false };
  state.entry = e;
  draw();
  alertCall(e);
}

function connect() {
  const source = new EventSource(`${base}/events`);
  source.onopen = () => { state.link = 'online'; draw(); };
  source.onmessage = m => { state.link = 'online'; accept(JSON.parse(m.data)); };
  source.onerror = () => {
    state.link = 'offline'; draw();
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3000);  // e.g. a 404 after the day closed
  };
}

async function sendRating() {
  const f = state.form;
  f.busy = true; f.error = false; draw();
  try {
    const r = await fetch(`${base}/rate`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                             body: JSON.stringify({ level: f.level, reason: f.level <= 2 ? f.reason : '' }) });
    const body = await r.json();
    if (r.ok || body.code === 'already_rated') f.sent = true; else f.error = true;
  } catch { f.error = true; }
  f.busy = false; draw();
}

document.getElementById('smsForm').addEventListener('submit', optIn);
document.getElementById('lang').addEventListener('click', () => {
  state.lang = state.lang === 'zh' ? 'en' : 'zh';
  safeSet('hallq-lang', state.lang);
  draw();
});
document.getElementById('app').addEventListener('click', ev => {
  const b = ev.target.closest('button');
  if (!b) return;
  if (b.dataset.level) { state.form.level = Number(b.dataset.level); state.form.reason = ''; draw(); }
  else if (b.dataset.reason !== undefined) { state.form.reason = b.dataset.reason; draw(); }
  else if (b.id === 'send') sendRating();
});
// Browsers allow sound only after a touch: the first one unlocks it for the call.
document.addEventListener('pointerdown', () => {
  try { state.audio ??= new (window.AudioContext || window.webkitAudioContext)(); state.audio.resume(); } catch { /* none */ }
}, { once: true });

const initial = document.getElementById('initial');
if (initial) accept(JSON.parse(initial.textContent));
draw();
connect();
