// Elements are built with text nodes only: nothing the server sends is ever parsed as HTML.

/** h('button.primary', {type: 'button', onclick: f}, 'Drain') */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (attrs !== null && attrs !== undefined && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'class') el.className = [el.className, v].filter(Boolean).join(' ');
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function time(value) {
  if (value === null || value === undefined || value === '') return '—';
  const d = typeof value === 'number' ? new Date(value) : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toLocaleString(undefined, {dateStyle: 'short', timeStyle: 'medium'});
}

export function ago(value) {
  if (!value) return '—';
  const ms = Date.now() - (typeof value === 'number' ? value : Date.parse(value));
  if (Number.isNaN(ms)) return String(value);
  const s = Math.round(ms / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** A state as a coloured word; the colour comes from the state's class, the word is always there. */
export function badge(state) {
  const word = state === null || state === undefined ? 'unknown' : String(state);
  return h('span.badge', {class: 'state-' + word.toLowerCase().replace(/[^a-z0-9]+/g, '-')}, word);
}

export function link(href, ...children) {
  return h('a', {href, 'data-route': ''}, ...children);
}

/** A table with a caption for screen readers; rows are arrays of cells. */
export function table(caption, headers, rows, empty = 'Nothing to show') {
  const t = h('table', h('caption.sr-only', caption),
    h('thead', h('tr', headers.map((x) => h('th', {scope: 'col'}, x)))));
  const body = h('tbody');
  if (!rows.length) body.append(h('tr', h('td.empty', {colspan: headers.length}, empty)));
  for (const r of rows) body.append(h('tr', r.map((c) => h('td', c))));
  t.append(body);
  return h('div.table-wrap', t);
}

export function section(title, ...children) {
  return h('section.card', {'aria-label': title}, h('h2', title), ...children);
}

export function stat(label, value, extra) {
  return h('div.stat', h('div.stat-value', String(value)), h('div.stat-label', label), extra ? h('div.stat-extra', extra) : null);
}

export function field(label, input, hint) {
  const id = input.id || ('f-' + Math.random().toString(36).slice(2));
  input.id = id;
  return h('div.field', h('label', {for: id}, label), input, hint ? h('small', hint) : null);
}

/** A short message in the page's live region, read out by screen readers. */
export function notify(text, kind = 'info') {
  const region = document.getElementById('toasts');
  if (!region) return;
  const item = h('div.toast', {class: 'toast-' + kind, role: kind === 'error' ? 'alert' : 'status'}, text);
  region.append(item);
  setTimeout(() => item.remove(), 6000);
}

export function debounce(fn, ms) {
  let t;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}
