// The waveform of a clip, drawn by wavesurfer.js over the very <audio> element that plays it, so
// the waveform, the native controls and the keyboard all move one playhead. The answer window is
// a region and the press a marker (regions plugin); neither can be dragged: they are facts.
import WaveSurfer from '../vendor/wavesurfer.js';
import RegionsPlugin from '../vendor/wavesurfer-regions.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

/**
 * The nonce the server put in this page's policy (style-src 'nonce-…'): wavesurfer writes a
 * <style> into its shadow root, which the console's CSP lets in only with it.
 */
const styleNonce = document.querySelector('meta[name=style-nonce]')?.getAttribute('content') ?? '';

/**
 * A waveform for `audio` (whose src is the clip's audio URL). `marks` in milliseconds:
 * {window: [startMs, endMs], pressMs}. The bytes are fetched as a range so that the server
 * records a listen, not a download. `onError(error)` says why nothing could be drawn.
 */
export function waveformView(audio, marks = {}, onError = () => {}) {
  const element = h('div', {
    class: 'waveform',
    'data-testid': 'waveform',
    'data-state': 'loading',
    role: 'img',
    'aria-label': t('player.waveform'),
  });
  const regions = RegionsPlugin.create();
  const wavesurfer = WaveSurfer.create({
    container: element,
    media: audio,
    // The absolute URL, as the media element reports it: a different string would make
    // wavesurfer swap in a blob: URL, which the CSP's media-src refuses.
    url: audio.src,
    fetchParams: { headers: { range: 'bytes=0-' }, credentials: 'same-origin' },
    audioRate: audio.playbackRate,
    cspNonce: styleNonce,
    height: 96,
    waveColor: '#b9c6df',
    progressColor: '#2458c6',
    cursorColor: '#1d2430',
    barWidth: 2,
    barGap: 1,
    barRadius: 1,
    normalize: true,
    dragToSeek: true,
    plugins: [regions],
  });

  wavesurfer.on('decode', () => {
    regions.clearRegions();
    if (marks.window) {
      const region = regions.addRegion({
        id: 'answer-window',
        start: marks.window[0] / 1000,
        end: marks.window[1] / 1000,
        color: 'rgba(216, 163, 26, 0.22)',
        drag: false,
        resize: false,
      });
      region.element?.setAttribute('data-testid', 'answer-window');
    }
    if (marks.pressMs !== undefined) {
      const press = regions.addRegion({
        id: 'press',
        start: marks.pressMs / 1000,
        color: '#d14b3c',
        content: t('player.press'),
        drag: false,
        resize: false,
      });
      press.element?.setAttribute('data-testid', 'press-mark');
    }
    element.dataset.state = 'ready';
  });
  wavesurfer.on('error', (error) => {
    element.dataset.state = 'failed';
    onError(error);
  });

  return {
    element,
    wavesurfer,
    destroy: () => wavesurfer.destroy(),
  };
}
