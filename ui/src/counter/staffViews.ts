// The counter page's staff screens: sign-in, password change, the audit trail (managers and
// admins) and the admin's staff and devices. Each screen is built anew on every render (a
// language change); what it loaded or typed is kept here between renders. No inline styles or
// scripts (CSP): classes from counter.css.

import { button, h, icon } from '../dom';
import { errorBox } from '../errors';
import { type Text, lang, otherLang, tr } from '../i18n';
import type { RequestError } from '../office';
import { type CommandError, type Lang, errorCode, toCommandError } from '../wire';
import {
  AUDIT_CSV_URL,
  AUDIT_PAGE,
  type AuditEntry,
  type DeviceWire,
  type EnrollCode,
  MIN_PASSWORD,
  type StaffSession,
  type StaffWire,
  changePassword,
  fetchAudit,
  listDevices,
  listStaff,
  makeEnrollCode,
  revokeDevice,
  setStaffEnabled,
  signIn,
} from './staff';
import { DEVICE_KIND, S, actionText, actorText, auditTime, clockOf, retryText, roleText, targetText } from './text';

/** A label in the page's language, the other below it, smaller. */
function label2(t: Text): Node[] {
  const other = otherLang();
  return [h('span', { class: 'field-label' }, t[lang()]), h('span', { class: 'field-label-other', lang: other }, t[other])];
}

/** A heading in the page's language with the other language under it. */
function heading2(tag: 'h1' | 'h2', t: Text, id?: string): HTMLElement {
  const other = otherLang();
  return h(tag, { id, class: 'title2' }, t[lang()], h('span', { class: 'title2-other', lang: other }, t[other]));
}

function field(id: string, t: Text, input: HTMLInputElement, help?: Text): HTMLElement {
  const helpId = help ? `${id}-help` : undefined;
  if (helpId) input.setAttribute('aria-describedby', helpId);
  return h(
    'div',
    { class: 'field' },
    h('label', { class: 'field-head', for: id }, ...label2(t)),
    help ? h('p', { id: helpId, class: 'field-help' }, `${help[lang()]} · `, h('span', { lang: otherLang() }, help[otherLang()])) : null,
    input,
  );
}

function textInput(id: string, type: 'text' | 'password', autocomplete: string): HTMLInputElement {
  return h('input', {
    id,
    name: id,
    class: 'text-input',
    testid: id,
    type,
    autocomplete,
    autocapitalize: 'off',
    spellcheck: 'false',
    maxlength: 256,
  });
}

/** A local (client-side) message as a bilingual error. */
function localError(code: string, t: Text): CommandError {
  return { code: code as 'bad_request', message: t.en, message_vi: t.vi, message_en: t.en };
}

/** The server's error, with the wait of a 429 said when its message does not say it. */
export function withWait(e: unknown): CommandError {
  const err = toCommandError(e);
  const secs = (e as RequestError | null)?.retry_after_secs;
  if (typeof err === 'string' || !secs || /\d/.test(err.message_vi)) return err;
  return {
    ...err,
    message_vi: `${err.message_vi} ${retryText(secs, 'vi')}`,
    message_en: `${err.message_en} ${retryText(secs, 'en')}`,
  };
}

// ------------------------------------------------------------------ sign-in

let typedUser = '';

export interface SignInCtx {
  /** Why the sign-in screen is shown (the session ended, signed out); null: first visit. */
  notice: Text | null;
  onSignedIn(s: StaffSession): void;
}

