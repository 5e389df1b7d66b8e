// One job: its status, attempts and output, streamed live from GET /api/jobs/{id}/events
// (with a stream ticket), and cancel and re-run.

import {api, query} from '../lib/api.js';
import {badge, clear, h, link, section, time} from '../lib/dom.js';
import {LiveStream} from '../lib/live.js';
import {act, ask} from '../lib/ui.js';

const FINISHED = ['completed', 'failed', 'cancelled'];

export async function render(root, {params, can, navigate}) {
  const id = params[0];
  const head = h('div');
  const facts = h('div');
  const output = h('pre.output', {id: 'job-output', tabindex: '0', 'aria-label': 'Job output', 'aria-live': 'off'});
  const history = h('ol.events-list', {id: 'job-history'});
  const streamState = h('span.muted', {role: 'status'});
  root.append(head, h('div.grid', section('Job', facts), section('Status changes', history)),
    section('Output', streamState, output));

  async function refresh() {
    const j = await api('/api/jobs/status' + query({jobId: id}));
    const actions = h('div.actions', {role: 'group', 'aria-label': 'Job actions'});
    if (can('operate') && !FINISHED.includes(j.status)) {
      const b = h('button.danger', {type: 'button', 'data-action': 'cancel'}, 'Cancel');
      b.addEventListener('click', async () => {
        if (!await ask('Cancel job ' + id + '?', {reason: false, confirm: 'Cancel job', danger: true})) return;
        await act(b, 'Cancel', () => api('/api/jobs/cancel', {method: 'POST', body: {jobId: id}}));
        refresh();
      });
      actions.append(b);
    }
    if (can('submit')) {
      const b = h('button', {type: 'button', 'data-action': 'rerun'}, 'Re-run');
      b.addEventListener('click', async () => {
        const r = await act(b, 'Re-run', () => api('/api/jobs/rerun', {method: 'POST', body: {jobId: id}}));
        if (r) navigate('/console/jobs/' + encodeURIComponent(r.jobId));
      });
      actions.append(b);
    }
    clear(head, h('p.crumbs', link('/console/jobs', '← Jobs')),
      h('h1', 'Job ', h('span.mono', id), ' ', h('span', {id: 'job-status'}, badge(j.status))), actions);
    clear(facts, h('dl.facts',
      [h('dt', 'command'), h('dd', h('code', j.command))], [h('dt', 'bundle'), h('dd', j.filename || '—')],
      [h('dt', 'worker'), h('dd', j.workerId ? link('/console/fleet/' + encodeURIComponent(j.workerId), j.workerId) : '—')],
      [h('dt', 'exit code'), h('dd', j.exitCode ?? '—')], [h('dt', 'error'), h('dd', j.errorMessage || '—')],
      [h('dt', 'created'), h('dd', time(j.createdAt))], [h('dt', 'started'), h('dd', time(j.startedAt))],
      [h('dt', 'finished'), h('dd', time(j.completedAt))],
      j.labels ? [h('dt', 'labels'), h('dd', Object.entries(j.labels).map(([k, v]) => `${k}=${v}`).join(', '))] : null));
    return j;
  }

  await refresh();
  const stream = new LiveStream('/api/jobs/' + encodeURIComponent(id) + '/events', {
    onEvent: (e) => {
      const d = e.data || {};
      if (e.event === 'output') {
        const near = output.scrollHeight - output.scrollTop - output.clientHeight < 40;
        output.append(d.type === 'stderr' ? h('span.stderr', d.data) : document.createTextNode(d.data));
        if (near) output.scrollTop = output.scrollHeight;
      } else if (e.event === 'status') {
        history.append(h('li', h('span.muted', time(d.timestamp)), badge(d.status),
          d.attempt ? h('span', 'attempt ' + d.attempt) : null,
          d.workerId ? h('span.mono', d.workerId) : null, d.exitCode !== null && d.exitCode !== undefined ? h('span', 'exit ' + d.exitCode) : null,
          d.errorMessage ? h('span.error', d.errorMessage) : null));
        refresh().catch(() => {});
      }
    },
    onState: (s) => {
      streamState.textContent = {connecting: 'Connecting to the output…', live: 'Streaming live',
        reconnecting: 'Connection lost — reconnecting…', ended: 'The job has finished: this is its whole output.'}[s] || '';
    },
    endsWhen: (e) => e.event === 'status' && FINISHED.includes(e.data && e.data.status),
  }).start();
  return () => stream.stop();
}
