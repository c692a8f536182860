// Online filing, first screen: what filing online takes, then sign in with VNeID.

import { type Route, type Screen, navigate } from '../../app';
import { button, h, icon } from '../../dom';
import { filing } from '../../filing/session';
import { FT } from '../../filing/text';
import { tr } from '../../i18n';
import { counterFallback, filingRoot } from './shared';

export function renderFileStart(route: Route): Screen {
  const r = route as Extract<Route, { name: 'file-start' }>;
  if (r.code) {
    filing.procedureCode = r.code;
    filing.procedureName = r.procName;
    filing.serviceId = r.serviceId ?? null;
  }
  const root = filingRoot(
    'screen-file-start',
    r.code ? h('p', { class: 'eyebrow', testid: 'file-procedure' }, `${tr(FT.forProcedure)}: ${r.procName}`) : null,
    h('h1', null, tr(FT.startTitle)),
    h('p', { class: 'lead' }, tr(FT.startLead)),
    h(
      'ol',
      { class: 'steps-list' },
      [FT.startStep1, FT.startStep2, FT.startStep3, FT.startStep4].map((t) => h('li', null, tr(t))),
    ),
    button(
      {
        class: 'btn btn-primary btn-xl',
        testid: 'btn-signin',
        onClick: () => {
          navigate({ name: 'signin' });
        },
      },
      icon('vneid'),
      h('span', null, tr(FT.startButton)),
    ),
    h('p', { class: 'muted' }, tr(FT.startHelp)),
    counterFallback(),
  );
  return { root };
}
