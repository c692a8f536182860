// Online filing, delivery screen: collect the result at the office, or by post to an address.

import { type Screen, navigate } from '../../app';
import { button, h, icon } from '../../dom';
import { filing } from '../../filing/session';
import { FT } from '../../filing/text';
import { keyboard } from '../../keyboard';
import { tr } from '../../i18n';
import { choiceInput, filingRoot } from './shared';

export function renderFileDelivery(): Screen {
  const d = filing.drafts;
  let method: 'office' | 'post' = (d.delivery_method ?? filing.delivery?.method) === 'post' ? 'post' : 'office';
  let address =
    d.delivery_address ?? (filing.delivery?.method === 'post' ? filing.delivery.address : (filing.answers.applicant_address ?? ''));
  const errorSlot = h('div', { class: 'error-slot' });
  const addressBox = h('div', { class: 'q-input', testid: 'delivery-address' });
  const kb = keyboard({
    label: tr(FT.deliveryAddress),
    initial: address,
    testid: 'delivery-field',
    capitalize: 'sentence',
    onChange: (t) => {
      address = t;
      filing.drafts.delivery_address = t;
    },
  });
  kb.input.type = 'text';
  const continueBtn = button(
    {
      class: 'btn btn-primary btn-continue',
      testid: 'btn-continue',
      onClick: () => {
        if (method === 'post' && address.trim().length < 5) {
          errorSlot.replaceChildren(h('p', { class: 'alert alert-error', role: 'alert' }, tr(FT.deliveryNeedAddress)));
          return;
        }
        filing.delivery = method === 'post' ? { method: 'post', address: address.normalize('NFC').trim() } : { method: 'office' };
        navigate({ name: 'file-review' });
      },
    },
    tr(FT.continue),
    icon('chevron'),
  );
  const addressRow = h('div', { class: 'q-row' }, kb.input);
  const tail = h('div', { class: 'q-tail' });
  addressBox.append(h('p', { class: 'pin-label' }, tr(FT.deliveryAddress)), addressRow, kb.el);
  const paint = (): void => {
    addressBox.hidden = method !== 'post';
    // Continue beside the address field when the keys are up (in sight above them), else last.
    (method === 'post' ? addressRow : tail).append(continueBtn);
  };
  const choices = choiceInput(
    {
      id: 'delivery',
      kind: 'choice',
      label: FT.deliveryTitle,
      required: true,
      choices: [
        { value: 'office', label: FT.deliveryOffice },
        { value: 'post', label: FT.deliveryPost },
      ],
    },
    method,
    (v) => {
      method = v === 'post' ? 'post' : 'office';
      filing.drafts.delivery_method = method;
      paint();
    },
  );
  const root = filingRoot(
    'screen-file-delivery',
    h('h1', { id: 'q-label' }, tr(FT.deliveryTitle)),
    errorSlot,
    choices,
    addressBox,
    tail,
  );
  paint();
  return { root };
}
