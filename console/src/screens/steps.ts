// One step at a time on a screen that lists what the gateway holds: the step runs, the screen says what was done or
// what went wrong, and the list is read again (a step changes it). Shared by the request screens and «Поручения».
import { useRef, useState } from 'react';
import { useAction } from '../common';

/** Runs one step and reloads the list; resolves true when it went through, so a form that sent can clear itself. */
export type Act = (fn: () => Promise<unknown>, done?: string) => Promise<boolean>;

/**
 * The step runner of a screen whose list `reload` reads (given once it exists: `reload.current`), with the last
 * step's notice and error; the screen's own reading errors go to `setError` too.
 */
export function useSteps(doneByDefault = '') {
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const { busy, run } = useAction();
  const reload = useRef<() => Promise<void>>(async () => {});
  const act: Act = async (fn, done = doneByDefault) => {
    let ok = false;
    await run(async () => {
      setError(undefined);
      setNotice('');
      try {
        await fn();
        ok = true;
        setNotice(done);
        await reload.current();
      } catch (e) {
        setError(e);
      }
    });
    return ok;
  };
  return { error, setError, notice, busy, act, reload };
}
