// Online filing, sign-in screen: VNeID by QR code, polled until approved, declined or expired.

import { type CommandError, type SignInStartView, signinStart, signinStatus } from '../../api';
import { type Screen, announce, navigate } from '../../app';
import { button, h } from '../../dom';
import { errorBox } from '../../errors';
import { displayDate, formFor } from '../../filing/forms';
import { filing } from '../../filing/session';
import { FT, countdownText } from '../../filing/text';
import { tr } from '../../i18n';
import { counterFallback, demoBadge, filingRoot, svg, vi } from './shared';

/** Fills the answers the citizen's profile knows (they can still change them). */
function prefillFromProfile(): void {
  const p = filing.profile;
  if (!p) return;
  const set = (id: string, v: string | null | undefined): void => {
    if (v && !filing.answers[id]) filing.answers[id] = v.normalize('NFC');
  };
  set('applicant_name', p.full_name);
  set('applicant_id', p.id_number);
  set('applicant_birth_date', p.date_of_birth ? displayDate(p.date_of_birth) : null);
  set('applicant_address', p.address);
  set('applicant_phone', p.phone);
}

/** After sign-in: the form of the chosen procedure, or choose one (online ones only). */
function afterSignIn(): void {
  if (filing.procedureCode) {
    filing.form = formFor(filing.procedureCode, filing.procedureName);
    navigate({ name: 'file-step', index: 0 }, { replace: true });
  } else {
    navigate({ name: 'procedures', q: '', field: null, online: true, keyboard: true, pick: true }, { replace: true });
  }
}

export function renderSignin(): Screen {
  const body = h('div', { class: 'signin', testid: 'signin', 'aria-busy': 'true' }, h('p', { class: 'lead muted', role: 'status' }, tr(FT.signinStarting)));
  const root = filingRoot('screen-signin', h('h1', null, tr(FT.signinTitle)), body, counterFallback());
  let poll = 0;
  let tick = 0;
  let deadline = 0;
  const stop = (): void => {
    window.clearTimeout(poll);
    window.clearInterval(tick);
  };

  const failed = (msg: string, err?: CommandError): void => {
    stop();
    body.setAttribute('aria-busy', 'false');
    body.replaceChildren(
      err ? errorBox(err, { testid: 'signin-failed' }) : h('p', { class: 'alert alert-error', role: 'alert', testid: 'signin-failed' }, msg),
      button({ class: 'btn btn-primary btn-xl signin-retry', testid: 'btn-signin-retry', onClick: start }, tr(FT.signinRetry)),
    );
  };

  const show = (s: SignInStartView): void => {
    const count = h('p', { class: 'signin-count', testid: 'signin-countdown', 'aria-live': 'off' });
    deadline = Date.now() + s.expires_in * 1000;
    const paint = (): void => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      count.textContent = countdownText(left, vi());
    };
    paint();
    tick = window.setInterval(paint, 1000);
    body.setAttribute('aria-busy', 'false');
    body.replaceChildren(
      ...(s.demo ? [demoBadge()] : []),
      h(
        'div',
        { class: 'signin-grid' },
        h('div', { class: 'qr qr-large', testid: 'signin-qr' }, svg(s.qr_svg, tr(FT.signinTitle))),
        h(
          'div',
          { class: 'signin-text' },
          h('p', { class: 'lead' }, tr(FT.signinHow)),
          h('p', { class: 'signin-code-label' }, tr(FT.signinCode)),
          h('p', { class: 'signin-code', testid: 'signin-user-code' }, s.user_code),
          h('p', { class: 'muted' }, tr(FT.signinCodeHelp)),
          count,
          h('p', { class: 'busy', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), tr(FT.signinWaiting)),
        ),
      ),
    );
    const check = (): void => {
      signinStatus()
        .then((st) => {
          if (!root.isConnected) return;
          if (st.status === 'approved' && st.profile) {
            stop();
            filing.profile = st.profile;
            filing.demo = st.demo;
            prefillFromProfile();
            announce(tr(FT.signinOk));
            afterSignIn();
          } else if (st.status === 'pending') {
            poll = window.setTimeout(check, Math.max(1, s.interval) * 1000);
          } else if (st.status === 'denied') {
            failed(tr(FT.signinDenied));
          } else if (st.status === 'expired') {
            failed(tr(FT.signinExpired));
          } else {
            failed((vi() ? st.message_vi : st.message_en) ?? tr(FT.signinExpired));
          }
        })
        .catch((e: unknown) => {
          if (root.isConnected) failed('', e as CommandError);
        });
    };
    poll = window.setTimeout(check, Math.max(1, s.interval) * 1000);
  };

  function start(): void {
    stop();
    body.setAttribute('aria-busy', 'true');
    body.replaceChildren(h('p', { class: 'lead muted', role: 'status' }, tr(FT.signinStarting)));
    signinStart()
      .then((s) => {
        if (root.isConnected) show(s);
      })
      .catch((e: unknown) => {
        if (root.isConnected) failed('', e as CommandError);
      });
  }
  start();
  // The QR stays up while the citizen finds their phone: a longer idle time here.
  return { root, cleanup: stop, idleSecs: 180 };
}
