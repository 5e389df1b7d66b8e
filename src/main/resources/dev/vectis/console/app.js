// The console's shell: sign-in, the navigation the token's role allows, the live connection,
// and the router that shows a view for each path under /console.

import {api, data, token, whenSignedOut} from './lib/api.js';
import {clear, h, notify} from './lib/dom.js';
import {Hub} from './lib/live.js';

const SECTIONS = [
  {path: '/console', label: 'Overview', needs: ['read'], view: () => import('./views/overview.js')},
  {path: '/console/fleet', label: 'Fleet', needs: ['read'], view: () => import('./views/fleet.js')},
  {path: '/console/jobs', label: 'Jobs', needs: ['read', 'submit'], view: () => import('./views/jobs.js')},
  {path: '/console/sessions', label: 'Sessions', needs: ['read'], view: () => import('./views/sessions.js')},
  {path: '/console/money', label: 'Money', needs: ['read'], view: () => import('./views/money.js')},
  {path: '/console/providers', label: 'Providers', needs: ['read'], view: () => import('./views/providers.js')},
  {path: '/console/events', label: 'Events', needs: ['read'], view: () => import('./views/events.js')},
];

const DETAIL = [
  {pattern: /^\/console\/fleet\/([^/]+)$/, view: () => import('./views/worker.js')},
  {pattern: /^\/console\/jobs\/([^/]+)$/, view: () => import('./views/job.js')},
  {pattern: /^\/console\/sessions\/(vps|chat)\/([^/]+)$/, view: () => import('./views/session.js')},
  {pattern: /^\/console\/money\/users\/([^/]+)$/, view: () => import('./views/user.js')},
];

const state = {me: null, hub: null, cleanup: null, rendering: 0};
const main = document.getElementById('main');

function can(...perms) {
  return !!state.me && perms.some((p) => state.me.permissions.includes(p));
}

export function navigate(path, replace = false) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  route();
}

async function route() {
  const path = location.pathname.replace(/\/+$/, '') || '/console';
  if (!state.me) return;
  if (state.cleanup) {
    try {
      state.cleanup();
    } catch (e) {
      // a view's cleanup never stops the next one
    }
    state.cleanup = null;
  }
  const turn = ++state.rendering;
  let load = null;
  let params = [];
  const section = SECTIONS.find((s) => s.path === path);
  if (section) {
    load = section;
  } else {
    for (const d of DETAIL) {
      const m = path.match(d.pattern);
      if (m) {
        load = d;
        params = m.slice(1).map(decodeURIComponent);
        break;
      }
    }
  }
  markNav(path);
  if (!load) {
    clear(main, h('h1', 'Not found'), h('p', 'No console page at ' + path + '.'));
    return;
  }
  if (load.needs && !can(...load.needs)) {
    const first = SECTIONS.find((s) => can(...s.needs));
    if (first && first.path !== path) return navigate(first.path, true);
    clear(main, h('h1', 'Not allowed'), h('p', 'This token\'s role (' + state.me.role + ') cannot see this page.'));
    return;
  }
  clear(main, h('p.loading', 'Loading…'));
  try {
    const mod = await load.view();
    if (turn !== state.rendering) return;
    const root = h('div.view');
    clear(main, root);
    const cleanup = await mod.render(root, {params, me: state.me, can, hub: state.hub, navigate});
    if (turn !== state.rendering) {
      if (typeof cleanup === 'function') cleanup();
      return;
    }
    state.cleanup = typeof cleanup === 'function' ? cleanup : null;
    const heading = root.querySelector('h1');
    document.title = (heading ? heading.textContent + ' · ' : '') + 'Vectis console';
  } catch (e) {
    if (turn !== state.rendering) return;
    clear(main, h('h1', 'Could not load this page'), h('p.error', e.message || String(e)));
  }
}

function markNav(path) {
  for (const a of document.querySelectorAll('#nav a')) {
    const target = a.getAttribute('href');
    const current = target === '/console' ? path === '/console' : path === target || path.startsWith(target + '/');
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function renderNav() {
  const nav = document.getElementById('nav');
  clear(nav, h('ul', SECTIONS.filter((s) => can(...s.needs)).map((s) => h('li', h('a', {href: s.path, 'data-route': ''}, s.label)))));
}

function showConnection(s, detail) {
  const el = document.getElementById('conn');
  const words = {
    off: 'live updates off', connecting: 'connecting…', live: 'live', reconnecting: 'connection lost — reconnecting…',
    ended: 'disconnected',
  };
  el.className = 'conn conn-' + s;
  el.textContent = words[s] || s;
  el.title = detail || '';
}

function signInForm(message) {
  document.getElementById('nav').replaceChildren();
  document.getElementById('who').textContent = '';
  document.getElementById('signout').hidden = true;
  showConnection('off');
  const input = h('input', {id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true,
    spellcheck: 'false', 'aria-describedby': 'token-hint'});
  const error = h('p.error', {id: 'signin-error', role: 'alert'}, message || '');
  const form = h('form.signin', {'aria-labelledby': 'signin-title'},
    h('h1', {id: 'signin-title'}, 'Sign in'),
    h('div.field', h('label', {for: 'token'}, 'Token'), input,
      h('small', {id: 'token-hint'}, 'The admin token, or a named token (vectis admin tokens create). It is kept in this tab only.')),
    h('button.primary', {type: 'submit'}, 'Sign in'), error);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    token.set(input.value.trim());
    try {
      await start();
    } catch (e) {
      token.clear();
      error.textContent = e.status === 401 ? 'That token is not valid.'
        : e.status === 403 ? 'That token cannot use the console (a worker token?).' : e.message;
    }
  });
  clear(main, form);
  input.focus();
}

async function start() {
  state.me = await data('/api/v1/whoami');
  document.getElementById('who').textContent = `${state.me.name} (${state.me.role})`;
  document.getElementById('signout').hidden = false;
  renderNav();
  if (state.hub) state.hub.stop();
  state.hub = new Hub();
  state.hub.onState(showConnection);
  if (can('read')) {
    const latest = await data('/api/v1/events?limit=1');
    state.hub.start(latest.latestId);
  }
  if (location.pathname === '/console/' || location.pathname === '/') history.replaceState(null, '', '/console');
  await route();
}

function signOut(message) {
  token.clear();
  state.me = null;
  if (state.cleanup) state.cleanup();
  state.cleanup = null;
  if (state.hub) state.hub.stop();
  state.hub = null;
  signInForm(message);
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[data-route]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  navigate(a.getAttribute('href'));
  main.focus({preventScroll: true});
});
window.addEventListener('popstate', route);
document.getElementById('signout').addEventListener('click', () => signOut('Signed out.'));
whenSignedOut((message) => {
  if (state.me) signOut(message);
});

if (token.get()) {
  start().catch((e) => signOut(e.status === 401 ? 'Your token was refused: sign in again.' : e.message));
} else {
  signInForm();
}

export {api};
window.addEventListener('unhandledrejection', (ev) => notify(String(ev.reason && ev.reason.message || ev.reason), 'error'));
