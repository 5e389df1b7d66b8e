// One worker: what it is, its metrics as charts, its jobs, sessions and events, and the
// operator's drain, maintenance, disable and resume.

import {api, data, query} from '../lib/api.js';
import {ago, badge, clear, h, link, section, table, time} from '../lib/dom.js';
import {chart} from '../lib/chart.js';
import {act, ask, throttle} from '../lib/ui.js';

export async function render(root, {params, can, hub}) {
  const id = params[0];
  const path = '/api/v1/fleet/workers/' + encodeURIComponent(id);
  const head = h('div');
  const facts = h('div');
  const cpu = chart('CPU and memory (%), last hour', ['cpu', 'memory']);
  const jobs = h('div');
  const sessions = h('div');
  const vpsSessions = h('div', {id: 'worker-vps-sessions'});
  const events = h('div');
  root.append(head, h('div.grid', section('Worker', facts), section('Metrics', cpu.el)),
    h('div.grid', section('Jobs', jobs), section('Chat sessions', sessions)), section('VPS sessions', vpsSessions),
    section('Events', events));

  async function refresh() {
    const w = await data(path);
    const actions = h('div.actions', {role: 'group', 'aria-label': 'Worker actions'});
    if (can('operate')) {
      const running = !['draining', 'drained', 'maintenance', 'disabled'].includes(w.state);
      for (const [verb, label, danger] of [['drain', 'Drain', false], ['maintenance', 'Maintenance', false],
        ['disable', 'Disable', true], ['resume', 'Resume', false]]) {
        if (verb === 'resume' ? running : w.state === (verb === 'drain' ? 'draining' : verb)) continue;
        const b = h('button' + (danger ? '.danger' : ''), {type: 'button', 'data-action': verb}, label);
        b.addEventListener('click', async () => {
          const answer = await ask(`${label} ${w.name || w.id}?`, {confirm: label, danger});
          if (!answer) return;
          await act(b, label, () => api(`${path}/${verb}`, {method: 'POST', body: answer.reason ? {reason: answer.reason} : {}}));
          refresh();
        });
        actions.append(b);
      }
    }
    clear(head, h('p.crumbs', link('/console/fleet', '← Fleet')), h('h1', 'Worker ', w.name || w.id, ' ', badge(w.state)), actions);
    clear(facts, h('dl.facts',
      fact('id', h('span.mono', w.id)), fact('contracts', w.contracts.join(', ')),
      fact('online', w.online ? 'yes' : 'no'), fact('last heard', `${ago(w.lastHeardAt)} (${time(w.lastHeardAt)})`),
      fact('load', `${w.load.jobs} jobs, ${w.load.sessions} sessions`),
      fact('capacity', `${w.capacity.jobs ?? '—'} jobs, ${w.capacity.sessions ?? '—'} sessions`),
      fact('labels', Object.entries(w.labels || {}).map(([k, v]) => `${k}=${v}`).join(', ') || '—'),
      fact('hostname', w.hostname || '—'), fact('address', w.address || '—'), fact('endpoint', w.endpoint || w.baseUrl || '—'),
      fact('version', w.version || '—'), fact('enrolled via', w.enrolledVia), fact('created', time(w.createdAt))));
  }

  async function metrics() {
    const m = await data('/api/v1/workers/' + encodeURIComponent(id) + '/metrics').catch(() => ({metrics: []}));
    const samples = m.metrics || [];
    cpu.el.querySelector('figcaption').textContent = samples.length ? 'CPU and memory (%), last hour'
      : 'CPU and memory (%), last hour: no metrics reported yet';
    cpu.update(samples.map((s) => Date.parse(s.receivedAt) / 1000),
      [samples.map((s) => s.cpuUsage), samples.map((s) => s.memoryUsage)]);
  }

  async function lists() {
    const [j, s, v, e] = await Promise.all([
      api('/api/jobs/create' + query({workerId: id, order: 'desc', limit: 20})).catch(() => ({jobs: []})),
      data('/api/v1/sessions' + query({workerId: id, limit: 50})).catch(() => ({sessions: []})),
      api('/admin/vps-sessions' + query({workerId: id, limit: 50})).catch(() => ({sessions: []})),
      data(path + '/events?limit=50'),
    ]);
    clear(jobs, table('Jobs on this worker', ['job', 'status', 'created'], j.jobs.map((x) => [
      link('/console/jobs/' + encodeURIComponent(x.jobId), h('span.mono', x.jobId)), badge(x.status), time(x.createdAt)]),
    'No job ran here'));
    clear(sessions, table('Chat sessions on this worker', ['session', 'status', 'updated'], s.sessions.map((x) => [
      link('/console/sessions/chat/' + encodeURIComponent(x.sessionId), x.sessionId), badge(x.status), ago(x.updatedAt)]),
    'No chat session'));
    clear(vpsSessions, table('VPS sessions on this worker', ['session', 'status', 'product', 'user', 'updated'],
      v.sessions.map((x) => [link('/console/sessions/vps/' + encodeURIComponent(x.id), h('span.mono', x.id)),
        badge(x.status), x.product.name || x.product.id,
        x.user_id ? link('/console/money/users/' + encodeURIComponent(x.user_id), x.user_id) : '—',
        h('span', {title: time(x.updated_at)}, ago(x.updated_at))]), 'No VPS session'));
    clear(events, h('ul.events-list', e.events.map((x) => h('li', h('span.muted', time(x.receivedAt)), h('strong', x.type),
      h('span.mono', JSON.stringify(x.data)))), e.events.length ? null : h('li.muted', 'No events yet')));
  }

  await Promise.all([refresh(), metrics(), lists()]);
  const again = throttle(() => Promise.all([refresh(), lists()]).catch(() => {}), 1000);
  const off = hub.on((e) => {
    const d = e.data || {};
    if (d.workerId === id) again();
  });
  const timer = setInterval(() => metrics().catch(() => {}), 15000);
  return () => {
    off();
    clearInterval(timer);
    cpu.destroy();
  };
}

function fact(term, value) {
  return [h('dt', term), h('dd', value)];
}
