// SafeHarbor Bridge operator console: vanilla JS, no build step, nothing from another origin.
// Every value from the API is put on the page with textContent, never as HTML.
'use strict';

const state = { session: null, jurisdictions: [] };
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'onclick') e.addEventListener('click', v);
    else if (k === 'onsubmit') e.addEventListener('submit', v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function say(text, error) {
  const s = $('status');
  s.textContent = text || '';
  s.className = error ? 'error' : '';
}

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (state.session) headers['X-CSRF-Token'] = state.session.csrf;
  }
  const resp = await fetch('api/' + path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  let data = {};
  try { data = await resp.json(); } catch (e) { /* empty body */ }
  if (resp.status === 401 && path !== 'login' && path !== 'session') {
    state.session = null;
    showLogin('Your session ended: log in again.');
  }
  return { status: resp.status, data };
}

function has(role) {
  return state.session && state.session.roles.includes(role);
}

function when(iso) {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return '-';
  const neg = seconds < 0;
  let s = Math.abs(seconds);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const text = d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
  return neg ? `${text} ago` : text;
}

function num(v) {
  return v === null || v === undefined ? 'n/a' : String(Math.round(v));
}

function table(caption, headers, rows, id) {
  return el('table', { id },
    el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, rows.length ? rows : [el('tr', {}, el('td', { colspan: headers.length, text: 'None.' }))]));
}

function td(v, cls) {
  return el('td', { class: cls }, v instanceof Node ? v : (v === null || v === undefined ? '-' : String(v)));
}

function referralLink(id) {
  return el('a', { href: '#/referral/' + encodeURIComponent(id), text: id });
}

// ---------------------------------------------------------------- login

function showLogin(message) {
  $('nav').hidden = true;
  $('view').hidden = true;
  // nothing of the last user's pages stays in the document (a revealed referral least of all)
  $('view').replaceChildren();
  closeDialogs();
  $('login-view').hidden = false;
  say(message || '', !!message);
  $('username').focus();
}

async function login(ev) {
  ev.preventDefault();
  const r = await api('POST', 'login', { username: $('username').value, password: $('password').value });
  $('password').value = '';
  if (r.status !== 200) {
    say(r.data.error || 'Login failed', true);
    return;
  }
  state.session = r.data;
  say('');
  start();
}

async function logout() {
  await api('POST', 'logout', {});
  state.session = null;
  showLogin('Logged out.');
}

function start() {
  $('login-view').hidden = true;
  $('nav').hidden = false;
  $('view').hidden = false;
  $('who').textContent = `${state.session.user} (${state.session.roles.join(', ')})`;
  if (!location.hash || location.hash === '#') location.hash = '#/overview';
  else route();
}

// ---------------------------------------------------------------- views

