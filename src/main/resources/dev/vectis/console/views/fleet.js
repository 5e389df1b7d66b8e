// The fleet view as a table: filtered, sorted, searched and paged by the server
// (GET /api/v1/fleet/workers), so it stays quick with ten thousand workers.

import {data, query} from '../lib/api.js';
import {ago, badge, debounce, field, h, link, time} from '../lib/dom.js';
import {pagedTable, throttle} from '../lib/ui.js';

const STATES = ['online', 'offline', 'draining', 'drained', 'maintenance', 'disabled'];
const CONTRACTS = ['fleet-registration', 'command-executor', 'session-worker-gateway', 'vps-marketplace'];
const PAGE = 50;

export async function render(root, {hub}) {
  const params = new URLSearchParams(location.search);
  const search = h('input', {type: 'search', name: 'q', placeholder: 'id, name, host, address…', value: params.get('q') || ''});
  const state = select('state', ['', ...STATES], params.get('state'));
  const contract = select('contract', ['', ...CONTRACTS], params.get('contract'));
  const sort = select('sort', ['id', 'lastHeardAt', 'state'], params.get('sort') || 'id');
  const order = select('order', ['asc', 'desc'], params.get('order') || 'asc');

  const table = pagedTable({
    caption: 'Workers',
    headers: ['worker', 'state', 'contracts', 'load', 'last heard', 'labels'],
    empty: 'No worker matches',
    fetchPage: async (cursor) => {
      const page = await data('/api/v1/fleet/workers' + query({
        q: search.value.trim(), state: state.value, contract: contract.value, sort: sort.value, order: order.value,
        limit: PAGE, cursor,
      }));
      return {
        count: page.count, nextCursor: page.nextCursor,
        rows: page.workers.map((w) => ({
          attrs: {'data-worker': w.id},
          cells: [
            h('span', link('/console/fleet/' + encodeURIComponent(w.id), w.name || w.id),
              w.name && w.name !== w.id ? h('div.muted.mono', w.id) : null),
            badge(w.state),
            h('span.muted', w.contracts.join(', ')),
            `${w.load.jobs} job${w.load.jobs === 1 ? '' : 's'} · ${w.load.sessions} session${w.load.sessions === 1 ? '' : 's'}`,
            h('span', {title: time(w.lastHeardAt)}, ago(w.lastHeardAt)),
            h('span.mono', Object.entries(w.labels || {}).map(([k, v]) => `${k}=${v}`).join(' ')),
          ],
        })),
      };
    },
  });

  const changed = () => {
    const q = new URLSearchParams();
    for (const [k, el] of Object.entries({q: search, state, contract, sort, order})) if (el.value) q.set(k, el.value);
    history.replaceState(null, '', '/console/fleet' + (q.toString() ? '?' + q : ''));
    table.reset();
  };
  search.addEventListener('input', debounce(changed, 250));
  [state, contract, sort, order].forEach((s) => s.addEventListener('change', changed));

  root.append(h('h1', 'Fleet'),
    h('form.row', {role: 'search', onsubmit: (e) => e.preventDefault()},
      field('Search', search), field('State', state), field('Contract', contract), field('Sort by', sort),
      field('Order', order)),
    table.el);
  await table.reset();
  // Workers come, go and change state: the page on screen is read again, at most every 1.5 s.
  const again = throttle(() => table.reload(), 1500);
  const off = hub.on((e) => {
    if (e.event.startsWith('worker.') || e.event.startsWith('job.')) again();
  });
  return off;
}

function select(name, values, current) {
  const s = h('select', {name});
  for (const v of values) s.append(h('option', {value: v, selected: v === (current || '') ? true : null}, v || 'any'));
  return s;
}
