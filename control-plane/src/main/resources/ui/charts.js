// Time-series charts over Chart.js (loaded as a classic script: window.Chart).
// One chart per metric; one dataset per service and direction (three for latency: p50, p95, p99).

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#9c755f'];

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function clockLabel(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** A line chart of {x: unix ms, y} points; datasets appear as series are first seen. */
export class SeriesChart {
  /**
   * @param canvas the <canvas>
   * @param options {percent: bool, unit: string, maxPoints: number, legendOnly: key suffix of the
   *     datasets that get a legend entry (the others share their colour)}
   */
  constructor(canvas, { percent = false, unit = '', maxPoints = 600, legendOnly = null } = {}) {
    this.maxPoints = maxPoints;
    this.percent = percent;
    this.unit = unit;
    const grid = cssVar('--grid');
    const text = cssVar('--muted');
    this.chart = new window.Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        elements: { point: { radius: 0, hitRadius: 6 }, line: { borderWidth: 2, tension: 0.2 } },
        scales: {
          x: {
            type: 'linear',
            grid: { color: grid },
            ticks: { color: text, maxTicksLimit: 6, callback: clockLabel, display: false },
          },
          y: {
            beginAtZero: true,
            suggestedMax: percent ? 100 : undefined,
            grid: { color: grid },
            ticks: { color: text, callback: (v) => `${v}${unit}` },
          },
        },
        plugins: {
          legend: {
            labels: {
              color: text,
              boxWidth: 12,
              usePointStyle: true,
              filter: (item, data) => !legendOnly || data.datasets[item.datasetIndex].key.endsWith(legendOnly),
              generateLabels: (chart) => window.Chart.defaults.plugins.legend.labels.generateLabels(chart)
                .map((l) => (legendOnly ? { ...l, text: l.text.replace(/ p99$/, ''), lineDash: [] } : l)),
            },
          },
          tooltip: { callbacks: { title: (items) => clockLabel(items[0].parsed.x) } },
        },
      },
    });
  }

  /** The dataset for {@code key}, made on first use in the series' colour and dash. */
  dataset(key, label, colorIndex, dash = []) {
    let ds = this.chart.data.datasets.find((d) => d.key === key);
    if (!ds) {
      const color = PALETTE[colorIndex % PALETTE.length];
      ds = { key, label, data: [], borderColor: color, backgroundColor: color, borderDash: dash };
      this.chart.data.datasets.push(ds);
    }
    return ds;
  }

  /** Appends a point (null y leaves a gap) and drops points beyond the history. */
  push(key, label, colorIndex, x, y, dash) {
    const ds = this.dataset(key, label, colorIndex, dash);
    const last = ds.data[ds.data.length - 1];
    if (last && last.x >= x) return;
    ds.data.push({ x, y: y == null ? null : (this.percent ? y * 100 : y) });
    if (ds.data.length > this.maxPoints) ds.data.splice(0, ds.data.length - this.maxPoints);
  }

  /** Points drawn in total (for tests and the empty state). */
  points() {
    return this.chart.data.datasets.reduce((n, d) => n + d.data.filter((p) => p.y != null).length, 0);
  }

  render() {
    // Without a point the x axis would count from 1970: leave it blank.
    this.chart.options.scales.x.ticks.display = this.points() > 0;
    this.chart.update('none');
  }
}
