// Online filing, leave-confirmation screen: go back to the filing (first, primary), or cancel it
// and clear everything (an outline: one tap must not wipe the answers by mistake).

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
      // Going on is the first and inviting choice; clearing fourteen answers is an outline.
      button({ class: 'btn btn-primary btn-xl', testid: 'btn-leave-no', onClick: back }, tr(FT.leaveNo)),
      button(
        {
          class: 'btn btn-danger-outline btn-xl',
          testid: 'btn-leave-yes',
          onClick: () => {
            goHome();
          },
        },
        tr(FT.leaveYes),
      ),
    ),
  );
  return { root };
}
