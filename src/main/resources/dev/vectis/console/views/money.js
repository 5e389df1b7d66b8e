// Users and their balances (GET /admin/users), and the products for sale with the workers
// that host them (GET /admin/vps-products).

import {api} from '../lib/api.js';
import {h, link, section, table, time} from '../lib/dom.js';
import {pagedTable, throttle} from '../lib/ui.js';

export async function render(root, {hub}) {
  const users = pagedTable({
    caption: 'Users',
    headers: ['user', 'email', 'coins', 'created'],
    empty: 'No user yet',
    fetchPage: async (cursor) => {
      const page = await api('/admin/users?limit=50' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      return {count: page.count, nextCursor: page.next_cursor, rows: page.users.map((u) => ({attrs: {'data-user': u.id},
        cells: [link('/console/money/users/' + encodeURIComponent(u.id), u.name || u.id), u.email,
          h('span.num', String(u.coins)), time(u.created_at)]}))};
    },
  });
  const products = h('div');
  root.append(h('h1', 'Money'), section('Users and balances', users.el), section('Products', products));
  async function loadProducts() {
    const list = await api('/admin/vps-products');
    products.replaceChildren(table('Products', ['product', 'price', 'active', 'workers'], list.map((p) => [
      h('span', p.name, h('div.muted', p.description || '')), String(p.price_coins), p.is_active ? 'yes' : 'no',
      h('span', (p.worker_ids || []).map((w, i) => [i ? ', ' : '', link('/console/fleet/' + encodeURIComponent(w), w)]))]),
    'No product yet'));
  }
  await Promise.all([users.reset(), loadProducts()]);
  const again = throttle(() => users.reload(), 2000);
  return hub.on((e) => {
    // Purchases and refunds arrive as vps.* events, an admin's adjustment as user.coins.
    if (e.event.startsWith('vps.') || e.event === 'user.coins') again();
  });
}