async function overview(view) {
  const r = await api('GET', 'overview');
  if (r.status !== 200) return say(r.data.error || 'Could not read the overview', true);
  const o = r.data;
  state.jurisdictions = o.jurisdictions.map((j) => j.code);
  view.append(el('h2', { text: 'Overview' }),
    el('p', {}, `As of ${when(o.at)}. Queue depths, dead letters and quarantine are the broker's counts, read every 15 seconds (n/a: the broker has no such queue yet, or was not reachable).`));
  view.append(table('Jurisdictions', ['Jurisdiction', 'Bundle', 'Queue depth', 'Consumers', 'Dead letters', 'Quarantined',
    'Waiting (store)', 'Failed', 'Rejected', 'Delivered last hour', 'Delivered last day', 'Oldest waiting'],
  o.jurisdictions.map((j) => el('tr', { 'data-jurisdiction': j.code },
    el('th', { scope: 'row', text: j.code }),
    td(j.bundle + (j.sandbox ? ' (sandbox)' : '')),
    td(num(j.queueDepth), 'num'), td(num(j.consumers), 'num'),
    td(num(j.deadLetters), j.deadLetters > 0 ? 'num breached' : 'num'), td(num(j.quarantined), 'num'),
    td(j.waiting, 'num'), td(j.failed, 'num'), td(j.rejected, 'num'),
    td(j.deliveredLastHour, 'num'), td(j.deliveredLastDay, 'num'),
    td(j.oldestWaiting ? `${when(j.oldestWaiting)} (${duration(j.oldestWaitingSeconds)})` : '-'))), 'jurisdictions'));
  // a chart with its text alternative: the same figures as the table's "Delivered last day" column
  const max = Math.max(1, ...o.jurisdictions.map((j) => j.deliveredLastDay));
  const alt = o.jurisdictions.map((j) => `${j.code}: ${j.deliveredLastDay}`).join(', ') || 'no jurisdictions';
  view.append(el('figure', {},
    el('figcaption', { text: 'Delivered in the last day, per jurisdiction' }),
    el('div', { class: 'bars', role: 'img', 'aria-label': `Delivered in the last day: ${alt}` },
      o.jurisdictions.map((j) => [el('span', { 'aria-hidden': 'true', text: j.code }),
        el('div', { class: 'bar', 'aria-hidden': 'true', style: null, 'data-width': j.deliveredLastDay / max }),
        el('span', { 'aria-hidden': 'true', text: String(j.deliveredLastDay) })]))));
  view.querySelectorAll('.bar').forEach((b) => { b.style.width = `${Math.round(100 * Number(b.dataset.width))}%`; });
  view.append(table('Statutory clocks that have alerted, nearest their end first (breached first of all)',
    ['Referral', 'Jurisdiction', 'Rule', 'Whose clock', 'Level', 'Due', 'Time left', 'Status'],
    o.clocks.map((c) => el('tr', { class: c.breached ? 'breached' : (c.level === '90%' ? 'warn' : null) },
      td(referralLink(c.referralId)), td(c.jurisdiction), td(c.rule), td(c.clock === 'state' ? "the state's" : 'delivery (ours)'),
      td(c.level), td(when(c.due)), td(c.breached ? `breached ${duration(-c.secondsLeft).replace(' ago', '')} ago` : duration(c.secondsLeft)),
      td(c.status))), 'clocks'));
  // long operations started here or in the shell (harbor:operations): the bar and its text say the same
  view.append(table('Long operations in the last hour (bulk replay, NCANDS export, retention purge), newest first',
    ['Operation', 'Of', 'Started by', 'Progress', 'State', 'Started', 'Ended'],
    (o.operations || []).map((op) => el('tr', { class: op.state === 'failed' ? 'breached' : null, 'data-operation': String(op.id) },
      td(op.kind), td(op.subject), td(op.by),
      td(el('span', {}, el('progress', { max: op.total === null ? null : Math.max(1, op.total), value: op.total === null ? null : op.done,
        'aria-hidden': 'true' }), ' ', op.progress)),
      td(op.state), td(when(op.started)), td(op.finished ? `${when(op.finished)}: ${op.outcome}` : '-'))), 'operations'));
}

async function referrals(view, params) {
  const form = el('form', { class: 'search', id: 'search', onsubmit: (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const f of ['id', 'client', 'jurisdiction', 'status', 'from', 'to']) {
      const v = form.elements[f].value.trim();
      if (v) q.set(f, v);
    }
    location.hash = '#/referrals?' + q.toString();
  } },
  field('id', 'Referral id (or its start)', el('input', { id: 'q-id', name: 'id', value: params.get('id') || '' })),
  field('client', 'Hospital (client id)', el('input', { id: 'q-client', name: 'client', value: params.get('client') || '' })),
  field('jurisdiction', 'Jurisdiction', el('input', { id: 'q-jurisdiction', name: 'jurisdiction', placeholder: 'US-IL', value: params.get('jurisdiction') || '' })),
  field('status', 'Status', el('select', { id: 'q-status', name: 'status' }, el('option', { value: '', text: 'any' }),
    ['RECEIVED', 'QUEUED', 'ON_HOLD', 'NOT_SENT', 'DELIVERED', 'ACKNOWLEDGED', 'SCREENED_IN', 'SCREENED_OUT',
      'INVESTIGATION_OPENED', 'REJECTED', 'FAILED'].map((s) => el('option', { value: s, text: s, selected: params.get('status') === s })))),
  field('from', 'Received from (UTC)', el('input', { id: 'q-from', name: 'from', type: 'date', value: params.get('from') || '' })),
  field('to', 'to (UTC)', el('input', { id: 'q-to', name: 'to', type: 'date', value: params.get('to') || '' })),
  el('button', { type: 'submit', id: 'search-button', text: 'Search' }));
  view.append(el('h2', { text: 'Referrals' }), form);
  const r = await api('GET', 'referrals?' + params.toString());
  if (r.status !== 200) return say(r.data.error || 'Search failed', true);
  view.append(table(`Deliveries, newest first (at most ${r.data.limit})`,
    ['Referral', 'Received', 'Jurisdiction', 'Status', 'Attempts', 'State intake number', 'Reason'],
    r.data.referrals.map((d) => el('tr', { 'data-referral': d.referralId, 'data-jurisdiction': d.jurisdiction },
      td(referralLink(d.referralId)), td(when(d.received)), td(d.jurisdiction), td(d.status, 'status'), td(d.attempts, 'num'),
      td(d.stateIntakeNumber), td(d.reason))), 'results'));
}

