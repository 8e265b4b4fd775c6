// The progress of a long step (reading a 50,000-row file, the node's check, loading a large act): which step it is,
// how far when that is known (bytes read or received), and the seconds gone, so that nobody wonders whether the
// page has hung and clicks again.
import { useCallback, useEffect, useState } from 'react';
import { useTableText, type TableTextKey } from './table-text';

export interface ProgressState {
  step: TableTextKey;
  done?: number;
  total?: number;
  startedAt: number;
}

export function useProgress(): {
  progress: ProgressState | undefined;
  /** Starts a step (the clock keeps running from the first step until `finish`). */
  step: (step: TableTextKey) => void;
  /** How far the current step is, when it can tell. */
  advance: (done: number, total?: number) => void;
  finish: () => void;
} {
  const [progress, setProgress] = useState<ProgressState | undefined>();
  const step = useCallback(
    (s: TableTextKey) => setProgress((p) => ({ step: s, startedAt: p?.startedAt ?? performance.now() })),
    [],
  );
  const advance = useCallback(
    (done: number, total?: number) => setProgress((p) => (p ? { ...p, done, total } : p)),
    [],
  );
  const finish = useCallback(() => setProgress(undefined), []);
  return { progress, step, advance, finish };
}

export function Progress({ state }: { state: ProgressState | undefined }) {
  const w = useTableText();
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!state) return;
    const timer = setInterval(() => setNow(performance.now()), 500);
    return () => clearInterval(timer);
  }, [state]);
  if (!state) return null;
  const share = state.total ? Math.min(1, (state.done ?? 0) / state.total) : undefined;
  const seconds = Math.max(0, Math.floor((now - state.startedAt) / 1000));
  return (
    <div className="progress" role="status" data-step={state.step}>
      <span className="progress-step">{w(state.step)}</span>
      {/* Without a value the bar says "working" without pretending to know how far. */}
      <progress
        aria-label={w(state.step)}
        {...(share !== undefined ? { value: Math.round(share * 100), max: 100 } : {})}
      />
      <span className="muted">
        {share !== undefined ? `${Math.round(share * 100)} % · ` : ''}
        {w('elapsed').replace('{s}', String(seconds))}
      </span>
    </div>
  );
}
