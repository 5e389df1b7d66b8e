// VPS sessions (GET /admin/vps-sessions) and chat sessions (GET /api/v1/sessions).

import {api, data, query} from '../lib/api.js';
import {ago, badge, field, h, link, section, time} from '../lib/dom.js';
import {pagedTable, throttle} from '../lib/ui.js';

const VPS_STATES = ['', 'pending', 'provisioning', 'ready', 'failed', 'stopping', 'deleted'];

export async function render(root, {hub}) {
  const vpsStatus = h('select', {name: 'vps-status'}, VPS_STATES.map((s) => h('option', {value: s}, s || 'any')));
  const vps = pagedTable({
    caption: 'VPS sessions',
    headers: ['session', 'status', 'product', 'user', 'worker', 'updated'],
    empty: 'No VPS session',
    fetchPage: async (cursor) => {
      const page = await api('/admin/vps-sessions' + query({status: vpsStatus.value, cursor, limit: 50}));
      return {count: page.count, nextCursor: page.next_cursor, rows: page.sessions.map((s) => ({cells: [
        link('/console/sessions/vps/' + encodeURIComponent(s.id), h('span.mono', s.id)),
        h('span', badge(s.status), s.flagged ? h('span.badge.state-failed', 'flagged') : null),
        s.product.name || s.product.id, s.user_id ? link('/console/money/users/' + encodeURIComponent(s.user_id), s.user_id) : '—',
        s.worker_id ? link('/console/fleet/' + encodeURIComponent(s.worker_id), s.worker_id) : '—',
        h('span', {title: time(s.updated_at)}, ago(s.updated_at))]}))};
    },
  });
  const chatStatus = h('input', {name: 'chat-status', placeholder: 'e.g. connected'});
  const chat = pagedTable({
    caption: 'Chat sessions',
    headers: ['session', 'status', 'phone', 'worker', 'updated'],
    empty: 'No chat session',
    fetchPage: async (cursor) => {
      const page = await data('/api/v1/sessions' + query({status: chatStatus.value.trim(), cursor, limit: 50}));
      return {count: page.count, nextCursor: page.nextCursor, rows: page.sessions.map((s) => ({cells: [
        link('/console/sessions/chat/' + encodeURIComponent(s.sessionId), s.sessionId), badge(s.status),
        s.phoneNumber || '—', s.workerId ? link('/console/fleet/' + encodeURIComponent(s.workerId), s.workerId) : '—',
        h('span', {title: time(s.updatedAt)}, ago(s.updatedAt))]}))};
    },
  });
  vpsStatus.addEventListener('change', () => vps.reset());
  chatStatus.addEventListener('change', () => chat.reset());
  root.append(h('h1', 'Sessions'),
    section('VPS sessions', h('div.row', field('Status', vpsStatus)), vps.el),
    section('Chat sessions', h('div.row', field('Status', chatStatus)), chat.el));
  await Promise.all([vps.reset(), chat.reset()]);
  const vpsAgain = throttle(() => vps.reload(), 1500);
  const chatAgain = throttle(() => chat.reload(), 1500);
  return hub.on((e) => {
    if (e.event.startsWith('vps.')) vpsAgain();
    else if (e.data && e.data.sessionId) chatAgain();
  });
}