// An operator's replay of one referral to one state, after a confirmation: from the hospital's submission through
// today's mappings, or the payload the last attempt sent, byte for byte (as harbor:replay --from output).
function replayButton(id, jurisdiction, from) {
  const fromOutput = from === 'output';
  return el('button', { type: 'button', class: fromOutput ? 'replay replay-output' : 'replay', 'data-jurisdiction': jurisdiction,
    text: fromOutput ? `Resend last attempt to ${jurisdiction}` : `Replay to ${jurisdiction}`,
    onclick: () => confirmThen(fromOutput
      ? `Send referral ${id} to ${jurisdiction} again, exactly as its last attempt sent it?`
      : `Send referral ${id} to ${jurisdiction} again, from the hospital's submission through today's mappings?`,
    async () => {
      const q = await api('POST', 'replay', { referralId: id, jurisdiction, from });
      if (q.status === 200) say(`Replay ${q.data.replayId} queued for ${jurisdiction} (from ${q.data.from}).`);
      else say(q.data.error || 'Replay refused', true);
    }) });
}

function field(name, label, input) {
  return el('div', {}, el('label', { for: input.id, text: label }), input);
}

async function referral(view, id) {
  const r = await api('GET', 'referrals/' + encodeURIComponent(id));
  view.append(el('h2', {}, 'Referral ', el('code', { text: id })));
  if (r.status !== 200) return say(r.data.error || 'Could not read the referral', true);
  const t = r.data;
  view.append(el('p', {}, `Received ${when(t.received)}${t.actionable ? '' : ' (nothing to report)'}.`));
  view.append(table('Status per jurisdiction', ['Jurisdiction', 'Status', 'State intake number', 'Reason', 'Updated', ''],
    t.deliveries.map((d) => el('tr', { 'data-jurisdiction': d.jurisdiction },
      el('th', { scope: 'row', text: d.jurisdiction }), td(d.status, 'status'), td(d.stateIntakeNumber), td(d.reason), td(when(d.updated)),
      td(has('operator') ? [replayButton(id, d.jurisdiction, 'submission'), ' ', replayButton(id, d.jurisdiction, 'output')] : ''))),
    'deliveries'));
  if (has('operator')) {
    const button = el('button', { type: 'button', id: 'reveal', 'aria-haspopup': 'dialog', text: 'Reveal personal data…' });
    button.addEventListener('click', () => askReveal(id, button));
    view.append(el('div', { class: 'reveal-bar' }, button));
  }
  view.append(table('Timeline', ['When (UTC)', 'What', 'Jurisdiction', 'Detail'],
    t.timeline.map((e) => el('tr', {}, td(when(e.at)), td(e.kind), td(e.jurisdiction), td(e.text))), 'timeline'));
  view.append(el('h3', { text: 'Stages as recorded' }), el('ol', { id: 'stages' }, t.stages.map((s) => el('li', { text: s }))));
  if (t.audit) {
    view.append(table('Audit records (auditor)', ['#', 'Recorded', 'Event', 'Action', 'Outcome', 'Who', 'Jurisdiction'],
      t.audit.map((a) => el('tr', {}, td(a.seq, 'num'), td(when(a.recorded)), td(a.event), td(a.action), td(a.outcome), td(a.agent),
        td(a.jurisdiction))), 'audit'));
  }
}

