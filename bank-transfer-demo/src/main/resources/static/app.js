// The twophase demo page: plain fetch against the demo's REST API, no framework, no build step.
// Every failed request is shown as "title: detail" (the server's problem+json) under the form or
// panel that caused it; a network failure is shown the same way, never swallowed.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const POLL_MS = 2000;
  const SPANS = 'spans=bank-a+bank-b+broker';

  // ---------------------------------------------------------------- HTTP

  class ApiError extends Error {
    constructor(message, status, problem) {
      super(message);
      this.status = status; // 0 for a network failure
      this.problem = problem;
    }
  }

  /** One request; resolves {status, data, headers} on 2xx, rejects with an ApiError otherwise. */
  async function api(method, url, { body, auth } = {}) {
    const headers = { Accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (auth) headers.Authorization = auth;
    let response;
    let text;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        // Admin calls carry only the header built from the login form: no cookies and no
        // credentials the browser may have cached, and no browser login dialog on a 401.
        credentials: auth ? 'omit' : 'same-origin',
      });
      text = await response.text();
    } catch (e) {
      setServerState(false, e);
      throw new ApiError(`Network error: ${method} ${url} got no answer (${e.message}). Is the server running?`, 0, null);
    }
    setServerState(true);
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = null;
      }
    }
    if (!response.ok) throw new ApiError(problemMessage(response, data, text), response.status, data);
    return { status: response.status, data, headers: response.headers };
  }

  function problemMessage(response, data, text) {
    if (data && typeof data === 'object' && (data.title || data.detail)) {
      const title = data.title || `HTTP ${response.status}`;
      return data.detail ? `${title}: ${data.detail}` : title;
    }
    const snippet = (text || '').trim().slice(0, 200);
    return `HTTP ${response.status} ${response.statusText || ''}`.trim() + (snippet ? `: ${snippet}` : '');
  }

  function setServerState(reachable, error) {
    const box = $('server-status');
    box.dataset.state = reachable ? 'up' : 'down';
    box.textContent = reachable ? 'server reachable' : 'server unreachable';
    box.title = reachable ? '' : String(error && error.message);
  }

  // ---------------------------------------------------------------- DOM helpers

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name.startsWith('data-')) node.setAttribute(name, String(value));
      else if (name in node) node[name] = value;
      else node.setAttribute(name, String(value));
    }
    node.append(...children.filter((c) => c !== undefined && c !== null));
    return node;
  }

  function showError(id, error) {
    const box = $(id);
    box.textContent = error instanceof Error ? error.message : String(error);
    box.hidden = false;
    if (!(error instanceof ApiError)) console.error(error); // a bug of this page, not a server answer
  }

  function showResult(id, text, outcome) {
    const box = $(id);
    box.textContent = text;
    if (outcome) box.dataset.outcome = outcome;
    else delete box.dataset.outcome;
    box.hidden = false;
  }

  function clear(id) {
    const box = $(id);
    box.textContent = '';
    box.hidden = true;
  }

  /** Greys out what a panel shows while it could not be reloaded: the figures may be old. */
  function markStale(id, stale) {
    $(id).classList.toggle('stale', stale);
  }

  /**
   * Brings tbody's rows in line with items, keeping (and only updating) the row of an item that
   * is still there: a row a user, or a browser test, holds on to survives a refresh.
   */
  function syncRows(tbody, items, key, create, update) {
    const existing = new Map();
    for (const row of tbody.querySelectorAll(':scope > tr[data-key]')) existing.set(row.dataset.key, row);
    for (const row of tbody.querySelectorAll(':scope > tr:not([data-key])')) row.remove();
    items.forEach((item, i) => {
      const k = key(item);
      let row = existing.get(k);
      if (row) existing.delete(k);
      else {
        row = create(item);
        row.dataset.key = k;
      }
      update(row, item);
      if (tbody.children[i] !== row) tbody.insertBefore(row, tbody.children[i] || null);
    });
    existing.forEach((row) => row.remove());
  }

  const selectKeys = new WeakMap();

  /** Replaces a select's options only when they changed, keeping the user's choice. */
  function fillSelect(select, options, fallback) {
    const key = JSON.stringify(options);
    if (selectKeys.get(select) === key) return;
    const previous = select.value;
    select.replaceChildren(...options.map((o) => el('option', { value: o.value }, o.label)));
    selectKeys.set(select, key);
    if (options.some((o) => o.value === previous)) select.value = previous;
    else if (fallback !== undefined && options.some((o) => o.value === fallback)) select.value = fallback;
  }

  /** Thrown instead of an answer that arrived after a newer answer of the same loader was shown. */
  const STALE = new Error('superseded by a newer answer');

  /** Wraps a loader so that an older answer never overwrites a newer one (polls and refreshes overlap). */
  function latestOnly(load) {
    let started = 0;
    let shown = 0;
    return async () => {
      const seq = ++started;
      try {
        const value = await load();
        if (seq < shown) throw STALE;
        shown = seq;
        return value;
      } catch (e) {
        if (e === STALE || seq < shown) throw STALE;
        shown = seq;
        throw e;
      }
    };
  }

  // ---------------------------------------------------------------- formats

  function formatCents(cents) {
    const abs = Math.abs(cents);
    const units = Math.floor(abs / 100).toLocaleString('en-US');
    return `${cents < 0 ? '-' : ''}${units}.${String(abs % 100).padStart(2, '0')}`;
  }

  /** "15", "15.5" or "15.00" to integer cents; anything else is refused here, before sending. */
  function parseAmount(text) {
    const match = /^(-?)(\d*)(?:\.(\d{1,2}))?$/.exec(text.trim());
    if (!match || (match[2] === '' && match[3] === undefined)) {
      throw new Error(`Invalid amount: '${text}' is not a decimal with at most two digits after the point, e.g. 15.00`);
    }
    const cents = Number(match[2] || '0') * 100 + Number((match[3] || '').padEnd(2, '0'));
    if (!Number.isSafeInteger(cents)) throw new Error(`Invalid amount: '${text}' is too large`);
    return match[1] ? -cents : cents;
  }

  /** A JSON number as typed (the server judges range and fractions); anything else is refused here. */
  function parseNumber(text, what) {
    const trimmed = text.trim();
    if (!/^-?\d+(\.\d+)?$/.test(trimmed)) throw new Error(`Invalid ${what}: '${text}' is not a number, e.g. 1`);
    return Number(trimmed);
  }

  function time(iso) {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleTimeString('en-GB');
  }

  function age(iso) {
    const ms = Date.now() - new Date(iso).getTime();
    if (Number.isNaN(ms)) return String(iso ?? '');
    const s = Math.max(0, Math.round(ms / 1000));
    return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // randomUUID exists only in secure contexts (https, localhost); getRandomValues everywhere.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function basicAuth(user, password) {
    const bytes = new TextEncoder().encode(`${user}:${password}`);
    return `Basic ${btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''))}`;
  }

  const accountLabel = (bank, id) => `Bank ${bank} · ${id}`;

  // ---------------------------------------------------------------- 1. banks

  const fetchAccounts = latestOnly(() => api('GET', '/api/accounts'));

  async function loadAccounts() {
    try {
      const accounts = (await fetchAccounts()).data;
      if (!Array.isArray(accounts)) throw new Error('GET /api/accounts: expected a JSON array');
      let all = 0;
      for (const bank of ['A', 'B']) {
        const mine = accounts.filter((a) => a.bank === bank);
        syncRows($(`accounts-${bank}`), mine, (a) => a.id,
          (a) => el('tr', {}, el('td', { class: 'mono' }, a.id), el('td'),
            el('td', { id: `balance-${a.id}`, class: 'num' })),
          (row, a) => {
            row.children[1].textContent = a.owner ?? '';
            const cell = row.children[2];
            cell.dataset.cents = String(a.balanceCents);
            cell.textContent = formatCents(a.balanceCents);
          });
        const total = mine.reduce((sum, a) => sum + a.balanceCents, 0);
        $(`total-${bank}`).textContent = formatCents(total);
        all += total;
      }
      $('total-all').textContent = formatCents(all);
      const options = accounts.map((a) => ({ value: `${a.bank}:${a.id}`, label: accountLabel(a.bank, a.id) }));
      const first = (bank) => options.find((o) => o.value.startsWith(`${bank}:`))?.value;
      fillSelect($('transfer-from'), options, first('A'));
      fillSelect($('transfer-to'), options, first('B'));
      clear('accounts-load-error');
      markStale('banks', false);
    } catch (e) {
      if (e === STALE) return;
      showError('accounts-load-error', e);
      markStale('banks', true);
    }
  }

  function accountRef(value) {
    const cut = value.indexOf(':');
    return { bank: value.slice(0, cut), account: value.slice(cut + 1) };
  }

  async function submitTransfer(event) {
    event.preventDefault();
    const button = $('transfer-submit');
    button.disabled = true;
    try {
      const from = accountRef($('transfer-from').value);
      const to = accountRef($('transfer-to').value);
      const amountCents = parseAmount($('transfer-amount').value);
      const mode = $('transfer-mode').value;
      const body = { from, to, amountCents, idempotencyKey: newKey() };
      if (mode !== 'xa') body.mode = mode;
      const { data, headers } = await api('POST', '/api/transfers', { body });
      clear('transfer-error');
      const replayed = headers.get('Idempotent-Replayed') === 'true' ? ' (a replay of an earlier request)' : '';
      const route = `${formatCents(data.amountCents)} from ${accountLabel(data.from.bank, data.from.account)}`
        + ` to ${accountLabel(data.to.bank, data.to.account)}`;
      if (mode === 'xa') {
        showResult('transfer-result', `Committed${replayed}: ${route} on bank A, bank B and the broker. Transfer ${data.id}.`);
      } else if (data.state === 'DONE') {
        showResult('transfer-result', `${data.mode} done${replayed}: ${route}, in local transactions. Transfer ${data.id}.`);
      } else {
        showResult('transfer-result', `${data.mode} ${data.state.toLowerCase()}${replayed}: ${route} debited;`
          + ` the credit follows once the relay has published its event. Transfer ${data.id}.`);
        followUntilSettled(data.id, route);
      }
    } catch (e) {
      clear('transfer-result');
      showError('transfer-error', e);
    } finally {
      button.disabled = false;
    }
    await refreshAll();
  }

  /**
   * An outbox transfer is answered before its credit: watch its log (up to 15 s) and show the
   * balances again once it is settled, so the page does not stay on the debited-only state.
   */
  async function followUntilSettled(id, route) {
    for (let i = 0; i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      try {
        const { data } = await api('GET', `/api/transfers/${encodeURIComponent(id)}`);
        if (data.finishedAt) {
          if ($('transfer-result').textContent.includes(id)) {
            showResult('transfer-result', `${data.mode} ${data.state.toLowerCase()}: ${route}, credited. Transfer ${id}.`);
          }
          await refreshAll();
          return;
        }
      } catch (e) {
        return; // the next action or reload shows the state; nothing to report here
      }
    }
  }

  // ---------------------------------------------------------------- 2. articles

  const fetchArticles = latestOnly(() => api('GET', '/api/articles'));

  async function loadArticles() {
    try {
      const articles = (await fetchArticles()).data;
      if (!Array.isArray(articles)) throw new Error('GET /api/articles: expected a JSON array');
      syncRows($('articles-body'), articles, (a) => a.id,
        (a) => el('tr', {},
          el('td', {}, el('span', { class: 'title' }), ' ', el('span', { class: 'mono muted' }, a.id)),
          el('td', { class: 'num' }, el('span', { id: `likes-${a.id}`, class: 'count' })),
          el('td', { class: 'actions' },
            el('button', { type: 'button', id: `like-${a.id}`, 'data-article': a.id, 'data-action': 'like' }, 'Like'),
            el('button', { type: 'button', id: `unlike-${a.id}`, 'data-article': a.id, 'data-action': 'unlike', class: 'secondary' }, 'Unlike'))),
        (row, a) => {
          row.querySelector('.title').textContent = a.title;
          const count = row.querySelector('.count');
          count.dataset.count = String(a.likeCount);
          count.textContent = String(a.likeCount);
        });
      clear('articles-load-error');
      markStale('articles-body', false);
    } catch (e) {
      if (e === STALE) return;
      showError('articles-load-error', e);
      markStale('articles-body', true);
    }
  }

  async function likeClicked(event) {
    const button = event.target.closest('button[data-article]');
    if (!button) return;
    const article = button.dataset.article;
    const userId = $('like-user').value.trim();
    const liking = button.dataset.action === 'like';
    const mode = $('like-mode').value;
    try {
      const body = mode === 'xa' ? { userId } : { userId, mode };
      const { data } = liking
        ? await api('POST', `/api/articles/${encodeURIComponent(article)}/likes`, { body })
        : await api('DELETE', `/api/articles/${encodeURIComponent(article)}/likes/${encodeURIComponent(userId)}`);
      clear('like-error');
      if (!liking || mode === 'xa') {
        showResult('like-result', `${data.userId} ${liking ? 'likes' : 'no longer likes'} ${data.articleId}: `
          + `count ${data.likeCount}, committed on bank A, bank B and the broker.`);
      } else if (data.state === 'DONE') {
        showResult('like-result', `${data.mode} like done: ${data.userId} likes ${data.articleId}, in local transactions. Like ${data.id}.`);
      } else {
        showResult('like-result', `${data.mode} like ${data.state.toLowerCase()}: ${data.userId} likes ${data.articleId};`
          + ` the count follows once the relay has published its event. Like ${data.id}.`);
        setTimeout(refreshAll, 1500);
      }
    } catch (e) {
      clear('like-result');
      showError('like-error', e);
    }
    await refreshAll();
  }

  // ---------------------------------------------------------------- 3. products

  const fetchProducts = latestOnly(() => api('GET', '/api/products'));

  async function loadProducts() {
    try {
      const products = (await fetchProducts()).data;
      if (!Array.isArray(products)) throw new Error('GET /api/products: expected a JSON array');
      syncRows($('products-body'), products, (p) => p.sku,
        (p) => el('tr', {},
          el('td', {}, el('span', { class: 'mono' }, p.sku), ' ', el('span', { class: 'muted name' })),
          el('td', { class: 'num' }, el('span', { id: `stock-${p.sku}`, class: 'count' })),
          el('td', { class: 'num muted held', id: `held-${p.sku}` }),
          el('td', { class: 'num muted initial' })),
        (row, p) => {
          row.querySelector('.name').textContent = p.name;
          const stock = row.querySelector('.count');
          stock.dataset.stock = String(p.stock);
          stock.textContent = String(p.stock);
          row.querySelector('.initial').textContent = String(p.initialStock);
          row.querySelector('.held').textContent = String(p.heldStock);
        });
      fillSelect($('order-sku'), products.map((p) => ({ value: p.sku, label: `${p.sku} · ${p.name}` })));
      clear('products-load-error');
      markStale('products-body', false);
    } catch (e) {
      if (e === STALE) return;
      showError('products-load-error', e);
      markStale('products-body', true);
    }
  }

  async function submitOrder(event) {
    event.preventDefault();
    const button = $('order-submit');
    button.disabled = true;
    try {
      const body = {
        sku: $('order-sku').value,
        quantity: parseNumber($('order-quantity').value, 'quantity'),
        userId: $('order-user').value.trim(),
        strategy: $('order-strategy').value,
      };
      const mode = $('order-mode').value;
      if (mode !== 'xa') body.mode = mode;
      const { data } = await api('POST', '/api/orders', { body });
      clear('order-error');
      const what = `${data.quantity} × ${data.sku} for ${data.userId}`;
      if (mode === 'xa') {
        showResult('order-result', `Order ${data.id}: ${what} (${data.strategy}),`
          + ` stock now ${data.stockAfter}, ${data.attempts} ${data.attempts === 1 ? 'transaction' : 'transactions'}.`);
      } else if (data.state === 'DONE') {
        showResult('order-result', `${data.mode} order done: ${what}, in local transactions. Order ${data.id}.`);
      } else {
        showResult('order-result', `${data.mode} order ${data.state.toLowerCase()}: ${what}, stock taken;`
          + ` the order row follows once the relay has published its event. Order ${data.id}.`);
        followOrder(data.id, what);
      }
    } catch (e) {
      clear('order-result');
      showError('order-error', e);
    } finally {
      button.disabled = false;
    }
    await refreshAll();
  }

  /** An outbox order is answered before its order row: watch its log (up to 15 s), as for a transfer. */
  async function followOrder(id, what) {
    for (let i = 0; i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      try {
        const { data } = await api('GET', `/api/orders/${encodeURIComponent(id)}`);
        if (data.finishedAt) {
          if ($('order-result').textContent.includes(id)) {
            showResult('order-result', `${data.mode} order ${data.state.toLowerCase()}: ${what}, order row written. Order ${id}.`);
          }
          await refreshAll();
          return;
        }
      } catch (e) {
        return; // the next action or reload shows the state
      }
    }
  }

  // ---------------------------------------------------------------- 4. live

  const fetchEvents = latestOnly(() => api('GET', '/api/events?limit=20'));
  const fetchConsistency = latestOnly(() => api('GET', '/api/consistency'));

  async function loadEvents() {
    const list = $('events');
    try {
      let events;
      try {
        events = (await fetchEvents()).data;
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
        events = []; // an application without the events endpoint has nothing to show yet
      }
      if (!Array.isArray(events)) throw new Error('GET /api/events: expected a JSON array');
      const at = (ev) => Date.parse(ev.receivedAt) || 0;
      const newestFirst = [...events].sort((a, b) => at(b) - at(a));
      list.replaceChildren(...(newestFirst.length === 0
        ? [el('li', { class: 'empty' }, 'no events yet')]
        : newestFirst.map((ev) => el('li', { 'data-event-type': ev.eventType, title: `event ${ev.eventId}` },
          el('span', { class: `badge type-${ev.eventType}` }, ev.eventType),
          el('span', { class: 'mono key' }, ev.businessKey),
          el('time', { dateTime: ev.receivedAt }, time(ev.receivedAt))))));
      clear('events-load-error');
      markStale('events', false);
    } catch (e) {
      if (e === STALE) return;
      showError('events-load-error', e);
      markStale('events', true);
    }
  }

  /** Per mode: how many transfers and orders let a reader see a half-done state, and for how long. */
  function intermediateSummary(figures) {
    const line = (f) => ['saga', 'tcc', 'outbox'].filter((m) => f && f[m])
      .map((m) => `${m}: ${f[m].exposed} seen half-done, p50 ${f[m].p50Ms} ms, max ${f[m].maxMs} ms`)
      .join('; ');
    const orders = figures && figures.orders ? line(figures.orders) : '';
    const likes = figures && figures.likes ? line(figures.likes) : '';
    return `transfers: ${line(figures)}` + (orders ? ` · orders: ${orders}` : '') + (likes ? ` · likes: ${likes}` : '');
  }

  async function loadConsistency() {
    const status = $('consistency-status');
    try {
      const report = (await fetchConsistency()).data;
      if (!report || typeof report.consistent !== 'boolean') throw new Error('GET /api/consistency: no "consistent" field');
      status.dataset.consistent = String(report.consistent);
      status.textContent = report.consistent ? 'Consistent: yes' : 'Consistent: NO';
      status.title = `checked at ${report.checkedAt}`;
      $('consistency-checks').replaceChildren(...(report.invariants || []).map((inv) => {
        const failed = inv.status !== 'PASS';
        const detail = failed ? ((inv.violations || []).join('; ') || inv.description)
          : inv.name === 'intermediate-states' ? intermediateSummary(inv.figures) : undefined;
        return el('li', { class: failed ? 'fail' : 'pass', title: inv.description, 'data-check': inv.name },
          el('span', { class: 'mono' }, inv.name), detail ? el('span', { class: 'detail' }, detail) : null);
      }));
      clear('consistency-load-error');
    } catch (e) {
      if (e === STALE) return;
      delete status.dataset.consistent; // unknown is not "true"
      status.textContent = 'Consistent: unknown';
      $('consistency-checks').replaceChildren();
      showError('consistency-load-error', e);
    }
  }

  // ---------------------------------------------------------------- 4b. protocol timeline

  const fetchTimeline = latestOnly(() => api('GET', '/api/timeline?limit=6&participants=2'));
  const ACTORS = ['bank-a', 'bank-b', 'broker', 'coordinator'];

  /** A step's colour class: work, a yes vote or a success, an undo, a no vote or a failure, a log record, a skipped step. */
  function stepClass(step) {
    if (step.actor === 'coordinator') return 'log';
    if (step.step === 'recover') return 'doubt'; // a branch a recovery scan found prepared after a restart
    if (step.result.startsWith('skipped')) return 'skip';
    if (step.result === 'ok' || step.result === 'yes' || step.result === 'read-only') {
      if (/^(rollback|.* (compensate|cancel))/.test(step.step)) return 'undo';
      return /^(start|end)/.test(step.step) ? 'work' : 'good';
    }
    return 'bad';
  }

  function timelineBar(s, order, total) {
    const label = s.step.replace('commit-one-phase', '1PC').replace('log ', '') + (s.step === 'prepare' || s.step === 'recover' ? `: ${s.result}` : '');
    // A wide bar carries its label inside; a bar near the right end has it on its left, others on their right.
    const inside = s.micros / total > 0.12;
    const late = !inside && (s.atMicros / total > 0.7 || (s.atMicros + s.micros) / total > 0.85);
    return el('span', {
      class: `tl-bar ${stepClass(s)}${inside ? ' tl-inside' : late ? ' tl-late' : ''}`,
      'data-step': s.step,
      'data-result': s.result,
      'data-order': order,
      style: `left:${(100 * s.atMicros / total).toFixed(2)}%;width:${Math.max(0.8, 100 * s.micros / total).toFixed(2)}%`,
      title: `${s.actor}: ${s.step} → ${s.result}, at ${(s.atMicros / 1000).toFixed(2)} ms, took ${(s.micros / 1000).toFixed(2)} ms`,
    }, el('span', { class: 'tl-label' }, label));
  }

  /** Transactions whose details the user opened; the list is redrawn every 2 s and they stay open. */
  const openedTimeline = new Set();

  function timelineDetail(tx) {
    const ms = (micros) => (micros / 1000).toFixed(2);
    return el('table', { class: 'tl-detail' },
      el('thead', {}, el('tr', {}, ...['who', 'Xid (gtrid:bqual)', 'step', 'at ms', 'took ms', 'answer'].map((h) => el('th', {}, h)))),
      el('tbody', {}, ...(tx.steps || []).map((s) => el('tr', { 'data-step': s.step },
        el('td', { class: 'mono' }, s.actor),
        el('td', { class: 'mono' }, s.branch ? `${tx.gtrid}:${s.branch}` : '–'),
        el('td', {}, s.step),
        el('td', { class: 'num' }, ms(s.atMicros)),
        el('td', { class: 'num' }, ms(s.micros)),
        el('td', { class: 'mono' }, s.result)))));
  }

  function timelineEntry(tx, index) {
    const steps = (tx.steps || []).map((s, order) => ({ ...s, order }));
    const total = Math.max(1, ...steps.map((s) => s.atMicros + s.micros));
    const seen = [...new Set(steps.map((s) => s.actor))];
    const actors = [...ACTORS.filter((a) => seen.includes(a)), ...seen.filter((a) => !ACTORS.includes(a))];
    const colour = { 'bank-a': 'a', 'bank-b': 'b' };
    const rows = actors.map((actor) => el('div', { class: 'tl-row', 'data-actor': actor },
      el('span', { class: `tl-actor p-${colour[actor] || actor}` }, actor),
      el('div', { class: 'tl-track' }, ...steps.filter((s) => s.actor === actor).map((s) => timelineBar(s, s.order, total)))));
    const opened = openedTimeline.has(tx.gtrid);
    const head = el('button', { type: 'button', class: 'tl-head', 'aria-expanded': String(opened), title: 'show or hide every step' },
      el('span', { class: `badge outcome-${tx.outcome.replace(' ', '-')}` }, tx.outcome),
      el('strong', { class: 'tl-action' }, tx.action || 'XA transaction'),
      el('span', { class: 'mono' }, tx.gtrid),
      el('span', { class: 'muted' }, `${(total / 1000).toFixed(2)} ms · ${time(new Date(tx.startedMillis).toISOString())}`));
    const detail = timelineDetail(tx);
    detail.hidden = !opened;
    const cut = lastDrill && lastDrill.gtrid === tx.gtrid; // the transaction the drill's crash cut
    return el('li', { class: `tl-tx${cut ? ' tl-drill' : ''}`, 'data-gtrid': tx.gtrid, 'data-outcome': tx.outcome, 'data-action': tx.action, 'data-index': index },
      head, ...rows, detail);
  }

  function timelineClicked(event) {
    const head = event.target.closest('.tl-head');
    if (!head) return;
    const entry = head.closest('.tl-tx');
    const detail = entry.querySelector('.tl-detail');
    detail.hidden = !detail.hidden;
    head.setAttribute('aria-expanded', String(!detail.hidden));
    if (detail.hidden) openedTimeline.delete(entry.dataset.gtrid);
    else openedTimeline.add(entry.dataset.gtrid);
  }

  async function loadTimeline() {
    const list = $('timeline-list');
    try {
      let txs;
      try {
        txs = (await fetchTimeline()).data;
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
        txs = null; // the application runs without the timeline (twophase.coordinator.timeline.enabled=false)
      }
      if (txs !== null && !Array.isArray(txs)) throw new Error('GET /api/timeline: expected a JSON array');
      list.replaceChildren(...(txs === null ? [el('li', { class: 'empty' }, 'the timeline is off in this application')]
        : txs.length === 0 ? [el('li', { class: 'empty' }, 'no global transaction yet')]
          : txs.map(timelineEntry)));
      clear('timeline-load-error');
    } catch (e) {
      if (e === STALE) return;
      showError('timeline-load-error', e);
    }
  }

  // ---------------------------------------------------------------- 4c. crash-and-recover drill

  const fetchDrill = latestOnly(() => api('GET', '/api/drill'));
  const DRILL_ACTIVE = ['RUNNING', 'HALTED', 'RECOVERING'];
  const EXPECT = {
    BEFORE_PREPARE: 'nothing is decided yet: recovery rolls back every branch',
    AFTER_PREPARE: 'this branch is prepared, the decision is not logged: recovery rolls back every branch',
    BEFORE_COMMIT: 'every branch voted yes and the commit decision is logged: recovery commits every branch',
    AFTER_COMMIT: 'this branch committed, the others may still be prepared: recovery commits them',
  };
  /** The last drill the server reported, and what the page itself saw of the crash (its own clock). */
  let lastDrill = null;
  let lostAt = null;
  let backAt = null;
  let drillOptionsFilled = false;
  let supervised = false;

  const drillActive = () => (lastDrill && DRILL_ACTIVE.includes(lastDrill.stage)) || (lostAt !== null && backAt === null);

  function drillFormChanged() {
    const point = $('drill-point').value;
    $('drill-expect').textContent = point ? `${point}: ${EXPECT[point] || ''}` : '';
  }

  /** "+1.2 s" from the crash (or the request, before it) to an instant; '' without one. */
  function sinceCrash(d, iso) {
    if (!iso) return '';
    const from = Date.parse(d.haltedAt || d.requestedAt);
    const s = (Date.parse(iso) - from) / 1000;
    return `${s >= 0 ? '+' : ''}${s.toFixed(1)} s`;
  }

  function drillSteps(d) {
    const ended = !DRILL_ACTIVE.includes(d.stage);
    const refused = d.stage === 'NOT_REACHED' || d.stage === 'FAILED';
    const lost = lostAt !== null;
    const halted = Boolean(d.haltedAt) || lost || Boolean(d.restartedAt);
    const recovery = Object.entries(d.recovery || {}).map(([p, what]) => `${p}: ${what}`).join('; ');
    const steps = [
      ['armed', `armed ${d.rule}; a ${d.flow} runs into it`, d.requestedAt, 'done'],
      ['halted', d.haltedAt ? `halted at ${d.point} of ${d.participant}${d.gtrid ? `, cutting ${d.gtrid}` : ''}`
        : lost ? 'the connection dropped: the server halted' : `running the ${d.flow} into ${d.point} of ${d.participant}`,
      d.haltedAt, refused ? 'failed' : halted ? 'done' : 'active'],
      ['restarted', d.restartedAt ? 'started again by the supervisor (a new JVM)' : 'waiting for the restart', d.restartedAt,
        d.restartedAt ? 'done' : halted && !refused ? 'active' : 'pending'],
      ['ready', 'serving again', d.readyAt, d.readyAt ? 'done' : 'pending'],
      ['recovery', d.recoveryCompleteAt ? `recovery complete${recovery ? `: ${recovery}` : ': nothing was left in doubt'}`
        : 'recovery resolving what the crash left in doubt', d.recoveryCompleteAt,
      d.recoveryCompleteAt ? 'done' : d.readyAt ? 'active' : 'pending'],
      ['consistent', d.consistentAt ? `consistency check passes: ${d.outcome} at every participant` : 'consistency check',
        d.consistentAt, d.consistentAt ? 'done' : d.stage === 'OVERDUE' ? 'failed' : d.recoveryCompleteAt ? 'active' : 'pending'],
    ];
    // Done steps in the order they happened (recovery may finish before or after the server serves again), then the rest.
    const shown = (refused ? steps.slice(0, 2) : steps).map((step, i) => ({ step, i }));
    shown.sort((x, y) => {
      const [tx, ty] = [x.step[2], y.step[2]].map((at) => (at ? Date.parse(at) : Infinity));
      return tx === ty ? x.i - y.i : tx - ty;
    });
    return shown.map(({ step: [key, text, at, state] }) => el('li', { 'data-step': key, 'data-state': ended && state === 'active' ? 'failed' : state },
      el('span', { class: 'at' }, sinceCrash(d, at)), el('span', {}, text)));
  }

  function renderConnection() {
    const badge = $('drill-connection');
    if (lostAt === null) {
      badge.hidden = true;
      delete badge.dataset.state;
      return;
    }
    badge.hidden = false;
    if (backAt === null) {
      badge.dataset.state = 'lost';
      badge.textContent = `connection lost · down for ${((Date.now() - lostAt) / 1000).toFixed(1)} s`;
    } else {
      badge.dataset.state = 'up';
      badge.textContent = `connection back after ${((backAt - lostAt) / 1000).toFixed(1)} s`;
    }
  }

  function renderDrill(state) {
    const section = $('drill');
    section.hidden = !state.available;
    if (!state.available) return;
    if (!drillOptionsFilled) {
      fillSelect($('drill-flow'), state.flows.map((f) => ({ value: f, label: f })), 'transfer');
      fillSelect($('drill-participant'), state.participants.map((p) => ({ value: p, label: p })), 'bank-b');
      fillSelect($('drill-point'), state.points.map((p) => ({ value: p, label: p })), 'BEFORE_COMMIT');
      drillOptionsFilled = true;
      drillFormChanged();
    }
    supervised = state.supervised;
    $('drill-supervisor').textContent = state.supervised
      ? `A supervisor restarts this server after a crash (restarts so far: ${state.restarts}).`
      : 'No supervisor here: after the crash, start the server again with the same command (or start it with'
        + ' --spring.profiles.active=drill, whose supervisor restarts it by itself).';
    $('drill-login-hint').hidden = admin !== null;
    if (state.loadError) showError('drill-load-error', new Error(`The last drill could not be read: ${state.loadError}`));
    const d = state.drill;
    if (!d || (lastDrill && lastDrill.id !== d.id)) {
      lostAt = null;
      backAt = null;
    }
    lastDrill = d;
    $('drill-status').hidden = !d;
    $('drill-start').disabled = drillActive();
    if (!d) return;
    $('drill-status').dataset.stage = d.stage;
    $('drill-title').textContent = `Drill ${d.id}: a ${d.flow}, crash at ${d.point} of ${d.participant}`;
    $('drill-steps').replaceChildren(...drillSteps(d));
    const message = $('drill-message');
    message.textContent = d.message || '';
    message.dataset.stage = d.stage;
    renderConnection();
  }

  async function loadDrill() {
    try {
      const state = (await fetchDrill()).data;
      if (!state || typeof state.available !== 'boolean') throw new Error('GET /api/drill: no "available" field');
      if (lostAt !== null && backAt === null) backAt = Date.now();
      renderDrill(state);
      if (!state.loadError) clear('drill-load-error');
    } catch (e) {
      if (e === STALE) return;
      if (e instanceof ApiError && e.status === 0 && drillActive()) {
        // The drill's crash: the server is gone. Say so, and count how long.
        if (lostAt === null || backAt !== null) {
          lostAt = Date.now();
          backAt = null;
        }
        if (lastDrill) {
          $('drill-steps').replaceChildren(...drillSteps(lastDrill));
          const message = $('drill-message');
          message.dataset.stage = 'DOWN';
          message.textContent = supervised
            ? 'The server is down, as after a power cut; its supervisor is starting it again.'
            : 'The server is down, as after a power cut: start it again with the same command; recovery runs at startup.';
        }
        renderConnection();
        return;
      }
      if (!$('drill').hidden) showError('drill-load-error', e);
    }
  }

  /** Every 500 ms while a drill runs (to catch the drop and the return), every 2 s otherwise. */
  async function pollDrill() {
    try {
      await loadDrill();
    } finally {
      setTimeout(pollDrill, drillActive() ? 500 : POLL_MS);
    }
  }

  async function startDrill(event) {
    event.preventDefault();
    const button = $('drill-start');
    button.disabled = true;
    try {
      const body = { flow: $('drill-flow').value, participant: $('drill-participant').value, point: $('drill-point').value };
      const { data } = await api('POST', '/admin/drill', { body, auth: admin?.header });
      lostAt = null;
      backAt = null;
      lastDrill = data;
      clear('drill-error');
    } catch (e) {
      showError('drill-error', e);
    } finally {
      button.disabled = drillActive();
    }
    await loadDrill();
  }

  const loadLive = () => Promise.all([loadEvents(), loadConsistency(), loadTimeline()]);

  // ---------------------------------------------------------------- 5. faults

  const fetchFaults = latestOnly(() => api('GET', '/admin/faults', { auth: admin?.header }));

  async function loadFaults() {
    const section = $('faults');
    try {
      const state = (await fetchFaults()).data;
      if (!state || state.enabled === false) {
        section.hidden = true;
        return;
      }
      section.hidden = false;
      const armed = state.armed || [];
      $('fault-armed').replaceChildren(...(armed.length === 0
        ? [el('li', { class: 'empty' }, 'nothing armed')]
        : armed.map((rule) => el('li', { 'data-rule': rule }, rule))));
      const fired = state.fired || [];
      $('fault-fired').replaceChildren(...(fired.length === 0
        ? [el('li', { class: 'empty' }, 'nothing fired yet')]
        : [...fired].reverse().map((f) => el('li', {},
          `${time(f.at)} ${f.participant} ${f.point} xid=${f.xid ?? '–'}`, el('br'), el('span', { class: 'muted' }, f.rule)))));
      clear('faults-load-error');
    } catch (e) {
      if (e === STALE) return;
      if (e instanceof ApiError && e.status === 409) {
        section.hidden = true; // started without twophase.faults.enabled=true
        clear('faults-load-error');
        return;
      }
      if (e.status !== 0) section.hidden = false; // a visible error, not a silently missing panel
      showError('faults-load-error', e);
    }
  }

  function faultRule() {
    const action = $('fault-action').value;
    const act = action === 'FAIL' ? `FAIL(${$('fault-code').value})`
      : action === 'DELAY' ? `DELAY(${$('fault-delay').value.trim()})` : action;
    return `${$('fault-participant').value}:${$('fault-point').value}:${act}:${SPANS}`;
  }

  function faultFormChanged() {
    const action = $('fault-action').value;
    for (const label of document.querySelectorAll('#fault-form [data-for-action]')) {
      label.hidden = label.dataset.forAction !== action;
    }
    $('fault-rule-preview').textContent = faultRule();
  }

  async function armFault(event) {
    event.preventDefault();
    const button = $('fault-arm');
    button.disabled = true;
    try {
      await api('POST', '/admin/faults', { body: { rule: faultRule() }, auth: admin?.header });
      clear('fault-error');
    } catch (e) {
      showError('fault-error', e);
    } finally {
      button.disabled = false;
    }
    await refreshAll();
  }

  async function disarmFaults() {
    try {
      await api('DELETE', '/admin/faults', { auth: admin?.header });
      clear('fault-error');
    } catch (e) {
      showError('fault-error', e);
    }
    await refreshAll();
  }

  // ---------------------------------------------------------------- 6. in-doubt branches

  /** The operator's credentials: in this closure only, never in storage or cookies. */
  let admin = null;

  function renderBranches(branches) {
    if (!Array.isArray(branches)) throw new Error('GET /admin/branches: expected a JSON array');
    const tbody = $('branches-body');
    syncRows(tbody, branches, (b) => `${b.participant} ${b.xid}`,
      () => el('tr', {}, ...Array.from({ length: 8 }, () => el('td')),
        el('td', { class: 'actions' },
          el('button', { type: 'button', class: 'branch-commit' }, 'Commit'),
          el('button', { type: 'button', class: 'branch-rollback' }, 'Rollback'))),
      (row, b) => {
        row.dataset.xid = b.xid;
        row.dataset.participant = b.participant;
        const cells = row.children;
        cells[0].textContent = b.participant;
        cells[1].textContent = b.xid;
        cells[1].className = 'mono xid';
        cells[2].textContent = b.decision ?? '';
        cells[3].textContent = b.recommendation ?? '';
        cells[3].className = 'recommendation';
        cells[4].textContent = b.run ?? '';
        cells[5].textContent = b.inFlight ? 'yes' : 'no';
        cells[6].textContent = b.reason ?? '';
        cells[6].className = 'reason';
        cells[7].textContent = age(b.createdAt);
        cells[7].title = String(b.createdAt ?? '');
        const rec = String(b.recommendation || '').toUpperCase();
        for (const [cls, kind] of [['branch-commit', 'COMMIT'], ['branch-rollback', 'ROLLBACK']]) {
          const button = row.querySelector(`.${cls}`);
          button.dataset.xid = b.xid;
          button.classList.toggle('recommended', rec === kind);
          button.title = rec === kind ? 'recommended by the transaction log' : '';
        }
      });
    if (branches.length === 0) tbody.append(el('tr', { class: 'empty' }, el('td', { colSpan: 9 }, 'No in-doubt branches.')));
  }

  function showLoggedIn(loggedIn) {
    $('admin-login-form').hidden = loggedIn;
    $('admin-session').hidden = !loggedIn;
    $('branches').hidden = !loggedIn;
    $('admin-whoami').textContent = loggedIn ? admin.user : '';
    if (!loggedIn) {
      $('branches-body').replaceChildren();
      clear('branches-load-error');
    }
  }

  async function loadBranches() {
    if (!admin) return;
    const session = admin;
    try {
      const { data } = await api('GET', '/admin/branches', { auth: session.header });
      if (admin !== session) return;
      renderBranches(data);
      clear('branches-load-error');
    } catch (e) {
      // Keeps the credentials: the user may log out, or the server may come back.
      if (admin === session) showError('branches-load-error', e);
    }
  }

  async function login(event) {
    event.preventDefault();
    const user = $('admin-user').value.trim();
    const password = $('admin-password').value;
    $('admin-password').value = '';
    clear('admin-result');
    try {
      if (!user || !password) throw new Error('Enter the operator user and password.');
      const header = basicAuth(user, password);
      const { data } = await api('GET', '/admin/branches', { auth: header });
      admin = { user, header };
      renderBranches(data);
      showLoggedIn(true);
      clear('admin-error');
    } catch (e) {
      admin = null;
      showLoggedIn(false);
      showError('admin-error', e);
    }
    await refreshAll();
  }

  function logout() {
    admin = null;
    showLoggedIn(false);
    clear('admin-error');
    clear('admin-result');
    refreshAll();
  }

  async function branchClicked(event) {
    const button = event.target.closest('button.branch-commit, button.branch-rollback');
    if (!button || !admin) return;
    const kind = button.classList.contains('branch-commit') ? 'commit' : 'rollback';
    button.disabled = true;
    try {
      const { data } = await api('POST', `/admin/branches/${kind}`,
        { auth: admin.header, body: { xid: button.dataset.xid, force: false, reason: null } });
      clear('admin-error');
      const flags = [data.forced ? 'forced' : null, data.heuristic ? 'heuristic' : null].filter(Boolean).join(', ');
      showResult('admin-result', `${data.outcome}${flags ? ` (${flags})` : ''}: ${data.message ?? ''}`
        + (data.auditId ? ` [audit ${data.auditId}]` : ''), data.outcome);
    } catch (e) {
      clear('admin-result');
      showError('admin-error', e);
    } finally {
      button.disabled = false;
    }
    await refreshAll();
  }

  // ---------------------------------------------------------------- refresh and wiring

  let refreshed = 0;
  let refreshing = Promise.resolve();

  /**
   * Reloads every panel; each panel shows its own load error. Refreshes run one after another, so
   * body[data-refreshed] counts completed refreshes in order and a test waiting for it to grow
   * after an action sees that action's effect.
   */
  function refreshAll() {
    const run = () => Promise.all([loadAccounts(), loadArticles(), loadProducts(), loadLive(), loadFaults(), loadBranches()])
      .catch((e) => console.error(e))
      .then(() => {
        refreshed += 1;
        document.body.dataset.refreshed = String(refreshed);
      });
    refreshing = refreshing.then(run, run);
    return refreshing;
  }

  async function poll() {
    const wasDown = $('server-status').dataset.state === 'down';
    try {
      await loadLive();
      // Back after a crash (a HALT fault, a restart): show what recovery left, in every panel.
      if (wasDown && $('server-status').dataset.state === 'up') await refreshAll();
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  function start() {
    $('transfer-form').addEventListener('submit', submitTransfer);
    $('articles-body').addEventListener('click', likeClicked);
    $('order-form').addEventListener('submit', submitOrder);
    $('fault-form').addEventListener('submit', armFault);
    $('fault-form').addEventListener('change', faultFormChanged);
    $('fault-form').addEventListener('input', faultFormChanged);
    $('fault-disarm').addEventListener('click', disarmFaults);
    $('admin-login-form').addEventListener('submit', login);
    $('admin-logout').addEventListener('click', logout);
    $('branches-body').addEventListener('click', branchClicked);
    $('timeline-list').addEventListener('click', timelineClicked);
    $('drill-form').addEventListener('submit', startDrill);
    $('drill-form').addEventListener('change', drillFormChanged);
    faultFormChanged();
    refreshAll().then(() => setTimeout(poll, POLL_MS));
    pollDrill();
  }

  start();
})();
