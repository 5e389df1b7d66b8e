// One user: balance, the ledger with the balance after each entry, and adjusting coins
// (PATCH /admin/users/{id}/coins) with an Idempotency-Key made here, so a retry is applied once.
// A change made elsewhere (another operator, the CLI, a purchase or refund) arrives as a
// user.coins or vps.* event for this user, and the page reloads its balance and ledger.

import {api, idempotencyKey} from '../lib/api.js';
import {clear, field, h, link, notify, section, time} from '../lib/dom.js';
import {pagedTable, throttle} from '../lib/ui.js';

export async function render(root, {params, can, hub}) {
  const id = params[0];
  const path = '/admin/users/' + encodeURIComponent(id);
  const head = h('div');
  const ledger = pagedTable({
    caption: 'Ledger',
    headers: ['when', 'operation', 'change', 'balance after', 'reason', 'by'],
    empty: 'No entry yet',
    fetchPage: async (cursor) => {
      const page = await api(path + '/ledger?limit=50' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      return {count: page.count, nextCursor: page.next_cursor, rows: page.entries.map((e) => ({attrs: {'data-entry': e.id},
        cells: [time(e.created_at), e.op, h('span.num', (e.delta > 0 ? '+' : '') + e.delta), h('span.num', String(e.balance_after)),
          e.reason || (e.session_id ? 'session ' + e.session_id : '—'), e.actor]}))};
    },
  });
  root.append(head, can('manage') ? adjustForm() : null, section('Ledger', ledger.el));

  async function refresh() {
    const u = await api(path);
    clear(head, h('p.crumbs', link('/console/money', '← Money')), h('h1', u.name || u.id), h('p', h('span.muted', u.email + ' · '), 'Balance: ',
      h('strong', {id: 'balance'}, String(u.coins)), ' coins'));
  }

  function adjustForm() {
    const op = h('select', {name: 'op'}, h('option', {value: 'add'}, 'add'), h('option', {value: 'sub'}, 'subtract'),
      h('option', {value: 'set'}, 'set to'));
    const amount = h('input', {name: 'amount', type: 'number', min: '0', step: '1', required: true});
    const reason = h('input', {name: 'reason', maxlength: 500});
    const submit = h('button.primary', {type: 'submit'}, 'Adjust coins');
    // One key per intended change: kept across retries of the same form, new after a success.
    let key = idempotencyKey();
    const form = h('form.row', {id: 'adjust-coins'}, field('Operation', op), field('Amount', amount), field('Reason', reason), submit);
    form.addEventListener('input', () => {
      key = idempotencyKey();
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      try {
        await api(path + '/coins', {method: 'PATCH', headers: {'Idempotency-Key': key},
          body: {op: op.value, amount: Number(amount.value), reason: reason.value.trim() || undefined}});
        notify('Coins adjusted', 'ok');
        key = idempotencyKey();
        form.reset();
        await Promise.all([refresh(), ledger.reset()]);
      } catch (e) {
        notify('Adjusting failed: ' + e.message, 'error');
      } finally {
        submit.disabled = false;
      }
    });
    return section('Adjust coins', form);
  }

  await Promise.all([refresh(), ledger.reset()]);
  const again = throttle(() => Promise.all([refresh(), ledger.reload()]).catch(() => {}), 1000);
  return hub.on((e) => {
    const d = (e.data && e.data.data) || {};
    if ((e.event === 'user.coins' || e.event.startsWith('vps.')) && d.userId === id) again();
  });
}
