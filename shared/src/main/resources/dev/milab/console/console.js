// The lab console's page: reads the lab's JSON API, never writes to the lab. No framework: DOM built with
// textContent only (nothing the lab returns is ever parsed as HTML).
'use strict';

const MAX_HOPS_SHOWN = 1000;
const hops = new Map();          // seq -> hop, the ones shown
let after = 0;                   // the last hop sequence received
let ready = { resources: false, directory: false, hops: false };

// --- small DOM helpers -------------------------------------------------------------------------------------------
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
const $ = (sel) => document.querySelector(sel);
function tag(ok, yes, no) { return el('span', { class: 'tag ' + (ok ? 'ok' : 'no') }, ok ? yes : no); }
function fillTable(selector, rows, columns, emptyText) {
  const body = $(selector + ' tbody');
  body.replaceChildren();
  if (rows.length === 0) {
    body.append(el('tr', {}, el('td', { colspan: columns, class: 'empty' }, emptyText)));
  }
  rows.forEach((r) => body.append(r));
}
function shortId(id) {
  // A resource id is long: keep what a learner reads (the last two segments), the whole in the title.
  if (!id) return '';
  const parts = id.split('/').filter(Boolean);
  return parts.length <= 2 ? id : '…/' + parts.slice(-2).join('/');
}
function mark(name) {
  ready[name] = true;
  if (ready.resources && ready.directory && ready.hops && !document.body.dataset.ready) {
    document.body.dataset.ready = 'true';
    document.body.dataset.readyAt = String(Math.round(performance.now()));
  }
}
async function getJson(path) {
  const r = await fetch(path, { cache: 'no-store' });
  if (!r.ok) throw new Error(path + ' answered ' + r.status);
  return r.json();
}

// --- resources -----------------------------------------------------------------------------------------------------
function showResources(v) {
  $('#subscription').textContent = 'Subscription ' + v.subscriptionId + ' · tenant ' + v.tenantId
    + ' · resource groups: ' + v.resourceGroups.map((g) => g.name + ' (' + g.location + ')').join(', ');
  fillTable('#vms', v.virtualMachines.map((vm) => el('tr', { 'data-vm': vm.name },
    el('th', { scope: 'row', title: vm.id }, vm.name),
    el('td', { class: 'identity' }, vm.identity.type),
    el('td', { class: 'id' }, vm.identity.principalId
      ? ['principalId ' + vm.identity.principalId, el('br'), 'clientId ' + vm.identity.clientId] : '—'),
    el('td', {}, vm.identity.userAssignedIdentities.length
      ? vm.identity.userAssignedIdentities.map((u) => el('div', { title: u.id }, u.name)) : '—'))),
  4, 'No virtual machines yet.');
  fillTable('#uais', v.userAssignedIdentities.map((u) => el('tr', { 'data-identity': u.name },
    el('th', { scope: 'row', title: u.id }, u.name),
    el('td', { class: 'id' }, u.principalId), el('td', { class: 'id' }, u.clientId),
    el('td', {}, u.attachedTo.length ? u.attachedTo.join(', ') : 'no VM'),
    el('td', {}, u.federatedCredentials.length ? u.federatedCredentials.map((f) =>
      el('div', {}, f.name + ': ' + f.issuer + ' / ' + f.subject)) : '—'))),
  5, 'No user-assigned identities.');
  const sqlRows = [];
  for (const s of v.sqlServers) {
    const dbs = s.databases.length ? s.databases : [{ name: '—', users: [] }];
    dbs.forEach((db, i) => sqlRows.push(el('tr', { 'data-server': s.name, 'data-database': db.name },
      i === 0 ? el('th', { scope: 'row', rowspan: dbs.length, title: s.id }, s.name, el('br'),
        el('span', { class: 'note' }, s.fqdn)) : null,
      i === 0 ? el('td', { rowspan: dbs.length }, s.entraAdmin
        ? [s.entraAdmin.login, el('br'), el('span', { class: 'mono' }, 'sid ' + s.entraAdmin.sid)]
        : tag(false, '', 'none: no Entra login works')) : null,
      el('td', {}, db.name),
      el('td', { class: 'users' }, db.users.length ? db.users.map((u) => el('div', { class: u.orphan ? 'orphan' : null },
        el('strong', {}, u.name), ' · ' + u.kind + (u.roles.length ? ' · ' + u.roles.join(', ') : ''),
        u.orphan ? [' ', tag(false, '', 'orphan: its identity is gone')] : null)) : 'no users'))));
  }
  fillTable('#sql', sqlRows, 4, 'No SQL servers.');
  fillTable('#vaults', v.keyVaults.map((k) => el('tr', {},
    el('th', { scope: 'row', title: k.id }, k.name), el('td', { class: 'id' }, k.uri), el('td', {}, k.permissionModel))),
  3, 'No key vaults.');
  fillTable('#role-assignments', v.roleAssignments.map((a) => el('tr', {
    class: a.orphan ? 'orphan' : null, 'data-role': a.role, 'data-principal': a.principal },
  el('th', { scope: 'row' }, a.role),
  el('td', { class: 'id', title: a.scope }, a.scope),
  el('td', {}, a.orphan ? [tag(false, '', a.principal), ' ', el('span', { class: 'mono' }, a.principalId)]
    : [a.principal, el('br'), el('span', { class: 'mono' }, a.principalId)]),
  el('td', {}, a.principalType))), 4, 'No role assignments.');
}

