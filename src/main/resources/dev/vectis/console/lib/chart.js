// Small time charts with uPlot (served from its webjar). uPlot sizes through the CSSOM, which
// the page's Content-Security-Policy allows; it adds no inline style attributes or scripts.

import uPlot from '/console/vendor/uplot/uPlot.esm.js';
import {h} from './dom.js';

const COLOURS = ['#2f81f7', '#d1242f', '#9a6700', '#1a7f37', '#8250df'];

/**
 * A line chart: times (epoch seconds) and one array per series. Answers {el, update(times, series)}.
 */
export function chart(title, labels, {height = 170, stepped = false} = {}) {
  const el = h('figure.chart', {'aria-label': title}, h('figcaption.muted', title));
  let plot = null;
  const width = () => Math.max(200, Math.floor(el.clientWidth || 300));
  const opts = () => ({
    width: width(), height,
    series: [{}, ...labels.map((label, i) => ({
      label, stroke: COLOURS[i % COLOURS.length], width: 2,
      paths: stepped ? uPlot.paths.stepped({align: 1}) : undefined,
    }))],
    axes: [{stroke: 'currentColor', grid: {stroke: 'rgba(128,128,128,.2)'}},
      {stroke: 'currentColor', grid: {stroke: 'rgba(128,128,128,.2)'}, size: 45}],
    legend: {live: false},
    cursor: {drag: {x: false, y: false}},
  });
  let drawnWidth = 0;
  const resize = new ResizeObserver(() => {
    const w = width();
    if (plot && w !== drawnWidth) {
      drawnWidth = w;
      requestAnimationFrame(() => plot && plot.setSize({width: w, height}));
    }
  });
  resize.observe(el);
  return {
    el,
    update(times, series) {
      el.dataset.points = String(times.length);
      const d = [times, ...series];
      if (!plot) {
        drawnWidth = width();
        plot = new uPlot(opts(), d, el);
      }
      else plot.setData(d);
    },
    destroy() {
      resize.disconnect();
      if (plot) plot.destroy();
    },
  };
}
