// Pieces several views share: a dialog that asks for a reason, a paged table, action buttons.

import {clear, h, notify} from './dom.js';

/** Asks to confirm an action, with an optional reason; resolves to {reason} or null when cancelled. */
export function ask(title, {reason = true, confirm = 'Confirm', danger = false, extra = []} = {}) {
  return new Promise((resolve) => {
    const input = reason ? h('input', {id: 'dialog-reason', name: 'reason', maxlength: 500, autocomplete: 'off'}) : null;
    const dialog = h('dialog', {'aria-labelledby': 'dialog-title'});
    const form = h('form', {method: 'dialog'},
      h('h2', {id: 'dialog-title'}, title),
      reason ? h('div.field', h('label', {for: 'dialog-reason'}, 'Reason (optional)'), input) : null,
      extra,
      h('div.actions',
        h('button' + (danger ? '.danger' : '.primary'), {type: 'submit', value: 'ok', id: 'dialog-confirm'}, confirm),
        h('button', {type: 'submit', value: 'cancel', formnovalidate: true}, 'Cancel')));
    dialog.append(form);
    document.body.append(dialog);
    dialog.addEventListener('close', () => {
      const ok = dialog.returnValue === 'ok';
      dialog.remove();
      resolve(ok ? {reason: input && input.value.trim() ? input.value.trim() : undefined, form} : null);
    });
    dialog.showModal();
    (input || dialog.querySelector('#dialog-confirm')).focus();
  });
}

/** Runs an action from a button: disabled while it runs, the outcome announced. */
export async function act(button, label, fn) {
  button.disabled = true;
  try {
    const result = await fn();
    notify(label + ': done', 'ok');
    return result;
  } catch (e) {
    notify(label + ' failed: ' + e.message, 'error');
    return undefined;
  } finally {
    button.disabled = false;
  }
}

/**
 * A table paged by the server's cursors. fetchPage(cursor) resolves to {rows, count, nextCursor};
 * the cursors seen are kept so "Previous" goes back without the server knowing about it.
 */
export function pagedTable({caption, headers, fetchPage, empty}) {
  const wrap = h('div.paged');
  const status = h('span.muted', {'aria-live': 'polite'});
  const prev = h('button', {type: 'button'}, 'Previous');
  const next = h('button', {type: 'button'}, 'Next');
  const body = h('div');
  const cursors = [null];
  let at = 0;
  let nextCursor = null;
  let loading = 0;

  async function load() {
    const turn = ++loading;
    try {
      const page = await fetchPage(cursors[at]);
      if (turn !== loading) return;
      nextCursor = page.nextCursor || null;
      const t = h('table', h('caption.sr-only', caption),
        h('thead', h('tr', headers.map((x) => h('th', {scope: 'col'}, x)))));
      const tb = h('tbody');
      if (!page.rows.length) tb.append(h('tr', h('td.empty', {colspan: headers.length}, empty || 'Nothing to show')));
      for (const r of page.rows) tb.append(h('tr', r.attrs || {}, r.cells.map((c) => h('td', c))));
      t.append(tb);
      clear(body, h('div.table-wrap', t));
      status.textContent = `${page.count ?? page.rows.length} in all · page ${at + 1}`;
      prev.disabled = at === 0;
      next.disabled = !nextCursor;
    } catch (e) {
      if (turn === loading) clear(body, h('p.error', {role: 'alert'}, e.message));
    }
  }

  prev.addEventListener('click', () => {
    if (at > 0) {
      at--;
      load();
    }
  });
  next.addEventListener('click', () => {
    if (nextCursor) {
      cursors.length = at + 1;
      cursors.push(nextCursor);
      at++;
      load();
    }
  });
  wrap.append(body, h('div.pager', prev, next, status));
  return {
    el: wrap,
    /** Back to the first page (filters changed). */
    reset() {
      cursors.length = 1;
      at = 0;
      return load();
    },
    /** The same page again (something on it changed). */
    reload: load,
  };
}

/** Calls fn at most once per interval while events keep arriving. */
export function throttle(fn, ms) {
  let timer = null;
  let pending = false;
  return () => {
    if (timer) {
      pending = true;
      return;
    }
    fn();
    timer = setTimeout(function tick() {
      if (pending) {
        pending = false;
        fn();
        timer = setTimeout(tick, ms);
      } else {
        timer = null;
      }
    }, ms);
  };
}