// --- directory -----------------------------------------------------------------------------------------------------
function showDirectory(d) {
  $('#tenant').textContent = 'Tenant ' + d.tenantId + ' · tokens say iss ' + d.issuer;
  fillTable('#principals', d.servicePrincipals.map((p) => el('tr', { 'data-principal': p.displayName },
    el('th', { scope: 'row', title: p.resourceId || '' }, p.displayName),
    el('td', {}, p.kind),
    el('td', { class: 'id' }, 'oid ' + p.objectId, el('br'), 'appid ' + p.appId),
    el('td', {}, p.credentials.length ? p.credentials.map((c) => el('div', {},
      c.kind + (c.description ? ' "' + c.description + '"' : '') + ', expires ' + c.expires.slice(0, 16).replace('T', ' ') + ' UTC ',
      c.expired ? tag(false, '', 'expired') : null)) : (p.credentialNote || 'none')),
    el('td', {}, p.federatedCredentials.length ? p.federatedCredentials.map((f) =>
      el('div', {}, f.name + ': ' + f.issuer + ' / ' + f.subject)) : '—'))),
  5, 'No service principals.');
  $('#signing-keys').replaceChildren(...d.signingKeys.map((k) => el('li', { class: 'mono' },
    'kid ' + k.kid + (k.signing ? ' (signs new tokens)' : ' (published, no longer signing)'))));
}

let refreshTimer = null;
let lastRefresh = 0;
async function refreshState() {
  refreshTimer = null;
  lastRefresh = Date.now();
  try {
    const [r, d] = await Promise.all([getJson('api/resources'), getJson('api/directory')]);
    showResources(r); mark('resources');
    showDirectory(d); mark('directory');
  } catch (e) {
    setStatus(false, 'Cannot read the lab: ' + e.message);
  }
}
function scheduleRefresh() {
  // Hops change the lab (a role assigned, a VM deleted): read it again, at most a few times a second.
  if (refreshTimer) return;
  refreshTimer = setTimeout(refreshState, Math.max(0, 300 - (Date.now() - lastRefresh)));
}

// --- live traffic ----------------------------------------------------------------------------------------------------
function hopItem(h) {
  const time = new Date(h.at).toISOString().slice(11, 23);
  return el('li', { class: 'hop fresh ' + (h.ok ? 'ok' : 'refused'), 'data-seq': h.seq, 'data-from': h.from,
    'data-to': h.to, 'data-ok': String(h.ok), 'data-at': h.at, 'data-shown-at': Date.now() },
  el('span', { class: 'seq' }, '#' + h.seq),
  el('span', { class: 'who' }, h.from), ' → ', el('span', { class: 'who' }, h.to), ': ',
  el('span', { class: 'request' }, h.request), ' → ',
  el('span', { class: 'answer ' + (h.ok ? 'ok' : 'no') }, (h.ok ? '' : 'refused: ') + h.outcome),
  el('span', { class: 'time' }, time),
  h.token ? el('button', { type: 'button', class: 'token', 'data-seq': h.seq,
    'aria-label': 'Show the token of hop ' + h.seq + (h.identity ? ' (' + h.identity + ')' : ''),
    onclick: () => showToken(h) }, 'token' + (h.identity ? ': ' + h.identity : '')) : null,
  h.decisions.length ? el('ul', { class: 'why' }, h.decisions.map((d) => el('li', { 'data-check': d.check },
    tag(d.passed, d.check + ' ✓', d.check + ' ✗'), ' ', d.detail))) : null);
}

function addHops(list, skipped) {
  if (list.length === 0) return;
  const box = $('#hops-box');
  const ol = $('#hops');
  const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 40;
  const fragment = document.createDocumentFragment();
  if (skipped > 0) fragment.append(el('li', { class: 'hop note' }, skipped + ' earlier hops are not shown.'));
  for (const h of list) {
    if (hops.has(h.seq)) continue;
    hops.set(h.seq, h);
    fragment.append(hopItem(h));
  }
  ol.append(fragment);
  while (ol.children.length > MAX_HOPS_SHOWN) {
    const first = ol.firstElementChild;
    hops.delete(Number(first.dataset.seq));
    first.remove();
  }
  $('#hop-count').textContent = after + ' hops so far';
  if ($('#follow').checked || atBottom) box.scrollTop = box.scrollHeight;
  scheduleDiagram();
  scheduleRefresh();
}