// ---------------------------------------------------------------- break glass

// The operator gives a reason (audited with the reveal); the referral is shown in a panel marked as revealed until
// Hide or until the page changes: it lives only in that panel's elements, never in a variable or in storage.
function askReveal(id, button) {
  const dialog = $('reveal-dialog');
  const reason = $('reveal-reason');
  reason.value = '';
  dialog.returnValue = '';
  dialog.onclose = async () => {
    const why = reason.value;
    reason.value = '';
    if (dialog.returnValue !== 'reveal' || !button.isConnected) {
      if (button.isConnected) button.focus();
      return;
    }
    const r = await api('POST', 'reveal', { referralId: id, reason: why });
    if (r.status !== 200) {
      say(r.data.error || 'Reveal refused', true);
      if (button.isConnected) button.focus();
      return;
    }
    if (button.isConnected) showRevealed(r.data, button); // left the page meanwhile: show nothing
  };
  dialog.showModal();
  reason.focus();
}

function showRevealed(data, button) {
  const hide = el('button', { type: 'button', id: 'reveal-hide', text: 'Hide' });
  const panel = el('section', { id: 'revealed', class: 'revealed', 'aria-labelledby': 'revealed-title' },
    el('h3', { id: 'revealed-title', tabindex: '-1', text: 'Personal data revealed (break-glass, audited)' }),
    el('p', { text: `Revealed to ${data.revealedBy} at ${when(data.revealedAt)} and recorded in the audit trail with the reason given. `
      + 'Hide it when you are done; it is not kept when you leave this page.' }),
    el('div', { id: 'revealed-data' }, describe(data.referral)),
    hide);
  hide.addEventListener('click', () => {
    panel.remove();
    button.hidden = false;
    button.focus();
    say('Personal data hidden.');
  });
  button.hidden = true;
  button.parentNode.after(panel);
  panel.querySelector('h3').focus();
}

// the canonical referral as nested lists, every value as text
function describe(value) {
  if (Array.isArray(value)) {
    return value.length ? el('ol', {}, value.map((v) => el('li', {}, describe(v)))) : '(none)';
  }
  if (value !== null && typeof value === 'object') {
    return el('dl', {}, Object.entries(value).map(([k, v]) => [el('dt', { text: k }), el('dd', {}, describe(v))]));
  }
  return value === null || value === undefined ? '-' : String(value);
}

function closeDialogs() {
  for (const d of document.querySelectorAll('dialog')) {
    if (d.open) d.close('');
  }
}

// ---------------------------------------------------------------- dead letters

async function deadLetters(view, params) {
  if (!state.jurisdictions.length) {
    const o = await api('GET', 'overview');
    if (o.status === 200) state.jurisdictions = o.data.jurisdictions.map((j) => j.code);
  }
  const chosen = params.get('jurisdiction') || state.jurisdictions[0] || '';
  const select = el('select', { id: 'dl-jurisdiction', name: 'jurisdiction' },
    state.jurisdictions.map((j) => el('option', { value: j, text: j, selected: j === chosen })));
  view.append(el('h2', { text: 'Dead letters' }),
    el('form', { class: 'search', onsubmit: (ev) => { ev.preventDefault(); location.hash = '#/dead-letters?jurisdiction=' + select.value; } },
      field('jurisdiction', 'Jurisdiction', select), el('button', { type: 'submit', id: 'dl-show', text: 'Show' })));
  if (!chosen) return;
  const r = await api('GET', 'dead-letters?jurisdiction=' + encodeURIComponent(chosen));
  if (r.status !== 200) return say(r.data.error || 'Could not read the dead letters', true);
  const letters = r.data.deadLetters;
  const onBroker = letters.filter((l) => l.where === 'broker').length;
  view.append(table(`Dead letters of ${chosen}: delivery gave up after its retries`,
    ['Referral', 'Dead-lettered', 'Where', 'Status', 'Reason'],
    letters.map((l) => el('tr', { 'data-referral': l.referralId },
      td(l.referralId ? referralLink(l.referralId) : '(no id)'), td(when(l.deadLettered)), td(l.where), td(l.status), td(l.reason))), 'dead-letters'));
  if (has('operator') && onBroker > 0) {
    const button = el('button', { type: 'button', id: 'replay-dead-letters', class: 'danger',
      text: `Replay the ${onBroker} dead letter(s) of ${chosen}`,
      onclick: () => confirmThen(`Move the ${onBroker} dead letter(s) of ${chosen} back onto its queue, to be delivered again?`, async () => {
        const q = await api('POST', 'replay', { jurisdiction: chosen, deadLetters: true });
        // 409: one is already running for this jurisdiction (another operator's, or this one's): follow that one
        if (q.status === 202 || (q.status === 409 && q.data.job)) await followReplay(q.data.job, chosen, button);
        else say(q.data.error || 'Replay refused', true);
      }) });
    view.append(button);
  } else if (!has('operator')) {
    view.append(el('p', { id: 'viewer-note', text: 'Replaying needs the operator role.' }));
  }
  if (letters.some((l) => l.where === 'store')) {
    view.append(el('p', { text: 'Dead letters that expired from the broker into the store are replayed one by one from their referral page.' }));
  }
}

