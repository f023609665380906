// A claim token as the technician takes it to the device: the enrolment command as a QR code
// (for a phone at the Pi) and as text to copy, with when it stops working.
import { h } from '../dom.js';
import { formatDateTime, t } from '../i18n.js';
import qrcode from '../vendor/qrcode.js';

/** The command a technician runs on the Pi (README's enrolment step). */
export function enrolCommand(token) {
  return `earshot-device enrol --server ${location.origin} --token ${token}`;
}

export function claimTokenCard({ deviceId, token, expiresAt }) {
  const command = enrolCommand(token);
  const qr = qrcode(0, 'M');
  qr.addData(command);
  qr.make();
  const text = h('code', { class: 'claim-command', 'data-testid': 'claim-command' }, command);
  const copied = h('span', { class: 'muted small', role: 'status' });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
      copied.textContent = t('admin.devices.copied');
    } catch {
      // No clipboard (a plain-HTTP address): select the text for Ctrl-C instead.
      window.getSelection().selectAllChildren(text);
      copied.textContent = t('admin.devices.copyByHand');
    }
  };
  return h(
    'div',
    { class: 'card claim-token', 'data-testid': 'claim-token', 'data-device-id': deviceId },
    h('h2', {}, t('admin.devices.tokenFor', { id: deviceId })),
    h('img', {
      src: qr.createDataURL(4, 8),
      alt: t('admin.devices.qrAlt'),
      class: 'qr',
      'data-testid': 'claim-qr',
    }),
    text,
    h(
      'p',
      {},
      h('button', { type: 'button', 'data-action': 'copy-claim', onclick: copy }, t('admin.devices.copy')),
      ' ',
      copied,
    ),
    h('p', { class: 'muted small' }, t('admin.devices.expires', { at: formatDateTime(expiresAt) })),
  );
}