function setStatus(live, text) {
  const s = $('#status');
  s.className = 'status ' + (live ? 'live' : 'down');
  if (s.textContent !== text) s.textContent = text;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function follow() {
  // Long polling: the lab answers as soon as there is a hop after `after`, or after 4 s with none (inside the lab's 5 s request deadline).
  for (;;) {
    const asked = Date.now();
    const waited = ready.hops;
    try {
      const data = await getJson('api/hops?after=' + after + '&wait=' + (waited ? 4000 : 0));
      if (data.last < after) { // another lab on this address: start again
        after = 0; hops.clear(); $('#hops').replaceChildren();
        continue;
      }
      if (data.hops.length) after = data.hops[data.hops.length - 1].seq;
      addHops(data.hops, data.skipped);
      mark('hops');
      setStatus(true, 'Live: ' + after + ' hops');
      // An empty answer that came at once: the lab had no room to wait; ask again in a moment.
      if (data.hops.length === 0 && waited && Date.now() - asked < 1000) await sleep(1000);
    } catch (e) {
      setStatus(false, 'Lab not reachable (' + e.message + '); trying again…');
      await sleep(2000);
    }
  }
}

// --- sequence diagram ----------------------------------------------------------------------------------------------
const SVG = 'http://www.w3.org/2000/svg';
function svg(tagName, attrs, text) {
  const e = document.createElementNS(SVG, tagName);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
let diagramTimer = null;
let diagramCost = 0;
function scheduleDiagram() {
  // Drawn again at most a few times a second, less when drawing is slow (a flood of hops): the list comes first.
  if (diagramTimer) return;
  diagramTimer = setTimeout(async () => {
    try {
      const d = await getJson('api/diagram');
      const started = performance.now();
      drawDiagram(d);
      diagramCost = performance.now() - started;
    } catch (e) { /* the traffic list says the lab is down */ }
    diagramTimer = null;
  }, Math.max(250, diagramCost * 10));
}
function drawDiagram(d) {
  const box = $('#diagram-box');
  const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 40;
  const large = document.documentElement.classList.contains('large');
  const col = large ? 250 : 190, row = large ? 34 : 26, top = 50, pad = 20;
  const x = (name) => pad + col / 2 + d.participants.indexOf(name) * col;
  const width = pad * 2 + col * Math.max(1, d.participants.length);
  const height = top + (d.arrows.length + 1) * row + 10;
  const root = svg('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height });
  root.append(svg('title', {}, 'Sequence diagram: ' + d.participants.join(', ')));
  d.participants.forEach((p) => {
    const g = svg('g', { class: 'actor' });
    g.append(svg('rect', { x: x(p) - col / 2 + 6, y: 6, width: col - 12, height: 30, rx: 4 }));
    g.append(svg('text', { x: x(p), y: 26, 'text-anchor': 'middle' }, p));
    root.append(g, svg('line', { class: 'life', x1: x(p), y1: 36, x2: x(p), y2: height }));
  });
  d.arrows.forEach((a, i) => {
    const y = top + (i + 1) * row;
    const x1 = x(a.from), x2 = x(a.to);
    const hop = hops.get(a.seq);
    const g = svg('g', { class: 'arrow ' + a.kind, 'data-seq': a.seq });
    const dir = x2 >= x1 ? 1 : -1;
    g.append(svg('line', { x1, y1: y, x2: x2 - dir * 6, y2: y }));
    g.append(svg('path', { d: 'M' + x2 + ' ' + y + ' l' + (-dir * 9) + ' -5 v10 z',
      fill: a.kind === 'refusal' ? '#a4161a' : '#1b1b1b' }));
    if (a.kind === 'refusal') g.append(svg('text', { x: x2 + dir * 4, y: y + 4, 'text-anchor': dir > 0 ? 'start' : 'end' }, '×'));
    const text = a.text.length > 60 ? a.text.slice(0, 59) + '…' : a.text;
    g.append(svg('text', { x: (x1 + x2) / 2, y: y - 5, 'text-anchor': 'middle' }, text));
    g.append(svg('title', {}, '#' + a.seq + ' ' + a.from + ' → ' + a.to + ': ' + a.text));
    if (hop && hop.token && a.kind === 'request') {
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'button');
      g.setAttribute('aria-label', 'Token of hop ' + a.seq);
      g.addEventListener('click', () => showToken(hop));
      g.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); showToken(hop); } });
    }
    root.append(g);
  });
  box.replaceChildren(root);
  if (d.omitted > 0) box.prepend(el('p', { class: 'note' }, d.omitted + ' earlier hops are not drawn.'));
  box.setAttribute('aria-label', 'Sequence diagram of ' + d.arrows.length / 2 + ' hops between '
    + d.participants.join(', ') + '; the live traffic list above has the same as text');
  if ($('#follow').checked || atBottom) box.scrollTop = box.scrollHeight;
}

