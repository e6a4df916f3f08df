// Corral's dashboard: reads the control plane's stats history once, then polls for new samples.
// Everything comes from the control plane's own HTTP API (see docs/dashboard.md).
import { SeriesChart } from './charts.js';

const POLL_MS = 2000;
const POLICIES_EVERY_MS = 5000;
const $ = (selector) => document.querySelector(selector);

const state = {
  lastAsOf: 0,
  colors: new Map(), // "service|direction" → palette index, stable for the page's life
  latest: null, // the newest stats view
  policiesRoute: false,
  lastPoliciesAt: 0,
};

const charts = {
  rps: new SeriesChart($('#chart-rps'), { unit: '' }),
  success: new SeriesChart($('#chart-success'), { percent: true, unit: '%' }),
  // One legend entry per series (its p99 line); p50 and p95 share its colour.
  latency: new SeriesChart($('#chart-latency'), { unit: ' ms', legendOnly: '|p99' }),
  cache: new SeriesChart($('#chart-cache'), { percent: true, unit: '%' }),
  collapse: new SeriesChart($('#chart-collapse'), { percent: true, unit: '%' }),
};

// For tests and the curious: window.corral.charts.rps.points()
window.corral = { charts, state };

// ---- formatting ----

/** images.shop.svc.cluster.local → images.shop */
export function shortName(service) {
  const m = /^([^.]+)\.([^.]+)\.svc(\..*)?$/.exec(service);
  return m ? `${m[1]}.${m[2]}` : service;
}

