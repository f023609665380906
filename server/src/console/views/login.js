// Sign-in: username and password for a session cookie; wrong credentials say so.
import { ApiError, login } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function renderLogin(container, onSignedIn) {
  const message = h('p', { class: 'error', role: 'alert', hidden: true, 'data-testid': 'login-error' });
  const username = h('input', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('login.submit'));
  const form = h(
    'form',
    {
      class: 'login card',
      onsubmit: async (event) => {
        event.preventDefault();
        submit.disabled = true;
        message.hidden = true;
        try {
          onSignedIn(await login(username.value, password.value));
        } catch (error) {
          message.textContent =
            error instanceof ApiError && error.status === 429
              ? t('login.throttled')
              : error instanceof ApiError && error.status === 401
                ? t('login.failed')
                : t('common.error', { message: error.message });
          message.hidden = false;
          password.select();
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h1', {}, t('login.title')),
    h('label', {}, t('login.username'), username),
    h('label', {}, t('login.password'), password),
    message,
    submit,
  );
  container.replaceChildren(form);
  username.focus();
}
