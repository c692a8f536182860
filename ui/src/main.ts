// Entry point of the kiosk webview.

import './styles/fonts.css';
import './styles/base.css';
import './styles/app.css';

import { assistEnd, kioskInfo, kioskStatus, sessionEnd, uiReady } from './api';
import {
  applyLanguage,
  goHome,
  installGuards,
  mountShell,
  onGoHome,
  registerScreens,
  setAssist,
  setInfo,
  setOnline,
  state,
} from './app';
import { button, h } from './dom';
import { errorBox } from './errors';
import { T, tr } from './i18n';
import { active as filingActive, clear as clearFiling } from './filing/session';
import {
  renderFileDelivery,
  renderFileDocs,
  renderFileDone,
  renderFileLeave,
  renderFileReview,
  renderFileStart,
  renderFileStep,
  renderSignin,
} from './screens/filing';
import { renderHome } from './screens/home';
import { renderPriority } from './screens/priority';
import { renderProcedure } from './screens/procedure';
import { renderProcedures } from './screens/procedures';
import { followAssist, renderStaff, renderStaffEnroll, renderStaffMenu, renderStaffPin } from './screens/staff';
import { renderTicket } from './screens/ticket';

const RETRY_MS = 5000;
/** How often the offline sign follows the backend's view of the office server. */
const STATUS_MS = 2000;

function watchStatus(): void {
  window.setInterval(() => {
    kioskStatus()
      .then((s) => {
        setOnline(s.online);
        followAssist(s.assisting);
      })
      .catch(() => undefined);
  }, STATUS_MS);
}

async function start(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  installGuards();
  applyLanguage('vi');
  mountShell(root);
  registerScreens({
    home: renderHome,
    priority: renderPriority,
    ticket: renderTicket,
    procedures: renderProcedures,
    procedure: renderProcedure,
    'file-start': renderFileStart,
    signin: renderSignin,
    'file-step': renderFileStep,
    'file-docs': renderFileDocs,
    'file-delivery': renderFileDelivery,
    'file-review': renderFileReview,
    'file-done': renderFileDone,
    'file-leave': renderFileLeave,
    staff: renderStaff,
    'staff-enroll': renderStaffEnroll,
    'staff-pin': renderStaffPin,
    'staff-menu': renderStaffMenu,
  });

  // A citizen's session ends whenever the kiosk goes home: Kết thúc, Home, idle.
  onGoHome(() => {
    // Staff assist mode ends with the citizen's session it helped.
    if (state.assist !== null) {
      setAssist(null);
      assistEnd().catch(() => undefined);
    }
    if (filingActive()) {
      clearFiling();
      sessionEnd().catch(() => undefined);
    }
  });

  for (;;) {
    try {
      const info = await kioskInfo();
      applyLanguage(info.language === 'en' ? 'en' : 'vi');
      setInfo(info);
      setOnline(info.online);
      watchStatus();
      goHome();
      window.requestAnimationFrame(() => {
        window.setTimeout(uiReady, 0);
      });
      return;
    } catch (e) {
      showStartupError(e);
      await new Promise((r) => window.setTimeout(r, RETRY_MS));
    }
  }
}

function showStartupError(e: unknown): void {
  const main = document.getElementById('main');
  if (!main) return;
  const err = typeof e === 'string' || (typeof e === 'object' && e !== null && 'code' in e)
    ? (e as Parameters<typeof errorBox>[0])
    : String(e);
  main.replaceChildren(
    h(
      'section',
      { class: 'screen screen-startup', 'data-screen': 'startup' },
      h(
        'div',
        { class: 'screen-body' },
        h('h1', null, tr(T.startupError)),
        errorBox(err),
        button({ class: 'btn btn-secondary', testid: 'btn-retry', onClick: () => { window.location.reload(); } }, tr(T.retry)),
      ),
    ),
  );
}

void start();
