// One session. A VPS session's checklist and log are read through the server
// (GET /admin/vps-sessions/{id} and /log), never from the worker; a chat session shows its
// status, phone number and its last QR code as an image.

import {api, data} from '../lib/api.js';
import {badge, clear, h, link, section, time} from '../lib/dom.js';
import {act, ask, throttle} from '../lib/ui.js';

export async function render(root, {params, can, hub}) {
  const [kind, id] = params;
  return kind === 'vps' ? vps(root, id, can, hub) : chat(root, id, hub);
}

async function vps(root, id, can, hub) {
  const head = h('div');
  const facts = h('div');
  const checklist = h('ol.checklist', {id: 'checklist'});
  const log = h('pre.output', {id: 'vps-log', tabindex: '0', 'aria-label': 'VM log'});
  root.append(head, h('div.grid', section('Session', facts), section('Checklist', checklist)), section('Log', log));
  const path = '/admin/vps-sessions/' + encodeURIComponent(id);

  async function refresh() {
    const [s, text] = await Promise.all([api(path), api(path + '/log', {raw: true}).catch((e) => '(' + e.message + ')')]);
    const actions = h('div.actions');
    if (can('manage') && s.flagged) {
      for (const action of ['ready', 'refund']) {
        const b = h('button', {type: 'button', 'data-action': action}, action === 'ready' ? 'Mark ready' : 'Stop and refund');
        b.addEventListener('click', async () => {
          if (!await ask(`Resolve session ${id}: ${action}?`, {reason: false, confirm: 'Resolve'})) return;
          await act(b, 'Resolve', () => api(path + '/resolve', {method: 'POST', body: {action}}));
          refresh();
        });
        actions.append(b);
      }
    }
    clear(head, h('p.crumbs', link('/console/sessions', '← Sessions')), h('h1', 'VPS session ', h('span.mono', id), ' ', badge(s.status)), actions);
    clear(facts, h('dl.facts',
      [h('dt', 'product'), h('dd', s.product.name || s.product.id)],
      [h('dt', 'user'), h('dd', s.user_id ? link('/console/money/users/' + encodeURIComponent(s.user_id), s.user_id) : '—')],
      [h('dt', 'worker'), h('dd', s.worker_id ? link('/console/fleet/' + encodeURIComponent(s.worker_id), s.worker_id) : '—')],
      [h('dt', 'price'), h('dd', String(s.price_coins))], [h('dt', 'reason'), h('dd', s.status_reason || s.error || '—')],
      [h('dt', 'flagged'), h('dd', s.flagged ? 'yes, since ' + time(s.flagged_at) : 'no')],
      [h('dt', 'created'), h('dd', time(s.created_at))], [h('dt', 'updated'), h('dd', time(s.updated_at))]));
    clear(checklist, (s.checklist || []).map((i) => h('li', {class: i.done ? 'done' : ''}, i.label,
      h('span.sr-only', i.done ? ' (done)' : ' (not yet)'), i.detail ? h('span.muted', ' — ' + i.detail) : null)));
    log.textContent = text || '(no log yet)';
  }

  await refresh();
  const again = throttle(() => refresh().catch(() => {}), 1500);
  const off = hub.on((e) => {
    if (e.event.startsWith('vps.') && JSON.stringify(e.data).includes(id)) again();
  });
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  return () => {
    off();
    clearInterval(timer);
  };
}

async function chat(root, id, hub) {
  const body = h('div');
  root.append(body);
  async function refresh() {
    const s = await data('/api/v1/sessions/' + encodeURIComponent(id));
    const qr = typeof s.qrCode === 'string' && /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/.test(s.qrCode)
      ? h('img.qr', {src: s.qrCode, alt: 'QR code to link the phone of session ' + id, id: 'qr'})
      // Anything else a worker sent (a raw pairing string, a URL, SVG) is shown as text, never loaded.
      : typeof s.qrCode === 'string' && s.qrCode ? h('p.mono', {id: 'qr-text'}, s.qrCode) : null;
    clear(body, h('p.crumbs', link('/console/sessions', '← Sessions')), h('h1', 'Chat session ', id, ' ', badge(s.status)), h('div.grid',
      section('Session', h('dl.facts',
        [h('dt', 'status'), h('dd', s.status)], [h('dt', 'phone number'), h('dd', s.phoneNumber || '—')],
        [h('dt', 'worker'), h('dd', s.workerId ? link('/console/fleet/' + encodeURIComponent(s.workerId), s.workerId) : '—')],
        [h('dt', 'created'), h('dd', time(s.createdAt))], [h('dt', 'updated'), h('dd', time(s.updatedAt))])),
      section('Last QR code', qr || h('p.muted', 'No QR code'), s.qrString ? h('p.mono', s.qrString) : null)));
  }
  await refresh();
  const again = throttle(() => refresh().catch(() => {}), 1000);
  return hub.on((e) => {
    if (e.data && e.data.sessionId === id) again();
  });
}