export function signInScreen(ctx: SignInCtx): HTMLElement {
  const user = textInput('signin-username', 'text', 'username');
  user.value = typedUser;
  user.setAttribute('required', '');
  const pass = textInput('signin-password', 'password', 'current-password');
  pass.setAttribute('required', '');
  const submit = h(
    'button',
    { type: 'submit', class: 'btn btn-primary btn-signin', testid: 'btn-sign-in' },
    h('span', null, tr(S.signIn)),
    h('span', { class: 'btn-other', lang: otherLang() }, S.signIn[otherLang()]),
  );
  const errorSlot = h('div', { class: 'error-slot', testid: 'signin-error-slot' });
  const busy = h('p', { class: 'desk-busy', role: 'status' });
  const notice = ctx.notice
    ? h(
        'div',
        { class: 'alert alert-info', role: 'status', testid: 'signin-notice' },
        icon('lock', 'icon alert-icon'),
        h(
          'div',
          { class: 'alert-text' },
          h('p', { class: 'alert-main' }, ctx.notice[lang()]),
          h('p', { class: 'alert-other', lang: otherLang() }, ctx.notice[otherLang()]),
        ),
      )
    : null;
  const form = h(
    'form',
    { class: 'staff-form', testid: 'signin-form', novalidate: true, 'aria-labelledby': 'signin-title' },
    // Above the fields: in sight with the password field focused again.
    errorSlot,
    field('signin-username', S.username, user),
    field('signin-password', S.password, pass),
    submit,
    busy,
  );
  const showError = (err: CommandError | null): void => {
    errorSlot.replaceChildren(...(err ? [errorBox(err, { title: S.signInFailed, testid: 'signin-error' })] : []));
  };
  user.addEventListener('input', () => {
    typedUser = user.value;
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const u = user.value.trim();
    const p = pass.value;
    if (!u || !p) {
      showError(localError('bad_request', S.fillBoth));
      (u ? pass : user).focus();
      return;
    }
    submit.disabled = true;
    busy.textContent = tr(S.signingIn);
    showError(null);
    signIn(u, p).then(
      (s) => {
        typedUser = '';
        ctx.onSignedIn(s);
      },
      (e: unknown) => {
        submit.disabled = false;
        busy.textContent = '';
        pass.value = '';
        showError(withWait(e));
        pass.focus();
      },
    );
  });
  return h(
    'section',
    { class: 'screen signin', 'data-screen': 'sign-in' },
    h(
      'div',
      { class: 'screen-body signin-body' },
      heading2('h1', S.signInTitle, 'signin-title'),
      h('p', { class: 'lead' }, tr(S.signInLead)),
      notice,
      form,
    ),
  );
}

/** "Checking the session…" while a reload asks the server. */
export function checkingScreen(): HTMLElement {
  return h(
    'section',
    { class: 'screen signin', 'data-screen': 'checking' },
    h('div', { class: 'screen-body signin-body' }, h('p', { class: 'lead muted', role: 'status' }, tr(S.checking))),
  );
}

// ------------------------------------------------------------------ password

let passwordDone = false;

export function passwordScreen(onBack: () => void): HTMLElement {
  const cur = textInput('password-current', 'password', 'current-password');
  const next = textInput('password-new', 'password', 'new-password');
  next.setAttribute('minlength', String(MIN_PASSWORD));
  const again = textInput('password-again', 'password', 'new-password');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'btn-password-save' }, tr(S.savePassword));
  const slot = h('div', { class: 'error-slot', testid: 'password-slot' });
  const done = (): HTMLElement =>
    h(
      'div',
      { class: 'alert alert-ok', role: 'status', testid: 'password-done' },
      icon('check', 'icon alert-icon'),
      h(
        'div',
        { class: 'alert-text' },
        h('p', { class: 'alert-main' }, tr(S.passwordChanged)),
        h('p', { class: 'alert-other', lang: otherLang() }, S.passwordChanged[otherLang()]),
      ),
    );
  if (passwordDone) slot.replaceChildren(done());
  const form = h(
    'form',
    { class: 'staff-form', testid: 'password-form', novalidate: true, 'aria-labelledby': 'password-title' },
    slot,
    field('password-current', S.currentPassword, cur),
    field('password-new', S.newPassword, next, S.newPasswordHelp),
    field('password-again', S.repeatPassword, again),
    submit,
  );
  const fail = (err: CommandError, focus: HTMLInputElement): void => {
    passwordDone = false;
    slot.replaceChildren(errorBox(err, { title: S.passwordFailed, testid: 'password-error' }));
    focus.focus();
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!cur.value) {
      fail(localError('bad_request', S.fillBoth), cur);
      return;
    }
    if (next.value.length < MIN_PASSWORD) {
      fail(localError('bad_request', S.passwordTooShort), next);
      return;
    }
    if (next.value !== again.value) {
      fail(localError('bad_request', S.passwordMismatch), again);
      return;
    }
    if (next.value === cur.value) {
      fail(localError('bad_request', S.passwordSame), next);
      return;
    }
    submit.disabled = true;
    changePassword(cur.value, next.value).then(
      () => {
        submit.disabled = false;
        passwordDone = true;
        cur.value = next.value = again.value = '';
        slot.replaceChildren(done());
      },
      (e: unknown) => {
        submit.disabled = false;
        const err = withWait(e);
        fail(err, errorCode(err) === 'bad_credentials' ? cur : next);
      },
    );
  });
  return h(
    'section',
    { class: 'screen staff-page', 'data-screen': 'password' },
    h(
      'div',
      { class: 'screen-body' },
      backButton(onBack),
      heading2('h1', S.passwordTitle, 'password-title'),
      h('p', { class: 'lead' }, tr(S.passwordLead)),
      form,
    ),
  );
}

