// Online filing, leave-confirmation screen: end the filing and clear everything, or go back to it.

import { type Screen, back, goHome, screenRootWith } from '../../app';
import { button, h } from '../../dom';
import { FT } from '../../filing/text';
import { tr } from '../../i18n';

export function renderFileLeave(): Screen {
  const root = screenRootWith(
    'screen-file-leave',
    {},
    h('h1', null, tr(FT.leaveTitle)),
    h('p', { class: 'lead' }, tr(FT.leaveLead)),
    h(
      'div',
      { class: 'leave-actions' },
      button(
        {
          class: 'btn btn-danger btn-xl',
          testid: 'btn-leave-yes',
          onClick: () => {
            goHome();
          },
        },
        tr(FT.leaveYes),
      ),
      button({ class: 'btn btn-xl', testid: 'btn-leave-no', onClick: back }, tr(FT.leaveNo)),
    ),
  );
  return { root };
}
