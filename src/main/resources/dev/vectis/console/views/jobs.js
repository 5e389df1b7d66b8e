// The job queue: pending, running and finished jobs (GET /api/jobs/create with status, workerId
// and order), and a new job from commands and a ZIP bundle (POST /api/execute).

import {api, query} from '../lib/api.js';
import {ago, badge, debounce, field, h, link, notify, section, time} from '../lib/dom.js';
import {pagedTable, throttle} from '../lib/ui.js';

const TABS = {
  queue: {label: 'Queue', status: 'pending', order: 'asc'},
  running: {label: 'Running', status: 'running', order: 'asc'},
  finished: {label: 'Finished', status: 'completed,failed,cancelled', order: 'desc'},
  all: {label: 'All', status: '', order: 'desc'},
};

export async function render(root, {can, hub, navigate}) {
  const params = new URLSearchParams(location.search);
  let tab = TABS[params.get('tab')] ? params.get('tab') : 'all';
  const worker = h('input', {type: 'search', name: 'workerId', value: params.get('workerId') || '', placeholder: 'worker id'});
  const tabs = h('div.actions', {role: 'group', 'aria-label': 'Which jobs'});

  const table = pagedTable({
    caption: 'Jobs',
    headers: ['job', 'status', 'command', 'worker', 'created', 'finished'],
    empty: 'No job here',
    fetchPage: async (cursor) => {
      const t = TABS[tab];
      const page = await api('/api/jobs/create' + query({status: t.status, order: t.order, workerId: worker.value.trim(),
        limit: 50, cursor}));
      return {
        count: page.count, nextCursor: page.nextCursor,
        rows: page.jobs.map((j) => ({attrs: {'data-job': j.jobId}, cells: [
          link('/console/jobs/' + encodeURIComponent(j.jobId), h('span.mono', j.jobId)), badge(j.status),
          h('code', (j.command || '').slice(0, 80)),
          j.workerId ? link('/console/fleet/' + encodeURIComponent(j.workerId), j.workerId) : '—',
          h('span', {title: time(j.createdAt)}, ago(j.createdAt)), j.completedAt ? time(j.completedAt) : '—']})),
      };
    },
  });

  function drawTabs() {
    tabs.replaceChildren(...Object.entries(TABS).map(([key, t]) => {
      const b = h('button', {type: 'button', 'aria-pressed': String(key === tab), class: key === tab ? 'primary' : ''}, t.label);
      b.addEventListener('click', () => {
        tab = key;
        drawTabs();
        remember();
        table.reset();
      });
      return b;
    }));
  }
  function remember() {
    const q = new URLSearchParams({tab});
    if (worker.value.trim()) q.set('workerId', worker.value.trim());
    history.replaceState(null, '', '/console/jobs?' + q);
  }
  worker.addEventListener('input', debounce(() => {
    remember();
    table.reset();
  }, 300));
  drawTabs();

  root.append(h('h1', 'Jobs'), can('submit') ? submitForm(navigate) : null,
    section('Jobs', tabs, h('form.row', {role: 'search', onsubmit: (e) => e.preventDefault()}, field('Worker', worker)), table.el));
  await table.reset();
  const again = throttle(() => table.reload(), 1500);
  if (!can('read')) {
    // A submitter does not see the operator stream: its list is read again every few seconds.
    const timer = setInterval(() => table.reload(), 5000);
    return () => clearInterval(timer);
  }
  return hub.on((e) => {
    if (e.event.startsWith('job.')) again();
  });
}

function submitForm(navigate) {
  const commands = h('textarea', {name: 'commands', required: true, placeholder: 'make test'});
  const file = h('input', {type: 'file', name: 'file', accept: '.zip,application/zip', required: true});
  const labels = h('input', {name: 'labels', placeholder: 'os=linux,gpu=true'});
  const submit = h('button.primary', {type: 'submit'}, 'Submit job');
  const form = h('form', {id: 'submit-job'}, field('Commands', commands, 'Run in the bundle\'s folder on a worker.'),
    field('Bundle (ZIP)', file), field('Labels (optional)', labels, 'key=value pairs a worker must carry'), submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = new FormData();
    body.append('commands', commands.value);
    body.append('file', file.files[0]);
    body.append('mode', 'distributed');
    if (labels.value.trim()) body.append('labels', labels.value.trim());
    submit.disabled = true;
    try {
      const r = await api('/api/execute', {method: 'POST', body});
      notify('Job ' + r.jobId + ' submitted', 'ok');
      navigate('/console/jobs/' + encodeURIComponent(r.jobId));
    } catch (e) {
      notify('Submitting failed: ' + e.message, 'error');
    } finally {
      submit.disabled = false;
    }
  });
  return h('details.card', h('summary', 'Submit a job'), form);
}
