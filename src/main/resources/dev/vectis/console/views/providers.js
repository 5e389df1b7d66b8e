// Compute providers: pending approvals first, then every other; approve, reject and suspend
// with a reason (POST /admin/providers/{id}/approve|reject|suspend).

import {api} from '../lib/api.js';
import {badge, clear, h, section, time} from '../lib/dom.js';
import {act, ask, throttle} from '../lib/ui.js';

export async function render(root, {can, hub}) {
  const pending = h('div', {id: 'pending-providers'});
  const others = h('div', {id: 'other-providers'});
  root.append(h('h1', 'Providers'), section('Waiting for approval', pending), section('All providers', others));

  function card(p) {
    const actions = h('div.actions', {role: 'group', 'aria-label': 'Actions for ' + p.name});
    if (can('manage')) {
      const verbs = {pending: ['approve', 'reject'], approved: ['suspend'], suspended: ['approve'], rejected: ['approve']}[p.status] || [];
      for (const verb of verbs) {
        const label = verb[0].toUpperCase() + verb.slice(1);
        const b = h('button' + (verb === 'approve' ? '.primary' : '.danger'), {type: 'button', 'data-action': verb}, label);
        b.addEventListener('click', async () => {
          const answer = await ask(`${label} ${p.name}?`, {confirm: label, danger: verb !== 'approve'});
          if (!answer) return;
          await act(b, label, () => api(`/admin/providers/${encodeURIComponent(p.provider_id)}/${verb}`,
            {method: 'POST', body: answer.reason ? {reason: answer.reason} : {}}));
          load();
        });
        actions.append(b);
      }
    }
    return h('article.card', {'data-provider': p.provider_id, 'aria-label': p.name},
      h('h2', p.name, ' ', badge(p.status)),
      h('dl.facts', [h('dt', 'email'), h('dd', p.email)], [h('dt', 'organization'), h('dd', p.organization || '—')],
        [h('dt', 'endpoints'), h('dd', (p.endpoints || []).length ? h('ul', p.endpoints.map((e) =>
          h('li.mono', typeof e === 'string' ? e : [e.url || e.name || '', e.type ? ` (${e.type})` : '',
            e.url ? '' : JSON.stringify(e)].join('')))) : '—')],
        p.status_reason ? [h('dt', 'reason'), h('dd', p.status_reason)] : null,
        [h('dt', 'registered'), h('dd', time(p.created_at))]),
      actions);
  }

  async function load() {
    const [waiting, all] = await Promise.all([api('/admin/providers?status=pending&limit=200'), api('/admin/providers?limit=200')]);
    clear(pending, waiting.providers.length ? waiting.providers.map(card) : h('p.muted', 'Nobody is waiting.'));
    const rest = all.providers.filter((p) => p.status !== 'pending');
    clear(others, rest.length ? rest.map(card) : h('p.muted', 'No other provider.'));
  }
  await load();
  const again = throttle(() => load().catch(() => {}), 1500);
  return hub.on((e) => {
    if (e.event.startsWith('provider')) again();
  });
}