/** Called when the password screen is left, so a later visit starts clean. */
export function resetPasswordScreen(): void {
  passwordDone = false;
}

function backButton(onBack: () => void): HTMLButtonElement {
  return button({ class: 'btn btn-secondary btn-back', testid: 'btn-back-desk', onClick: onBack }, icon('back'), h('span', null, tr(S.back)));
}

// ------------------------------------------------------------------ audit

interface AuditState {
  entries: AuditEntry[];
  loading: boolean;
  error: CommandError | null;
  end: boolean;
  loaded: boolean;
}

const audit: AuditState = { entries: [], loading: false, error: null, end: false, loaded: false };

/** Asks for the newest entries again (each time the audit view is opened). */
export function resetAudit(): void {
  audit.entries = [];
  audit.error = null;
  audit.end = false;
  audit.loaded = false;
}

function cell(text: string | null, cls?: string): HTMLTableCellElement {
  return h('td', { class: cls }, text && text.length > 0 ? text : '—');
}

function auditRow(e: AuditEntry, l: Lang): HTMLTableRowElement {
  return h(
    'tr',
    { testid: `audit-row-${e.id}`, 'data-action': e.action },
    h('td', { class: 'audit-time' }, h('time', { datetime: e.at }, auditTime(e.at))),
    cell(actorText(e, l)),
    cell(e.device),
    cell(e.assisted_by),
    h(
      'td',
      { class: 'audit-action' },
      actionText(e.action, l) ?? e.action,
      actionText(e.action, l) ? h('span', { class: 'audit-code' }, e.action) : null,
    ),
    cell(targetText(e)),
  );
}