// --- tokens --------------------------------------------------------------------------------------------------------
const CLAIMS = {
  aud: 'audience: the one resource that may accept it', iss: 'issuer: the tenant that signed it',
  oid: 'object id of the identity: what RBAC and SQL match', appid: 'client id of the identity',
  sub: 'subject', tid: 'tenant id', xms_mirid: 'the Azure resource that holds this managed identity',
  idtyp: 'identity type', iat: 'issued at', nbf: 'not before', exp: 'expires: nobody accepts it after this',
  uti: 'token id', azp: 'client id (v2.0)', roles: 'app roles', scp: 'delegated scopes',
  kid: 'the signing key, as published in the tenant\'s JWKS', alg: 'signature algorithm', x5t: 'key thumbprint', typ: 'type',
};
function claimsTable(caption, obj) {
  const t = el('table', {}, el('caption', {}, caption),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Name'), el('th', { scope: 'col' }, 'Value'),
      el('th', { scope: 'col' }, 'Meaning'))));
  const body = el('tbody');
  for (const [k, v] of Object.entries(obj || {})) {
    let value = typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (['iat', 'nbf', 'exp'].includes(k) && typeof v === 'number') value += '  (' + new Date(v * 1000).toISOString() + ')';
    body.append(el('tr', { 'data-claim': k }, el('th', { scope: 'row' }, k), el('td', { class: 'id' }, value),
      el('td', {}, CLAIMS[k] || '')));
  }
  t.append(body);
  return t;
}
function showToken(h) {
  $('#token-dialog-title').textContent = 'Token of hop #' + h.seq + ': ' + h.from + ' → ' + h.to;
  $('#token-body').replaceChildren(
    el('p', { class: 'note' }, 'Decoded from the hop; the token itself (a credential) never leaves the lab.'),
    claimsTable('Header', h.token.header), claimsTable('Claims', h.token.claims));
  const dialog = $('#token-dialog');
  if (typeof dialog.showModal === 'function') dialog.showModal(); else dialog.setAttribute('open', '');
  $('#token-close').focus();
}

async function inspect(event) {
  event.preventDefault();
  const out = $('#inspect-result');
  out.replaceChildren(el('p', {}, 'Asking the lab…'));
  try {
    const r = await fetch('api/inspect', { method: 'POST', body: $('#jwt').value,
      headers: { 'Content-Type': 'text/plain' }, cache: 'no-store' });
    const data = await r.json();
    if (!r.ok) { out.replaceChildren(el('p', { class: 'error', role: 'alert' }, data.error.message)); return; }
    const verdicts = el('table', { id: 'verdicts' }, el('caption', {}, 'Would each lab resource accept it?'),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Resource'), el('th', { scope: 'col' }, 'Accepts it?'),
        el('th', { scope: 'col' }, 'Why'))),
      el('tbody', {}, data.verdicts.map((v) => el('tr', { 'data-resource': v.resource, 'data-accepted': String(v.accepted) },
        el('th', { scope: 'row' }, v.resource, el('br'), el('span', { class: 'note' }, v.what)),
        el('td', {}, tag(v.accepted, 'yes', 'no')),
        el('td', {}, v.decisions.map((d) => el('div', {}, tag(d.passed, d.check + ' ✓', d.check + ' ✗'), ' ', d.detail)))))));
    out.replaceChildren(el('p', { class: 'note' }, 'Lab time now: ' + data.now), verdicts,
      claimsTable('Header', data.header), claimsTable('Claims', data.claims));
  } catch (e) {
    out.replaceChildren(el('p', { class: 'error', role: 'alert' }, 'The lab did not answer: ' + e.message));
  }
}

// --- start ---------------------------------------------------------------------------------------------------------
function largeType(on) {
  document.documentElement.classList.toggle('large', on);
  $('#large-type').setAttribute('aria-pressed', String(on));
  try { localStorage.setItem('milab-console-large', on ? '1' : '0'); } catch (e) { /* private mode */ }
  if (hops.size) scheduleDiagram();
}
document.addEventListener('DOMContentLoaded', () => {
  let large = false;
  try { large = localStorage.getItem('milab-console-large') === '1'; } catch (e) { /* private mode */ }
  largeType(large);
  $('#large-type').addEventListener('click', () => largeType(!document.documentElement.classList.contains('large')));
  $('#inspect-form').addEventListener('submit', inspect);
  refreshState();
  setInterval(() => { if (!document.hidden) scheduleRefresh(); }, 3000);
  follow();
});