const fmt = {
  rps: (v) => (v == null ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1)),
  pct: (v) => (v == null ? '–' : `${(v * 100).toFixed(v >= 0.9995 || v === 0 ? 0 : 1)}%`),
  ms: (v) => (v == null ? '–' : v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`),
};

function colorOf(key) {
  if (!state.colors.has(key)) state.colors.set(key, state.colors.size);
  return state.colors.get(key);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

// ---- rendering ----

function addToCharts(view) {
  const x = view.asOfUnixMs;
  for (const s of view.services) {
    const key = `${s.service}|${s.direction}`;
    const label = `${shortName(s.service)} (${s.direction === 'inbound' ? 'in' : 'out'})`;
    const c = colorOf(key);
    charts.rps.push(key, label, c, x, s.rps);
    charts.success.push(key, label, c, x, s.successRate);
    charts.cache.push(key, label, c, x, s.cacheHitRatio);
    charts.collapse.push(key, label, c, x, s.collapseRatio);
    charts.latency.push(`${key}|p50`, `${label} p50`, c, x, s.latencyMs.p50, [2, 3]);
    charts.latency.push(`${key}|p95`, `${label} p95`, c, x, s.latencyMs.p95, [6, 4]);
    charts.latency.push(`${key}|p99`, `${label} p99`, c, x, s.latencyMs.p99, []);
  }
}

function renderTiles(view) {
  const tiles = $('#tiles');
  tiles.replaceChildren(
    ...view.services.map((s) => {
      const stat = (name, value, title) => el('div', { class: 'stat', title: title ?? name }, el('dt', {}, name), el('dd', {}, value));
      const bad = s.successRate != null && s.successRate < 0.99;
      return el(
        'li',
        { class: `tile${bad ? ' tile-bad' : ''}`, 'data-service': s.service, 'data-direction': s.direction },
        el('h3', {}, el('span', { class: 'swatch', style: `--c: var(--c${colorOf(`${s.service}|${s.direction}`) % 8})`, 'aria-hidden': 'true' }),
          shortName(s.service), ' ', el('span', { class: `badge badge-${s.direction}` }, s.direction)),
        el(
          'dl',
          {},
          stat('RPS', fmt.rps(s.rps), 'requests per second over the window'),
          stat('Success', fmt.pct(s.successRate), 'share of responses that were not 5xx'),
          stat('p50', fmt.ms(s.latencyMs.p50)),
          stat('p95', fmt.ms(s.latencyMs.p95)),
          stat('p99', fmt.ms(s.latencyMs.p99)),
          stat('Cache hit', fmt.pct(s.cacheHitRatio), 'cache hits / lookups'),
          stat('Collapsed', fmt.pct(s.collapseRatio), 'followers / (leaders + followers)'),
          stat('Retries/s', fmt.rps(s.retriesPerSecond)),
          stat('Ejections', String(s.ejections), 'hosts ejected by outlier detection in the window'),
          stat('Sidecars', String(s.sidecars), 'sidecars that reported this service'),
        ),
      );
    }),
  );
  $('#services-empty').hidden = view.services.length > 0;
}

function renderLatestTables(view) {
  const rows = {
    rps: (s) => [fmt.rps(s.rps)],
    success: (s) => [fmt.pct(s.successRate)],
    latency: (s) => [fmt.ms(s.latencyMs.p50), fmt.ms(s.latencyMs.p95), fmt.ms(s.latencyMs.p99)],
    cache: (s) => [fmt.pct(s.cacheHitRatio)],
    collapse: (s) => [fmt.pct(s.collapseRatio)],
  };
  for (const figure of document.querySelectorAll('figure.chart')) {
    const metric = figure.dataset.metric;
    const heads = metric === 'latency' ? ['p50', 'p95', 'p99'] : [figure.querySelector('figcaption').textContent];
    const table = figure.querySelector('table.latest');
    table.replaceChildren(
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Service'), el('th', { scope: 'col' }, 'Direction'),
        ...heads.map((h) => el('th', { scope: 'col', class: 'num' }, h)))),
      el('tbody', {}, ...view.services.map((s) => el('tr', {}, el('th', { scope: 'row' }, shortName(s.service)),
        el('td', {}, s.direction), ...rows[metric](s).map((v) => el('td', { class: 'num' }, v))))),
    );
  }
}

function renderEdges(view) {
  const edges = view.edges ?? [];
  $('#edges tbody').replaceChildren(
    ...edges.map((e) =>
      el('tr', {}, el('td', {}, shortName(e.source)), el('td', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
        el('td', {}, shortName(e.destination)), el('td', { class: 'num' }, fmt.rps(e.rps)),
        el('td', { class: 'num' }, fmt.pct(e.successRate)), el('td', { class: 'num' }, fmt.ms(e.latencyMs.p50)),
        el('td', { class: 'num' }, fmt.ms(e.latencyMs.p99)))),
  );
  $('#edges').hidden = edges.length === 0;
  $('#edges-empty').hidden = edges.length > 0;
}

function renderStatus(view, ok) {
  const status = $('#status');
  status.classList.toggle('status-bad', !ok);
  if (!ok) {
    status.textContent = 'control plane unreachable: retrying';
    return;
  }
  const at = new Date(view?.asOfUnixMs ?? Date.now()).toLocaleTimeString();
  status.textContent = view
    ? `${view.sidecars} sidecar${view.sidecars === 1 ? '' : 's'} reporting · ${view.windowSeconds}s window · updated ${at}`
    : 'waiting for the first stats sample…';
}

// ---- policies ----

function condition(policy, type) {
  const list = policy.conditions ?? policy.status?.conditions ?? [];
  return list.find((c) => c.type === type);
}

function conditionCell(c) {
  if (!c) return el('td', {}, '–');
  const ok = c.status === 'True' || c.status === true;
  return el('td', { class: ok ? 'ok' : 'bad', title: c.message ?? '' }, `${ok ? '✔' : '✘'} ${c.reason ?? c.status}`);
}

function renderPolicies(policies) {
  const empty = $('#policies-empty');
  if (policies == null) {
    $('#policies').hidden = true;
    empty.hidden = false;
    empty.textContent = 'Policy status unavailable: this control plane does not serve /api/v1/policies.';
    return;
  }
  $('#policies tbody').replaceChildren(
    ...policies.map((p) => {
      const name = p.namespace ? `${p.namespace}/${p.name}` : p.name;
      const target = typeof p.target === 'string' ? p.target : p.targetRef?.name ?? p.target?.name ?? '–';
      return el('tr', {}, el('td', {}, p.kind ?? '–'), el('td', {}, name ?? '–'), el('td', {}, target),
        conditionCell(condition(p, 'Accepted')), conditionCell(condition(p, 'Programmed')));
    }),
  );
  $('#policies').hidden = policies.length === 0;
  empty.hidden = policies.length > 0;
  empty.textContent = 'No policies.';
}

async function refreshPolicies() {
  if (!state.policiesRoute) {
    renderPolicies(null);
    return;
  }
  try {
    const response = await fetch('/api/v1/policies', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    renderPolicies(Array.isArray(body) ? body : body.policies ?? []);
  } catch {
    renderPolicies(null);
  }
}

// ---- the loop ----

async function poll() {
  try {
    const response = await fetch(`/api/v1/stats/history?since=${state.lastAsOf}`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const history = await response.json();
    $('#charts-note').textContent = `one point every ${history.intervalSeconds}s`;
    for (const view of history.points) {
      addToCharts(view);
      state.lastAsOf = view.asOfUnixMs;
      state.latest = view;
    }
    if (history.points.length > 0) {
      Object.values(charts).forEach((c) => c.render());
      for (const figure of document.querySelectorAll('figure.chart')) {
        figure.classList.toggle('no-data', charts[figure.dataset.metric].points() === 0);
      }
      renderTiles(state.latest);
      renderLatestTables(state.latest);
      renderEdges(state.latest);
    }
    renderStatus(state.latest, true);
  } catch {
    renderStatus(state.latest, false);
  }
  if (Date.now() - state.lastPoliciesAt >= POLICIES_EVERY_MS) {
    state.lastPoliciesAt = Date.now();
    await refreshPolicies();
  }
  setTimeout(poll, POLL_MS);
}

async function start() {
  try {
    const index = await (await fetch('/api/v1', { cache: 'no-store' })).json();
    state.policiesRoute = (index.routes ?? []).includes('/api/v1/policies');
  } catch {
    state.policiesRoute = false;
  }
  renderEdges({ edges: [] });
  poll();
}

start();