export function auditScreen(onBack: () => void, repaint: () => void): HTMLElement {
  const l = lang();
  const body = h('tbody', null, audit.entries.map((e) => auditRow(e, l)));
  const head = h(
    'thead',
    null,
    h(
      'tr',
      null,
      [S.colTime, S.colWho, S.colDevice, S.colAssisted, S.colAction, S.colTarget].map((t) => h('th', { scope: 'col' }, tr(t))),
    ),
  );
  const table = h(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-labelledby': 'audit-title' },
    h('table', { class: 'data-table audit-table', testid: 'audit-table' }, h('caption', { class: 'visually-hidden' }, tr(S.auditCaption)), head, body),
  );
  const parts: Node[] = [];
  if (audit.error) {
    parts.push(
      errorBox(audit.error, {
        extra: button({ class: 'btn btn-secondary', testid: 'btn-audit-retry', onClick: () => void loadAudit(repaint) }, tr(S.auditMore)),
      }),
    );
  }
  if (!audit.loaded && !audit.error) parts.push(h('p', { class: 'lead muted', role: 'status' }, tr(S.auditLoading)));
  else if (audit.loaded && audit.entries.length === 0) parts.push(h('p', { class: 'lead', testid: 'audit-empty' }, tr(S.auditEmpty)));
  if (audit.entries.length > 0) parts.push(table);
  if (audit.loaded && audit.entries.length > 0) {
    parts.push(
      audit.end
        ? h('p', { class: 'lead muted', testid: 'audit-end' }, tr(S.auditEnd))
        : button(
            { class: 'btn btn-secondary audit-more', testid: 'btn-audit-more', disabled: audit.loading, onClick: () => void loadAudit(repaint) },
            tr(S.auditMore),
          ),
    );
  }
  if (!audit.loaded && !audit.loading && !audit.error) void loadAudit(repaint);
  const csv = h(
    'a',
    { class: 'btn btn-primary audit-csv', testid: 'audit-csv', href: AUDIT_CSV_URL, download: 'nhat-ky.csv', 'aria-describedby': 'audit-csv-help' },
    h('span', null, tr(S.auditCsv)),
    h('span', { class: 'btn-other', lang: otherLang() }, S.auditCsv[otherLang()]),
  );
  return h(
    'section',
    { class: 'screen staff-page audit', 'data-screen': 'audit' },
    h(
      'div',
      { class: 'screen-body' },
      h('div', { class: 'staff-page-head' }, backButton(onBack), h('div', { class: 'audit-csv-box' }, csv, h('p', { id: 'audit-csv-help', class: 'field-help' }, tr(S.auditCsvHelp)))),
      heading2('h1', S.auditTitle, 'audit-title'),
      h('p', { class: 'lead' }, tr(S.auditLead)),
      ...parts,
    ),
  );
}

async function loadAudit(repaint: () => void): Promise<void> {
  if (audit.loading) return;
  audit.loading = true;
  audit.error = null;
  const before = audit.entries.at(-1)?.id ?? null;
  try {
    const list = await fetchAudit(before);
    const known = new Set(audit.entries.map((e) => e.id));
    audit.entries.push(...list.filter((e) => !known.has(e.id)));
    audit.end = list.length < AUDIT_PAGE;
    audit.loaded = true;
  } catch (e) {
    audit.error = toCommandError(e);
  } finally {
    audit.loading = false;
  }
  repaint();
}

// ------------------------------------------------------------------ admin

interface AdminState {
  staff: StaffWire[] | null;
  devices: DeviceWire[] | null;
  code: EnrollCode | null;
  error: CommandError | null;
  busy: boolean;
  loading: boolean;
}

const admin: AdminState = { staff: null, devices: null, code: null, error: null, busy: false, loading: false };

export function resetAdmin(): void {
  admin.staff = null;
  admin.devices = null;
  admin.error = null;
}

async function loadAdmin(repaint: () => void): Promise<void> {
  if (admin.loading) return;
  admin.loading = true;
  try {
    const [staff, devices] = await Promise.all([listStaff(), listDevices()]);
    admin.staff = staff;
    admin.devices = devices;
  } catch (e) {
    admin.error = toCommandError(e);
    admin.staff ??= [];
    admin.devices ??= [];
  } finally {
    admin.loading = false;
  }
  repaint();
}

async function adminDo(repaint: () => void, f: () => Promise<void>): Promise<void> {
  if (admin.busy) return;
  admin.busy = true;
  admin.error = null;
  repaint();
  try {
    await f();
  } catch (e) {
    admin.error = withWait(e);
  } finally {
    admin.busy = false;
  }
  repaint();
}

