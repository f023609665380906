// A small time-series graph (uPlot) of one figure from a device's heartbeats: the microphone
// level or the upload backlog over the hours shown. Sized to its card, redrawn when that resizes.
import uPlot from '../vendor/uplot.js';
import { h } from '../dom.js';

const HEIGHT = 140;

/** uPlot's own stylesheet, linked once (the CSP allows only this origin's styles). */
function ensureStylesheet() {
  if (document.querySelector('link[data-uplot]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/console/vendor/uplot.css', 'data-uplot': true }));
}

/**
 * title: shown above; times: epoch seconds; values: numbers or null (a gap); unit: after values on
 * the axis; floor: the axis's lowest value (counts), else fitted to the data. Returns the element;
 * the graph draws once the element is in the page.
 */
export function trendChart({ title, times, values, unit, testid, color = '#2458c6', floor }) {
  ensureStylesheet();
  const plotBox = h('div', { class: 'trend-plot' });
  const element = h('figure', { class: 'trend', 'data-testid': testid }, h('figcaption', {}, title), plotBox);
  let plot;
  const draw = (width) => {
    if (width <= 0) return;
    if (plot) return plot.setSize({ width, height: HEIGHT });
    plot = new uPlot(
      {
        width,
        height: HEIGHT,
        legend: { show: false },
        cursor: { y: false },
        // A count starts at 0 with some head room: a flat 0 then reads as "none", not as a scale to 100.
        scales: {
          x: { time: true },
          y: floor === undefined ? {} : { range: (_u, _min, max) => [floor, Math.max(5, max)] },
        },
        axes: [{ size: 30 }, { size: 76, values: (_u, ticks) => ticks.map((v) => `${v}${unit}`) }],
        series: [{}, { stroke: color, width: 2, spanGaps: false, points: { show: times.length < 3 } }],
      },
      [times, values],
      plotBox,
    );
  };
  new window.ResizeObserver((entries) => draw(Math.floor(entries[0].contentRect.width))).observe(plotBox);
  return element;
}
