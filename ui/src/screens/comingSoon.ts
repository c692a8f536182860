// The plain "coming soon" page behind every tile that is not built yet: never a dead button.

import { type Route, type Screen, screenRoot } from '../app';
import { h } from '../dom';
import { T, tr } from '../i18n';
import { TILES } from './home';

export function renderComingSoon(route: Route): Screen {
  const tile = route.name === 'coming-soon' ? TILES.find((t) => t.name === route.tile) : undefined;
  const root = screenRoot(
    'screen-soon',
    tile && h('p', { class: 'eyebrow' }, tr(tile.text)),
    h('h1', null, tr(T.comingSoonTitle)),
    h('p', { class: 'lead' }, tr(T.comingSoonHelp)),
  );
  root.dataset.testid = 'coming-soon';
  if (tile) root.dataset.tile = tile.name;
  return { root };
}
