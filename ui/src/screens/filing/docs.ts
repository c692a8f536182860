// Online filing, documents screen: attach a file or a scan for each document, or bring it on paper.

import { type CommandError, getProcedure, scannerTake } from '../../api';
import { type Screen, announce, navigate } from '../../app';
import { button, h, icon } from '../../dom';
import { errorBox } from '../../errors';
import {
  MAX_DOSSIER,
  MAX_FILE,
  type ChecklistItem,
  checklistFrom,
  attachedBytes,
  filing,
  sniff,
  toBase64,
} from '../../filing/session';
import { FT } from '../../filing/text';
import { T, copiesText, tr } from '../../i18n';
import { documentTitle } from '../docTitle';
import { filingRoot } from './shared';

/** Photos are downscaled to at most this many pixels on the long side (JPEG). */
const PHOTO_MAX_PX = 2000;

async function downscale(bytes: Uint8Array, type: string): Promise<Uint8Array> {
  if (type === 'application/pdf') return bytes;
  const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type }));
  const scale = PHOTO_MAX_PX / Math.max(bitmap.width, bitmap.height);
  if (scale >= 1 && type === 'image/jpeg') return bytes;
  const w = Math.round(bitmap.width * Math.min(1, scale));
  const hgt = Math.round(bitmap.height * Math.min(1, scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = hgt;
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, w, hgt);
  const blob = await new Promise<Blob | null>((res) => {
    canvas.toBlob(res, 'image/jpeg', 0.85);
  });
  if (!blob || blob.size >= bytes.length) return bytes;
  return new Uint8Array(await blob.arrayBuffer());
}

export function renderFileDocs(): Screen {
  const list = h('ol', { class: 'doc-pick-list', testid: 'doc-list' });
  const notice = h('div', { class: 'error-slot', testid: 'doc-error' });
  const root = filingRoot(
    'screen-file-docs',
    h('h1', null, tr(FT.docsTitle)),
    h('p', { class: 'lead' }, tr(FT.docsLead)),
    notice,
    list,
    button(
      {
        class: 'btn btn-primary btn-continue',
        testid: 'btn-continue',
        onClick: () => {
          navigate({ name: 'file-delivery' });
        },
      },
      tr(FT.continue),
      icon('chevron'),
    ),
  );

  const fail = (t: { vi: string; en: string } | CommandError): void => {
    const isText = typeof t === 'object' && 'vi' in t;
    notice.replaceChildren(isText ? h('p', { class: 'alert alert-error', role: 'alert' }, tr(t)) : errorBox(t));
    announce(notice.textContent);
  };

  const accept = async (item: ChecklistItem, fileName: string, raw: Uint8Array): Promise<void> => {
    const type = sniff(raw);
    if (!type) {
      fail(FT.docNotType);
      return;
    }
    const bytes = await downscale(raw, type);
    if (bytes.length > MAX_FILE) {
      fail(FT.docTooBig);
      return;
    }
    const others = attachedBytes() - (item.choice?.kind === 'file' ? item.choice.size : 0);
    if (others + bytes.length > MAX_DOSSIER) {
      fail(FT.docTotalTooBig);
      return;
    }
    item.choice = { kind: 'file', fileName, mediaType: type, size: bytes.length, base64: toBase64(bytes) };
    notice.replaceChildren();
    paint();
  };

  const row = (item: ChecklistItem, i: number): HTMLElement => {
    const picker = h('input', {
      type: 'file',
      accept: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png',
      class: 'visually-hidden',
      id: `doc-file-${String(i)}`,
      testid: `doc-file-${String(i)}`,
      'aria-label': `${tr(FT.docFile)}: ${item.name}`,
      tabindex: -1,
    });
    picker.addEventListener('change', () => {
      const f = picker.files?.[0];
      if (!f) return;
      if (f.size > MAX_FILE * 4) {
        fail(FT.docTooBig);
        return;
      }
      void f.arrayBuffer().then((b) => accept(item, f.name, new Uint8Array(b)));
    });
    const status =
      item.choice?.kind === 'file'
        ? `${item.choice.fileName} (${(item.choice.size / 1024 / 1024).toFixed(1)} MB)`
        : item.choice?.kind === 'paper'
          ? tr(FT.docIsPaper)
          : '';
    return h(
      'li',
      { class: 'doc-pick', testid: `doc-${String(i)}` },
      documentTitle(item.shortTitle, item.name, `doc-${String(i)}`),
      h('p', { class: 'doc-meta' }, copiesText(item.originals, item.copies)),
      status ? h('p', { class: 'doc-status', testid: `doc-status-${String(i)}` }, icon('check'), status) : null,
      h(
        'div',
        { class: 'doc-actions' },
        picker,
        button(
          {
            class: 'btn',
            testid: `doc-choose-${String(i)}`,
            onClick: () => {
              picker.click();
            },
          },
          icon('folder'),
          tr(FT.docFile),
        ),
        button(
          {
            class: 'btn',
            testid: `doc-scan-${String(i)}`,
            onClick: () => {
              scannerTake()
                .then((f) => {
                  const bin = atob(f.content_base64);
                  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
                  return accept(item, f.file_name, bytes);
                })
                .catch((e: unknown) => {
                  fail(e as CommandError);
                });
            },
          },
          icon('scanner'),
          tr(FT.docScan),
        ),
        item.choice
          ? button(
              {
                class: 'btn btn-quiet',
                testid: `doc-remove-${String(i)}`,
                onClick: () => {
                  item.choice = null;
                  paint();
                },
              },
              tr(FT.docRemove),
            )
          : button(
              {
                class: 'btn',
                testid: `doc-paper-${String(i)}`,
                onClick: () => {
                  item.choice = { kind: 'paper' };
                  paint();
                },
              },
              tr(FT.docPaper),
            ),
      ),
    );
  };

  const paint = (): void => {
    const rows = filing.documents.map(row);
    const firstCase = filing.documents.findIndex((d) => d.conditional);
    if (firstCase >= 0) {
      // What only some cases need, under its own heading.
      rows.splice(firstCase, 0, h('li', { class: 'doc-heading', testid: 'doc-cases' }, h('h2', { class: 'h-sub' }, tr(FT.docsCases))));
    }
    list.replaceChildren(...(rows.length ? rows : [h('p', null, tr(FT.docsNone))]));
  };

  if (filing.documents.length === 0 && filing.procedureCode) {
    list.replaceChildren(h('p', { class: 'muted', role: 'status' }, tr(T.searchLoading)));
    getProcedure(filing.procedureCode)
      .then((p) => {
        filing.documents = checklistFrom(p.documents);
        if (root.isConnected) paint();
      })
      .catch((e: unknown) => {
        if (root.isConnected) fail(e as CommandError);
      });
  } else {
    paint();
  }
  return { root };
}
