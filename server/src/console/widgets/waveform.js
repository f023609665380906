// The waveform of a clip, computed in the browser: the audio bytes are decoded with Web Audio
// (Ogg/Opus and WAV alike) and reduced to one peak per bar. The server keeps no peaks, and a
// two-minute clip decodes in a fraction of a second, so nothing needs to be precomputed.
import { svg } from '../dom.js';

const BARS = 240;

/** The loudest sample (0…1) of each of `bars` equal slices, all channels mixed by taking the max. */
export function peaks(audioBuffer, bars = BARS) {
  const channels = Array.from({ length: audioBuffer.numberOfChannels }, (_, c) => audioBuffer.getChannelData(c));
  const perBar = Math.max(1, Math.floor(audioBuffer.length / bars));
  const result = new Float32Array(bars);
  for (let bar = 0; bar < bars; bar++) {
    let peak = 0;
    const end = Math.min(audioBuffer.length, (bar + 1) * perBar);
    for (const data of channels) {
      for (let i = bar * perBar; i < end; i++) {
        const value = Math.abs(data[i]);
        if (value > peak) peak = value;
      }
    }
    result[bar] = peak;
  }
  return result;
}

export async function decode(bytes) {
  // An offline context decodes without opening a sound device (tablets, headless browsers).
  const context = new OfflineAudioContext(1, 1, 48_000);
  return context.decodeAudioData(bytes);
}

/**
 * An SVG of bars, louder taller, scaled to the clip's loudest moment; the part already played
 * is coloured by `setProgress(0…1)`; a click calls `onSeek(fraction)`. `marks` (fractions of the
 * clip) shade the answer window and draw the press, so a manager sees where to listen.
 */
export function waveformView(values, onSeek, marks = {}) {
  const loudest = Math.max(...values, 1e-4);
  const width = values.length;
  const bars = Array.from(values, (value, i) => {
    const height = Math.max(0.02, value / loudest) * 46;
    return svg('rect', { x: i + 0.15, y: 50 - height, width: 0.7, height: height * 2, 'data-bar': i });
  });
  const played = svg('clipPath', { id: 'played-part' }, svg('rect', { x: 0, y: 0, width: 0, height: 100 }));
  const element = svg(
    'svg',
    {
      class: 'waveform',
      viewBox: `0 0 ${width} 100`,
      preserveAspectRatio: 'none',
      role: 'img',
      'data-testid': 'waveform',
      onclick: (event) => {
        const box = element.getBoundingClientRect();
        onSeek(Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)));
      },
    },
    svg('defs', {}, played),
    marks.window
      ? svg('rect', {
          class: 'answer-window',
          'data-testid': 'answer-window',
          x: marks.window[0] * width,
          width: Math.max(0.5, (marks.window[1] - marks.window[0]) * width),
          y: 0,
          height: 100,
        })
      : null,
    svg('g', { class: 'bars' }, bars),
    svg(
      'g',
      { class: 'bars played', 'clip-path': 'url(#played-part)' },
      bars.map((bar) => bar.cloneNode()),
    ),
    marks.press === undefined
      ? null
      : svg('line', {
          class: 'press-mark',
          'data-testid': 'press-mark',
          x1: marks.press * width,
          x2: marks.press * width,
          y1: 0,
          y2: 100,
        }),
  );
  return {
    element,
    setProgress(fraction) {
      played.firstChild.setAttribute('width', String(width * fraction));
    },
  };
}
