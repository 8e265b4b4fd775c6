// PDFs shown without a plugin: pdf.js (Mozilla's, well kept) draws each page on a canvas. It is loaded only when a
// PDF is first opened or counted (the first screen does not pay for it), its worker is a file of the console's own
// bundle (the CSP allows scripts from 'self' only), and nothing in the file runs: no eval, no XFA, no scripting
// sandbox, no annotation layer with links or forms — the page is pixels.
import { useEffect, useRef, useState } from 'react';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { useDocsText } from './docs-text';

type PdfJs = typeof import('pdfjs-dist');
let lib: Promise<PdfJs> | undefined;

function pdfjs(): Promise<PdfJs> {
  lib ??= Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]).then(
    ([m, worker]) => {
      m.GlobalWorkerOptions.workerSrc = worker.default;
      return m;
    },
  );
  return lib;
}

async function open(data: ArrayBuffer): Promise<PDFDocumentProxy> {
  const m = await pdfjs();
  return m.getDocument({
    data: new Uint8Array(data),
    isEvalSupported: false,
    enableXfa: false,
    // No fetching of fonts, colour profiles or wasm from anywhere: what the file embeds, or the browser's fonts.
    useSystemFonts: true,
    stopAtErrors: true,
  }).promise;
}

/** A PDF's page count as pdf.js reads it (the clinic's form offers it; the gateway counts again). */
export async function pdfPageCount(file: Blob): Promise<number> {
  const doc = await open(await file.arrayBuffer());
  try {
    return doc.numPages;
  } finally {
    void doc.destroy();
  }
}

/** One page at a time with «previous / next»: a 300-page scan is not drawn whole. */
export function PdfPreview({ blob, title }: { blob: Blob; title: string }) {
  const d = useDocsText();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [doc, setDoc] = useState<PDFDocumentProxy | undefined>();
  const [page, setPage] = useState(1);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let gone = false;
    let opened: PDFDocumentProxy | undefined;
    blob
      .arrayBuffer()
      .then(open)
      .then((x) => {
        opened = x;
        if (gone) void x.destroy();
        else setDoc(x);
      })
      .catch(() => !gone && setFailed(true));
    return () => {
      gone = true;
      void opened?.destroy();
    };
  }, [blob]);
  useEffect(() => {
    if (!doc || !canvas.current) return;
    let task: { cancel(): void; promise: Promise<void> } | undefined;
    let gone = false;
    void doc.getPage(page).then((p) => {
      if (gone || !canvas.current) return;
      const viewport = p.getViewport({ scale: 1.5 });
      const c = canvas.current;
      c.width = Math.floor(viewport.width);
      c.height = Math.floor(viewport.height);
      task = p.render({ canvas: c, viewport });
      task.promise.catch(() => undefined);
    });
    return () => {
      gone = true;
      task?.cancel();
    };
  }, [doc, page]);
  if (failed)
    return (
      <p role="alert" className="alert error">
        {d('pdfFailed')}
      </p>
    );
  if (!doc) return <p>{d('pdfLoading')}</p>;
  const label = `${title}: ${d('page')} ${page} ${d('of')} ${doc.numPages}`;
  return (
    <div className="pdf-preview" data-pdf-pages={doc.numPages}>
      <div className="actions">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          ← {d('prevPage')}
        </button>
        <span data-pdf-page={page}>
          {d('page')} {page} {d('of')} {doc.numPages}
        </span>
        <button type="button" disabled={page >= doc.numPages} onClick={() => setPage(page + 1)}>
          {d('nextPage')} →
        </button>
      </div>
      <canvas ref={canvas} role="img" aria-label={label} className="preview" />
    </div>
  );
}
