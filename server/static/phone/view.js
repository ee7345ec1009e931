// The phone screen as a pure function of the ticket's public entry, the language and the rating form's state.
import { TEXTS } from './i18n.js';

const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

export function windowName(e, lang) {
  return (lang === 'en' ? e.window_name_en : e.window_name_zh) || e.window_name_zh || (e.window ? `#${e.window}` : '');
}

function recentCalls(e, t, lang) {
  const rows = (e.recent_calls || []).map(c =>
    `<li><span class="n">${esc(c.number)}</span><span class="w">${esc(lang === 'en' ? c.window_name_en : c.window_name_zh)}</span></li>`);
  return `<section class="recent"><h2>${t.recent}</h2>${rows.length ? `<ul>${rows.join('')}</ul>` : `<p class="muted">${t.noCalls}</p>`}</section>`;
}

// The hall's lists in the page's language: an English item by position, the Chinese where the server sent none.
function inLang(zh, en, lang) {
  return (zh || []).map((z, i) => (lang === 'en' && en && en[i]) || z);
}

function materials(e, t, lang) {
  const items = inLang(e.materials, e.materials_en, lang).map(m => `<li>${esc(m)}</li>`);
  return `<section class="materials"><h2>${t.materials}</h2>${items.length ? `<ul>${items.join('')}</ul>` : `<p class="muted">${t.noMaterials}</p>`}</section>`;
}

// 一票到底: the bundle's steps in order, each done, current, next, or off (the bundle ended before it).
function steps(e, t, lang) {
  if (!(e.steps || []).length) return '';
  const name = lang === 'en' ? e.bundle_name_en : e.bundle_name_zh;
  const rows = e.steps.map((s, i) =>
    `<li class="step ${esc(s.state)}" data-state="${esc(s.state)}"><span class="mark">${t.stepMark[s.state] ?? ''}</span>` +
    `<span class="name">${i + 1}. ${esc(lang === 'en' ? s.name_en : s.name_zh)}</span>` +
    `<span class="state">${t.stepState[s.state] ?? esc(s.state)}</span></li>`);
  return `<section id="steps" class="steps"><h2>${t.stepsTitle(esc(name))}</h2><ol>${rows.join('')}</ol></section>`;
}

// 一票到底: while the next step waits, the step just finished is rated on its own (扫码评价).
function stepRating(e, t, lang, form) {
  if (!e.rate_step) return '';
  const name = esc(lang === 'en' ? e.rate_step.name_en : e.rate_step.name_zh);
  return rating(e, t, { ...form, lang }, t.rateStep(name));
}

function head(e, t, lang) {
  const service = lang === 'en' ? e.service_name_en : e.service_name_zh;
  return `<div class="ticket"><p class="label">${t.number}</p><p id="number" class="number">${esc(e.number)}</p>` +
    `<p class="service">${esc(service)}</p><p id="status" class="status">${t.status[e.status] ?? esc(e.status)}</p></div>`;
}

function rating(e, t, form, title = t.rateTitle) {
  if (form.sent || e.rated) return `<section class="rating"><p id="rated" class="big">${form.sent ? t.thanks : t.rated}</p></section>`;
  if (!e.rating_levels) return '';
  const lang = form.lang;
  const levels = e.rating_levels.map(([k, zh, en]) =>
    `<button type="button" class="level${form.level === k ? ' on' : ''}" data-level="${k}" aria-pressed="${form.level === k}">` +
    `<span class="stars">${'★'.repeat(k)}${'☆'.repeat(5 - k)}</span><span>${esc(lang === 'en' ? en : zh)}</span></button>`).join('');
  const low = form.level !== null && form.level <= 2;
  const shown = inLang(e.rating_reasons, e.rating_reasons_en, lang);
  const reasons = low ? `<h3>${t.reasonTitle}</h3><div class="reasons">` + (e.rating_reasons || []).map((r, i) =>
    `<button type="button" class="reason${form.reason === r ? ' on' : ''}" data-reason="${esc(r)}" aria-pressed="${form.reason === r}">${esc(shown[i])}</button>`).join('') + '</div>' : '';
  const ready = form.level !== null && (!low || form.reason);
  return `<section class="rating"><h2>${title}</h2><div class="levels">${levels}</div>${reasons}` +
    `<button type="button" id="send" class="send"${ready && !form.busy ? '' : ' disabled'}>${t.send}</button>` +
    (form.error ? `<p class="error" role="alert">${t.rateFailed}</p>` : '') + '</section>';
}

/** The page for one entry: { html, tone } (tone: the body's colour scheme). */
export function render(e, lang, form) {
  const t = TEXTS[lang];
  const w = esc(windowName(e, lang));
  switch (e.status) {
    case 'waiting': {
      const [lo, hi] = e.wait_range || [0, 0];
      return { tone: 'waiting', html: head(e, t, lang) +
        `<div class="where"><p id="ahead" class="big">${t.ahead(e.people_ahead)}</p><p id="estimate">${t.estimate(lo, hi)}</p></div>` +
        steps(e, t, lang) + stepRating(e, t, lang, form) + materials(e, t, lang) + recentCalls(e, t, lang) };
    }
    case 'called':
      return { tone: 'called', html: `<div class="callout"><p id="goto" class="goto">${t.goTo(`<b>${w}</b>`)}</p>` +
        `<p id="number" class="number">${esc(e.number)}</p><p class="now">${t.goToNow}</p></div>` };
    case 'serving':
      return { tone: 'serving', html: head(e, t, lang) + `<div class="where"><p id="where" class="big">${t.servingAt(`<b>${w}</b>`)}</p></div>` + steps(e, t, lang) };
    case 'suspended': {
      const bw = w ? `<b>${w}</b>` : '';
      const line = e.suspend_kind === 'hold' && w ? t.suspendedHold(bw) : e.suspend_kind === 'wait' && w ? t.suspendedWait(bw) : t.suspendedAt(bw);
      const bring = (e.bring || []).length
        ? `<section class="materials"><h2>${t.bring}</h2><ul>${inLang(e.bring, e.bring_en, lang).map(b => `<li>${esc(b)}</li>`).join('')}</ul></section>`
        : e.suspend_kind === 'away' || !e.suspend_kind ? materials(e, t, lang) : '';
      return { tone: 'suspended', html: head(e, t, lang) + `<div class="where"><p id="where" class="big">${line}</p></div>` + bring + steps(e, t, lang) };
    }
    case 'no_show':
      return { tone: 'ended', html: head(e, t, lang) + `<div class="where"><p id="where" class="big">${t.noShow}</p></div>` + steps(e, t, lang) + recentCalls(e, t, lang) };
    case 'done':
      return { tone: 'done', html: head(e, t, lang) + rating(e, t, { ...form, lang }) + steps(e, t, lang) };
    case 'cancelled':
      return { tone: 'ended', html: head(e, t, lang) + `<div class="where"><p id="where" class="big">${t.cancelled}</p></div>` };
    default:
      return { tone: 'ended', html: head(e, t, lang) + `<div class="where"><p id="where" class="big">${t.expired}</p></div>` };
  }
}
