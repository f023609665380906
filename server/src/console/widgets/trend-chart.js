// A small time-series graph (uPlot) of one figure from a device's heartbeats: the microphone
// level or the upload backlog over the hours shown. Sized to its card, redrawn when that resizes.
import uPlot from '../vendor/uplot.js';
import { h } from '../dom.js';
import { currentLanguage } from '../i18n.js';

const HEIGHT = 140;
/**
 * Half the span shown around a single heartbeat, or heartbeats within SHORTEST_SPAN_S of each
 * other. uPlot widens a time axis with one point to 86,400 / 0.001 s (its one-day default read in
 * milliseconds): 2.7 years, labelled by year; and marks a few seconds in tenths of a second, which
 * read as one repeated "23:35".
 */
const ONE_POINT_HALF_SPAN_S = 30 * 60;
const SHORTEST_SPAN_S = 60;

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
  const first = times[0];
  const last = times.at(-1);
  // Heartbeats too close to tell apart on the axis: shown as points in the middle of an hour.
  const bunched = first !== undefined && last !== undefined && last - first < SHORTEST_SPAN_S;
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
        axes: [
          { size: 30, values: timeLabels },
          { size: 76, values: (_u, ticks) => ticks.map((v) => `${v}${unit}`) },
        ],
        series: [{}, { stroke: color, width: 2, spanGaps: false, points: { show: times.length < 3 || bunched } }],
      },
      [times, values],
      plotBox,
    );
    if (bunched) {
      const middle = (first + last) / 2;
      plot.setScale('x', { min: middle - ONE_POINT_HALF_SPAN_S, max: middle + ONE_POINT_HALF_SPAN_S });
    }
  };
  new window.ResizeObserver((entries) => draw(Math.floor(entries[0].contentRect.width))).observe(plotBox);
  // The uPlot instance, for tests and the curious (as widgets/plot.js keeps it).
  element.plot = () => plot;
  return element;
}

/**
 * The time axis's labels in the console's language (uPlot's own are English: "10:45pm"): hours,
 * minutes and seconds within ten minutes (ticks can be seconds apart), hours and minutes within two
 * days, else the day and month.
 */
function timeLabels(u, ticks) {
  const span = (u.scales.x.max ?? 0) - (u.scales.x.min ?? 0);
  const clock = { hour: '2-digit', minute: '2-digit' };
  const format = new Intl.DateTimeFormat(
    currentLanguage(),
    span <= 600 ? { ...clock, second: '2-digit' } : span <= 2 * 86_400 ? clock : { day: 'numeric', month: 'short' },
  );
  return ticks.map((tick) => format.format(new Date(tick * 1000)));
}