export function adminScreen(me: string, onBack: () => void, repaint: () => void): HTMLElement {
  if (admin.staff === null && !admin.loading) void loadAdmin(repaint);
  const staffTable =
    admin.staff === null
      ? h('p', { class: 'lead muted', role: 'status' }, tr(S.loading))
      : h(
          'div',
          { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-labelledby': 'admin-staff-title' },
          h(
            'table',
            { class: 'data-table', testid: 'staff-table' },
            h('thead', null, h('tr', null, [S.colUsername, S.colName, S.colRole, S.colState, S.colAction].map((t) => h('th', { scope: 'col' }, tr(t))))),
            h(
              'tbody',
              null,
              admin.staff.map((s) =>
                h(
                  'tr',
                  { testid: `staff-row-${s.username}` },
                  h('td', null, s.username),
                  h('td', null, s.full_name),
                  h('td', null, roleText(s.role, lang())),
                  h('td', null, tr(s.enabled ? S.enabled : S.disabled)),
                  h(
                    'td',
                    null,
                    s.username === me
                      ? '—'
                      : button(
                          {
                            class: `btn ${s.enabled ? 'btn-danger-outline' : 'btn-secondary'} btn-row`,
                            testid: `btn-staff-${s.enabled ? 'disable' : 'enable'}-${s.username}`,
                            'aria-label': `${tr(s.enabled ? S.disable : S.enable)} ${s.username}`,
                            disabled: admin.busy,
                            onClick: () =>
                              void adminDo(repaint, async () => {
                                const w = await setStaffEnabled(s.username, !s.enabled);
                                admin.staff = (admin.staff ?? []).map((x) => (x.username === w.username ? w : x));
                              }),
                          },
                          tr(s.enabled ? S.disable : S.enable),
                        ),
                  ),
                ),
              ),
            ),
          ),
        );
  const devicesTable =
    admin.devices === null
      ? null
      : h(
          'div',
          { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-labelledby': 'admin-devices-title' },
          h(
            'table',
            { class: 'data-table', testid: 'devices-table' },
            h('thead', null, h('tr', null, [S.colDeviceName, S.colKind, S.colCounter, S.colCreated, S.colState, S.colAction].map((t) => h('th', { scope: 'col' }, tr(t))))),
            h(
              'tbody',
              null,
              admin.devices.map((d) =>
                h(
                  'tr',
                  { testid: `device-row-${d.name}` },
                  h('td', null, d.name),
                  h('td', null, (DEVICE_KIND[d.kind] as Text | undefined)?.[lang()] ?? d.kind),
                  h('td', null, d.counter_id ?? '—'),
                  h('td', null, auditTime(d.created_at)),
                  h('td', null, d.revoked_at ? `${tr(S.revoked)} ${auditTime(d.revoked_at)}` : tr(S.enabled)),
                  h(
                    'td',
                    null,
                    d.revoked_at
                      ? '—'
                      : button(
                          {
                            class: 'btn btn-danger-outline btn-row',
                            testid: `btn-device-revoke-${d.name}`,
                            'aria-label': `${tr(S.revoke)} ${d.name}`,
                            disabled: admin.busy,
                            onClick: () =>
                              void adminDo(repaint, async () => {
                                const w = await revokeDevice(d.name);
                                admin.devices = (admin.devices ?? []).map((x) => (x.name === w.name ? w : x));
                              }),
                          },
                          tr(S.revoke),
                        ),
                  ),
                ),
              ),
            ),
          ),
        );
  const code = admin.code
    ? h(
        'p',
        { class: 'enroll-code', testid: 'enroll-code' },
        h('span', { class: 'enroll-code-value' }, admin.code.code),
        h('span', { class: 'enroll-code-exp' }, `${tr(S.enrollExpires)} ${clockOf(admin.code.expires_at)}`),
      )
    : null;
  return h(
    'section',
    { class: 'screen staff-page admin', 'data-screen': 'admin' },
    h(
      'div',
      { class: 'screen-body' },
      backButton(onBack),
      heading2('h1', S.adminTitle, 'admin-title'),
      admin.error ? errorBox(admin.error, { title: S.actionFailed, testid: 'admin-error' }) : null,
      h('h2', { id: 'admin-staff-title' }, tr(S.staffTitle)),
      staffTable,
      h('h2', { id: 'admin-devices-title' }, tr(S.devicesTitle)),
      devicesTable,
      h('h2', { id: 'admin-enroll-title' }, tr(S.enrollTitle)),
      h('p', { class: 'lead' }, tr(S.enrollLead)),
      button(
        {
          class: 'btn btn-secondary btn-start',
          testid: 'btn-enroll-code',
          disabled: admin.busy,
          onClick: () =>
            void adminDo(repaint, async () => {
              admin.code = await makeEnrollCode('kiosk');
            }),
        },
        tr(S.enrollMake),
      ),
      code,
    ),
  );
}
