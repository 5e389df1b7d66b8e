// The event log: history from GET /api/v1/events, then every new event as the operator
// stream brings it, filtered by type, worker and session.

import {data, query} from '../lib/api.js';
import {clear, debounce, field, h, link, time} from '../lib/dom.js';

const MAX = 500;

export async function render(root, {hub}) {
  const params = new URLSearchParams(location.search);
  const type = h('input', {name: 'type', value: params.get('type') || '', placeholder: 'worker. or job.completed'});
  const worker = h('input', {name: 'workerId', value: params.get('workerId') || '', placeholder: 'worker id'});
  const session = h('input', {name: 'sessionId', value: params.get('sessionId') || '', placeholder: 'session id'});
  const list = h('ul.events-list', {id: 'events', 'aria-live': 'polite', 'aria-relevant': 'additions'});
  const counter = h('p.muted');
  root.append(h('h1', 'Events'),
    h('form.row', {role: 'search', onsubmit: (e) => e.preventDefault()}, field('Type', type, 'ends with "." for a prefix'),
      field('Worker', worker), field('Session', session)), counter, list);

  function matches(e) {
    const t = type.value.trim();
    if (t && !(t.endsWith('.') ? e.type.startsWith(t) : e.type === t)) return false;
    if (worker.value.trim() && e.workerId !== worker.value.trim()) return false;
    if (session.value.trim() && e.sessionId !== session.value.trim()) return false;
    return true;
  }

  function row(e) {
    return h('li', {'data-event': e.id}, h('span.muted', time(e.receivedAt)), h('strong', e.type),
      e.workerId ? link('/console/fleet/' + encodeURIComponent(e.workerId), e.workerId) : null,
      e.sessionId ? h('span', 'session ' + e.sessionId) : null, h('span.mono', JSON.stringify(e.data)));
  }

  let shownUpTo = 0;
  async function load() {
    const q = {type: type.value.trim(), workerId: worker.value.trim(), sessionId: session.value.trim(), limit: 100};
    const page = await data('/api/v1/events' + query(q));
    shownUpTo = page.latestId;
    clear(list, page.events.map(row));
    counter.textContent = page.events.length ? '' : 'No event matches yet; new ones appear here as they happen.';
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v && k !== 'limit') p.set(k, v);
    history.replaceState(null, '', '/console/events' + (p.toString() ? '?' + p : ''));
  }
  const reload = debounce(() => load().catch(() => {}), 300);
  [type, worker, session].forEach((i) => i.addEventListener('input', reload));
  await load();
  return hub.on((e) => {
    if (!e.data || typeof e.data !== 'object' || e.id <= shownUpTo || !matches(e.data)) return;
    shownUpTo = e.id;
    counter.textContent = '';
    list.prepend(row(e.data));
    while (list.children.length > MAX) list.lastChild.remove();
  });
}
