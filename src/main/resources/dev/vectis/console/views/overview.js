// The fleet at a glance: GET /api/v1/overview and /admin/nodes, refreshed as events arrive.

import {api, data} from '../lib/api.js';
import {ago, badge, clear, h, section, stat, table, time} from '../lib/dom.js';
import {chart} from '../lib/chart.js';
import {throttle} from '../lib/ui.js';

export async function render(root, {hub}) {
  const stats = h('div');
  const jobsChart = chart('Jobs finished per minute, last hour', ['completed', 'failed', 'cancelled'], {stepped: true});
  const queueChart = chart('Queue and online workers, last hour', ['pending', 'running', 'online workers']);
  const health = h('div');
  root.append(h('h1', 'Overview'), stats,
    h('div.grid', section('Jobs', jobsChart.el), section('Queue', queueChart.el)), health);
  // The server's own minute samples (fleetPerMinute), then what this page saw since the last of them.
  const samples = {t: [], pending: [], running: [], online: []};
  const keys = ['t', 'pending', 'running', 'online'];

  async function refresh() {
    const [o, nodes] = await Promise.all([data('/api/v1/overview'), api('/admin/nodes')]);
    const w = o.workers;
    clear(stats,
      section('Workers',
        h('div.stats', {id: 'workers-stats'}, stat('workers', w.total),
          Object.entries(w.byState).map(([k, v]) => stat(k, v))),
        h('p.muted', 'By contract: ', Object.entries(w.byContract).map(([k, v]) => `${k} ${v}`).join(' · ') || 'none')),
      h('div.grid',
        section('Queue', h('div.stats', stat('pending', o.queue.pending), stat('running', o.queue.running),
          stat('oldest pending', o.queue.oldestPendingAt ? ago(o.queue.oldestPendingAt) : '—'))),
        section('Sessions', h('div.stats',
          Object.entries(o.vpsSessions).map(([k, v]) => stat('VPS ' + k, v)),
          Object.entries(o.chatSessions).map(([k, v]) => stat('chat ' + k, v)),
          !Object.keys(o.vpsSessions).length && !Object.keys(o.chatSessions).length ? stat('sessions', 0) : null)),
        section('Coins today (UTC)', h('div.stats', stat('purchases', o.coins.purchasesToday),
          stat('coins spent', o.coins.coinsSpentToday), stat('refunded', o.coins.refundedToday),
          stat('adjusted', o.coins.adjustedToday), stat('held by users', o.coins.held)))));
    const perMinute = o.jobsPerMinute;
    jobsChart.update(perMinute.map((m) => Date.parse(m.minute) / 1000),
      ['completed', 'failed', 'cancelled'].map((k) => perMinute.map((m) => m[k])));
    const history = o.fleetPerMinute || [];
    const lastMinute = history.length ? Date.parse(history[history.length - 1].minute) / 1000 : 0;
    samples.t.push(Date.now() / 1000);
    samples.pending.push(o.queue.pending);
    samples.running.push(o.queue.running);
    samples.online.push(w.byState.online || 0);
    const cut = Math.max(Date.now() / 1000 - 3600, lastMinute + 1);
    while (samples.t.length && samples.t[0] < cut) keys.forEach((k) => samples[k].shift());
    queueChart.update(history.map((m) => Date.parse(m.minute) / 1000).concat(samples.t),
      [history.map((m) => m.pending).concat(samples.pending), history.map((m) => m.running).concat(samples.running),
        history.map((m) => m.online).concat(samples.online)]);
    const now = Date.now();
    clear(health, h('div.grid',
      section('Nodes', table('Nodes', ['node', 'address', 'version', 'last heard', 'runs'], nodes.nodes.map((n) => [
        h('span', n.id, n.this_node ? h('span.muted', ' (this one)') : null), n.address, n.version,
        h('span', {title: time(n.last_seen_at)}, ago(n.last_seen_at)), n.loops.join(', ') || '—']))),
      section('Loops on this node', table('Loops', ['loop', 'last success', 'failures', ''], o.loops.map((l) => [
        l.name, l.lastSuccessAt ? ago(l.lastSuccessAt) : 'not yet', String(l.failures),
        badge(!l.lastSuccessAt ? 'pending' : now - Date.parse(l.lastSuccessAt) > 15 * 60000 ? 'failed' : 'ok')])))));
  }

  await refresh();
  const soon = throttle(() => refresh().catch(() => {}), 3000);
  const off = hub.on(soon);
  const timer = setInterval(() => refresh().catch(() => {}), 10000);
  return () => {
    off();
    clearInterval(timer);
    jobsChart.destroy();
    queueChart.destroy();
  };
}