// A bulk replay runs on the server; the page polls its job and shows a progress bar with the same figures as text.
async function followReplay(job, chosen, button) {
  const bar = el('progress', { id: 'replay-progress-bar', 'aria-describedby': 'replay-progress-text' }, 'counting');
  const text = el('span', { id: 'replay-progress-text', 'aria-live': 'polite' }, 'Counting the dead letters…');
  const box = el('div', { id: 'replay-progress' }, el('label', { for: 'replay-progress-bar', text: `Bulk replay of ${chosen}: ` }), bar, ' ', text);
  button.disabled = true;
  button.after(box);
  for (;;) {
    if (!box.isConnected) return; // the page changed: the replay goes on on the server, this page stops following it
    const r = await api('GET', 'jobs/' + encodeURIComponent(job));
    if (!box.isConnected) return;
    if (r.status !== 200) {
      button.disabled = false;
      return say(r.data.error || 'Lost track of the replay', true);
    }
    const j = r.data;
    if (j.total !== null && j.total !== undefined) {
      const shown = `moved ${j.done} of ${j.total}`;
      bar.max = Math.max(1, j.total);
      bar.value = j.total === 0 ? 1 : j.done;
      if (bar.textContent !== shown) bar.textContent = shown;
      if (text.textContent !== shown) text.textContent = shown;
    }
    if (j.state === 'done') {
      await route(); // the list again (route clears the status line, so the result is said after it)
      return say(`${j.queued.length} dead letter(s) of ${chosen} queued again.`);
    }
    if (j.state === 'failed') {
      button.disabled = false;
      return say(`The replay of ${chosen}'s dead letters stopped after ${j.done} of ${j.total === null ? '?' : j.total}`
        + ' (those are back on the queue); see the adapter\'s log.', true);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function confirmThen(text, action) {
  const dialog = $('confirm');
  $('confirm-text').textContent = text;
  dialog.returnValue = '';
  dialog.onclose = () => { if (dialog.returnValue === 'ok') action(); };
  dialog.showModal();
  $('confirm-cancel').focus();
}

// ---------------------------------------------------------------- routing

async function route() {
  if (!state.session) return;
  const hash = location.hash.slice(1) || '/overview';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  const view = $('view');
  closeDialogs();
  view.replaceChildren();
  say('');
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === '#' + path || (path.startsWith('/referral/') && a.id === 'nav-referrals')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (path === '/overview') await overview(view);
  else if (path === '/referrals') await referrals(view, params);
  else if (path.startsWith('/referral/')) await referral(view, decodeURIComponent(path.slice('/referral/'.length)));
  else if (path === '/dead-letters') await deadLetters(view, params);
  else view.append(el('p', { text: 'No such page.' }));
  const heading = view.querySelector('h2');
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}

window.addEventListener('hashchange', route);
document.addEventListener('DOMContentLoaded', async () => {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  const r = await api('GET', 'session');
  if (r.status === 200) {
    state.session = r.data;
    start();
  } else {
    showLogin();
  }
});
